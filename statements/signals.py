from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Image


@receiver(post_save, sender=Image)
def rerender_statements_showing(sender, instance, created, raw=False, **kwargs):
    """A caption or credit corrected in the library is corrected in every body."""
    if created or raw:
        return
    for statement in instance.statements_in_body.all():
        statement.save(update_fields=["body_html"])


@receiver(post_delete, sender=Image)
def delete_image_files(sender, instance, **kwargs):
    """A deleted photo leaves the disk too (after commit: a rollback keeps it)."""
    transaction.on_commit(instance.delete_files)
