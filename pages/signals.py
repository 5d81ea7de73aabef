"""Receivers: tell statements.pages which cached pages a site page's change touches."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from statements import pages as page_cache
from statements.models import Image

from .menus import menus_changed
from .models import Page


def _shown_in_menu(page):
    return page.status == Page.Status.PUBLISHED and bool(page.menu)


def _touched(page, slug):
    """Its own page, its children's (they link back to it) and, if in a menu, every page."""
    children = list(Page.objects.filter(parent_id=page.pk).values_list("slug", flat=True))
    in_menu = _shown_in_menu(page)
    if in_menu:
        menus_changed()
    page_cache.site_page_changed([slug, *children], in_menu=in_menu)


@receiver(pre_save, sender=Page)
def refresh_before_save(sender, instance, raw=False, **kwargs):
    # The pages showing it as it was (its old address, a menu it leaves).
    if raw or not instance.pk:
        return
    old = Page.objects.filter(pk=instance.pk).first()
    if old is not None:
        _touched(old, old.slug)


@receiver(post_save, sender=Page)
def refresh_after_save(sender, instance, raw=False, **kwargs):
    if not raw:
        _touched(instance, instance.slug)


@receiver(post_delete, sender=Page)
def refresh_after_delete(sender, instance, **kwargs):
    _touched(instance, instance.slug)


@receiver(post_save, sender=Image)
def refresh_pages_showing(sender, instance, created, raw=False, **kwargs):
    """A caption or credit corrected in the library is corrected on the pages showing it."""
    if created or raw:
        return
    for page in instance.pages_in_body.all():
        page.save(update_fields=["body_html"])
