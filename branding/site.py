"""What every page shows of the site's identity, read once and kept in the cache.

`current()` is the only reader of the site settings: the templates (through
advocacy.context_processors), the feeds, the mails' subjects, the admin's
header, the favicon and the accent stylesheet all ask it. It costs a page one
cache read; the database is read only when the cache has nothing (after a
change, or an eviction), and `changed()` is called by every save.
"""

import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from . import colours

logger = logging.getLogger(__name__)
KEY = "branding:site"
_REQUEST_ATTRIBUTE = "_branding"
# The header shows the logo at most this tall (CSS): copies twice that size are plenty.
LOGO_MAX_WIDTH = 480


@dataclass(frozen=True)
class Brand:
    name: str
    tagline: str
    footer_text: str = ""
    tagline_in_header: bool = False  # a tagline staff set (the default one stays in <meta>)
    show_name: bool = True
    accent: str = ""  # "" : the stylesheet's own colours
    accent_dark: str = ""
    logo_id: int | None = None
    logo_url: str = ""
    logo_width: int = 0
    logo_height: int = 0
    logo_name: str = ""  # the logo's file in storage, which the favicon is made from
    stored: bool = False  # staff saved the settings (a row exists)
    version: str = ""  # changes with anything above: the stylesheet's and icons' address

    @property
    def has_logo(self):
        return bool(self.logo_url)


def defaults():
    """What a site shows before anyone opens its settings: today's environment settings."""
    return _with_version(Brand(name=settings.SITE_NAME, tagline=settings.SITE_TAGLINE))


def _with_version(brand):
    fields = {**brand.__dict__, "version": ""}
    digest = hashlib.sha256(repr(sorted(fields.items())).encode()).hexdigest()[:12]
    return Brand(**{**fields, "version": digest})


def _from_database():
    from .models import SiteSettings

    row = SiteSettings.objects.select_related("logo").first()
    if row is None:
        return defaults()
    accent = row.accent if row.accent and row.accent != colours.DEFAULT else ""
    logo = row.logo
    return _with_version(
        Brand(
            stored=True,
            name=row.name or settings.SITE_NAME,
            tagline=row.tagline,
            tagline_in_header=bool(row.tagline),
            footer_text=row.footer_text,
            show_name=row.show_name or logo is None,
            accent=accent,
            accent_dark=colours.dark_variant(accent) if accent else "",
            logo_id=logo.pk if logo else None,
            logo_url=logo.rendition_url(LOGO_MAX_WIDTH) if logo else "",
            logo_width=logo.width if logo else 0,
            logo_height=logo.height if logo else 0,
            logo_name=logo.file.name if logo else "",
        )
    )


def current(request=None):
    """The site's identity now: from the request (once per request), the cache or the database."""
    if request is not None and (found := getattr(request, _REQUEST_ATTRIBUTE, None)):
        return found
    try:
        found = cache.get(KEY)
    except Exception:  # the cache being down must not take pages down
        logger.warning("Site settings not read from the cache.", exc_info=True)
        found = None
    if found is None:
        found = _from_database()
        try:
            cache.set(KEY, found, timeout=None)
        except Exception:
            logger.warning("Site settings not stored in the cache.", exc_info=True)
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, found)
    return found


def changed():
    """The settings (or their logo) changed: forget them, and make every cached page stale."""
    from statements import pages as page_cache

    cache.delete(KEY)
    # Again once committed: a page rendered meanwhile may have stored the old ones.
    transaction.on_commit(lambda: cache.delete(KEY))
    page_cache.every_page_changed()


def admin_header():
    from django.utils.translation import gettext as _

    return _("%(site)s — administration") % {"site": current().name}
