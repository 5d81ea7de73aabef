from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import Image


@receiver(post_save, sender=Image)
def rerender_statements_showing(sender, instance, created, raw=False, **kwargs):
    """A caption or credit corrected in the library is corrected in every body."""
    if created or raw:
        return
    for statement in instance.statements_in_body.all():
        statement.save(update_fields=["body_html"])
