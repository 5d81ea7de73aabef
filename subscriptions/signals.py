"""A statement going live through a save starts its mail (subscriptions.sending).

One coming due by itself, with no save, is found by subscriptions.clock.
Receivers only: who is mailed is subscriptions.audience's rule.
"""

from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from statements.models import Statement

from . import sending


@receiver(pre_save, sender=Statement)
def remember_if_live(sender, instance, raw=False, **kwargs):
    if raw:
        return
    instance._was_live = bool(instance.pk) and (
        Statement.objects.published().filter(pk=instance.pk).exists()
    )


@receiver(post_save, sender=Statement)
def mail_when_going_live(sender, instance, raw=False, **kwargs):
    # Editing a statement that was live already mails nothing.
    if raw or getattr(instance, "_was_live", True) or not instance.is_published:
        return
    sending.start_statement(instance)
