"""Receivers: a change to the settings or to their logo refreshes every page (branding.site)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from statements.models import Image

from .models import SiteSettings
from .site import changed, current


@receiver(post_save, sender=SiteSettings)
@receiver(post_delete, sender=SiteSettings)
def settings_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        changed()


@receiver(post_save, sender=Image)
@receiver(post_delete, sender=Image)
def logo_changed(sender, instance, raw=False, **kwargs):
    # Its smaller copies arrive after the upload (a task), and a deleted logo leaves
    # the header: the logo is compared with the cached settings, costing no query.
    if not raw and current().logo_id == instance.pk:
        changed()
