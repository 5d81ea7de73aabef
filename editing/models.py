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
