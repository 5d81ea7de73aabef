"""The header and footer menus and the social accounts, kept in the cache between changes.

Staff build them from site pages, topics, organizations and addresses
elsewhere (pages.models.MenuItem, in the admin). Any change to an item, or to
a page, topic or organization an item links to, calls menus_changed(), which
also makes every cached page stale (each shows the menus).
"""

import logging

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)
KEY = "pages:menus"


def menus():
    """{"header": [(title, address)], "footer": […], "social": […]}, in menu order."""
    from .models import MenuItem

    try:
        found = cache.get(KEY)
    except Exception:  # the cache being down must not take pages down
        logger.warning("Menus not read from the cache.", exc_info=True)
        found = None
    if found is not None:
        return found
    found = {}
    for item in MenuItem.objects.shown():
        found.setdefault(item.menu, []).append((item.title, item.address))
    try:
        cache.set(KEY, found, timeout=None)
    except Exception:
        logger.warning("Menus not stored in the cache.", exc_info=True)
    return found


def in_a_menu(**target):
    """Does an item link to this page, topic or organization (e.g. page_id=3)?"""
    from .models import MenuItem

    return MenuItem.objects.filter(**target).exists()


def menus_changed():
    """Forget the stored menus now and once the change is committed; refresh every page."""
    from statements import pages as page_cache

    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))
    page_cache.every_page_changed()
