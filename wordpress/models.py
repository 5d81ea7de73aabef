import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from advocacy.db import length_limits


class ImportedObject(models.Model):
    """What a WordPress object became here: the key that makes a second import update, not add.

    One row per (site, kind, WordPress id); the object it points at is a
    statement, page, library image or comment. Kept apart from those models so
    nothing about WordPress leaks into them.
    """

    class Kind(models.TextChoices):
        POST = "post", _("Post")
        PAGE = "page", _("Page")
        ATTACHMENT = "attachment", _("Attachment")
        COMMENT = "comment", _("Comment")

    source = models.CharField(
        _("source site"), max_length=500, help_text=_("The export's site address.")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    wp_id = models.PositiveBigIntegerField(_("WordPress id"))
    content_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, related_name="+", verbose_name=_("content type")
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    target = GenericForeignKey("content_type", "object_id")
    # A digest of what the export said: unchanged on a re-run means skipped.
    digest = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(_("imported at"), auto_now=True)

    class Meta:
        verbose_name = _("imported WordPress object")
        verbose_name_plural = _("imported WordPress objects")
        permissions = [("import_wordpress", "Can import a WordPress export")]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wp_id"], name="wordpress_imported_once"
            ),
            *length_limits("importedobject", source=500, digest=64),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="wp_import_target")]

    def __str__(self):
        return f"{self.source} {self.kind} {self.wp_id}"


class ImportRun(models.Model):
    """An export uploaded in the admin, imported by the task worker (wordpress.runs)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The export's name in the private storage (STORAGES["private"]) until the run ends.
    stored_export = models.CharField(max_length=100, blank=True, editable=False)
    export_name = models.CharField(max_length=255, blank=True)
    organization = models.CharField(max_length=200, blank=True)
    fetch_media = models.BooleanField(default=False)
    dry_run = models.BooleanField(default=False)
    state = models.CharField(max_length=8, choices=State, default=State.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    report_text = models.TextField(blank=True)
    fatal = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("WordPress import")
        constraints = length_limits(
            "importrun", export_name=255, organization=200, stored_export=100
        )

    def __str__(self):
        return self.export_name or str(self.pk)

    @property
    def is_finished(self):
        return self.state in {self.State.DONE, self.State.FAILED}
