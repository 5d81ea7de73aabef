"""Receivers: tell statements.pages which cached pages a site page's change touches,
and pages.menus when what a menu shows changed."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from statements import pages as page_cache
from statements.models import Image, Organization, Topic

from .menus import in_a_menu, menus_changed
from .models import MenuItem, Page


def _touched(page, slug):
    """Its own page, its children's (they link back to it) and, if in a menu, every page."""
    children = list(Page.objects.filter(parent_id=page.pk).values_list("slug", flat=True))
    in_menu = page.pk is not None and in_a_menu(page_id=page.pk)
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
    # Its menu items went first (cascade), each refreshing the menus.
    _touched(instance, instance.slug)


@receiver(post_save, sender=MenuItem)
@receiver(post_delete, sender=MenuItem)
def refresh_menus(sender, instance, raw=False, **kwargs):
    if not raw:
        menus_changed()


@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Organization)
def refresh_menus_naming(sender, instance, raw=False, created=False, **kwargs):
    """A renamed topic or organization is renamed (and readdressed) in the menus."""
    field = "topic_id" if sender is Topic else "organization_id"
    if not raw and not created and in_a_menu(**{field: instance.pk}):
        menus_changed()


@receiver(post_save, sender=Image)
def refresh_pages_showing(sender, instance, created, raw=False, **kwargs):
    """A caption or credit corrected in the library is corrected on the pages showing it."""
    if created or raw:
        return
    for page in instance.pages_in_body.all():
        page.save(update_fields=["body_html"])
