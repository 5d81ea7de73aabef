from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from statements.models import Statement


class Draft(models.Model):
    """Changes to a published statement, kept apart from it until an editor publishes them.

    `content` holds the statement form's fields (editing.content.FIELDS) as
    the editor saved them; the statement itself, and so its public page, is
    untouched until "Publish changes" saves the form as any edit does.
    """

    statement = models.OneToOneField(
        Statement, on_delete=models.CASCADE, related_name="draft_of_changes"
    )
    content = models.JSONField(encoder=DjangoJSONEncoder)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft of changes")
        verbose_name_plural = _("drafts of changes")

    def __str__(self):
        return str(self.statement)


class Review(models.Model):
    """A statement a contributor submitted, waiting for an editor (editing.reviews)."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for review")
        PUBLISHED = "published", _("Approved and published")
        RETURNED = "returned", _("Returned to the author")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="reviews")
    state = models.CharField(max_length=10, choices=State, default=State.WAITING, db_index=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # The editor's words to the author when returning it: shown in the admin only.
    note = models.TextField(_("note to the author"), blank=True, max_length=2000)
    # When the Editors' mail announced it (at most one mail per interval).
    editors_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        permissions = [("publish_statement", _("Can publish statements and decide reviews"))]
        constraints = [
            models.UniqueConstraint(
                fields=["statement"],
                condition=models.Q(state="waiting"),
                name="one_waiting_review_per_statement",
            )
        ]

    def __str__(self):
        return str(self.statement)
