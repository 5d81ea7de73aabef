"""The header and footer menus, kept in the cache between changes to the pages in them."""

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
KEY = "pages:menus"


def menus():
    """{"header": [(title, address)], "footer": […]} of published pages, in menu order."""
    from .models import Page

    try:
        found = cache.get(KEY)
    except Exception:  # the cache being down must not take pages down
        logger.warning("Menus not read from the cache.", exc_info=True)
        found = None
    if found is not None:
        return found
    found = {}
    for menu, title, slug in (
        Page.objects.published()
        .exclude(menu="")
        .order_by("menu_order", "title")
        .values_list("menu", "title", "slug")
    ):
        found.setdefault(menu, []).append((title, Page(slug=slug).get_absolute_url()))
    try:
        cache.set(KEY, found, timeout=None)
    except Exception:
        logger.warning("Menus not stored in the cache.", exc_info=True)
    return found


def menus_changed():
    """Forget the stored menus now and once the change is committed."""
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))
