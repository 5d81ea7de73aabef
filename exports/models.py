import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from advocacy.db import length_limits


class Export(models.Model):
    """A file of personal data staff asked for, built by the task worker (exports.runs).

    It stays in the private storage, downloadable by the staff member who asked
    for it, until `expires_at`; then the file and this row are deleted.
    """

    class Kind(models.TextChoices):
        SUBSCRIBERS = "subscribers", _("Subscribers (CSV)")
        PERSONAL_DATA = "personal", _("Everything stored about an address (JSON)")

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        READY = "ready", _("Ready to download")
        # Its last attempt failed too (a failed attempt before that leaves it queued).
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    state = models.CharField(_("state"), max_length=8, choices=State, default=State.QUEUED)
    created_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked for by"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # What to export: the subscribers' ids, or the address whose data is asked for.
    selection = models.JSONField(default=list, blank=True)
    address = models.CharField(max_length=254, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("deleted on"), db_index=True)
    # The file's name in STORAGES["private"], once it is built.
    stored_file = models.CharField(max_length=100, blank=True, editable=False)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        permissions = [
            ("export_personal_data", "Can export everything stored about an email address")
        ]
        constraints = length_limits("export", address=254, stored_file=100, error=10_000)

    def __str__(self):
        return f"{self.get_kind_display()}, {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def storage_name(self):
        """Where the build writes its file: one name, so any attempt's copy is found and deleted."""
        extension = "csv" if self.kind == self.Kind.SUBSCRIBERS else "json"
        return f"exports/{self.pk.hex}.{extension}"

    @property
    def download_name(self):
        stamp = self.created_at.strftime("%Y%m%d-%H%M")
        if self.kind == self.Kind.SUBSCRIBERS:
            return f"subscribers-{stamp}.csv"
        return f"personal-data-{stamp}.json"
