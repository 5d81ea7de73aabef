from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from advocacy.db import length_limits


class ImportedObject(models.Model):
    """What a WordPress object became here: the key that makes a second import update, not add.

    One row per (site, kind, WordPress id); the object it points at is a
    statement, page, library image or comment. Kept apart from those models so
    nothing about WordPress leaks into them.
    """

    class Kind(models.TextChoices):
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"
        COMMENT = "comment", "Comment"

    source = models.CharField(
        "source site", max_length=500, help_text="The export's site address."
    )
    kind = models.CharField(max_length=12, choices=Kind)
    wp_id = models.PositiveBigIntegerField("WordPress id")
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    # A digest of what the export said: unchanged on a re-run means skipped.
    digest = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "imported WordPress object"
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
