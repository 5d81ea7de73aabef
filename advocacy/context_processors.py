import functools

from django.urls import get_script_prefix, reverse
from django.utils.functional import SimpleLazyObject, lazy

from branding.site import current


@functools.lru_cache(maxsize=8)
def _site_urls(script_prefix):
    # The header and footer link the same pages on every page: nine reverse()
    # calls (~30 µs each) per render otherwise. Keyed by the script prefix,
    # which is all that can change them while the process runs.
    names = {
        "home": "statements:home",
        "archive": "statements:archive",
        "topics": "statements:topics",
        "organizations": "statements:organizations",
        "languages": "statements:languages",
        "search": "statements:search",
        "feed_atom": "statements:feed-atom",
        "feed_rss": "statements:feed-rss",
        "accent_css": "branding:accent-css",
        "favicon": "branding:favicon",
        "favicon_png": ("branding:favicon-png", 32),
        "apple_touch_icon": ("branding:favicon-png", 180),
    }
    return {
        key: reverse(name[0], args=name[1:]) if isinstance(name, tuple) else reverse(name)
        for key, name in names.items()
    }


def site(request):
    # The site's name, logo and colours as staff set them (branding.site: one cache
    # read per request, when a template first shows them: admin pages and mails that
    # do not cost nothing); site_name and site_tagline are kept for the templates.
    brand = SimpleLazyObject(lambda: current(request))
    return {
        "brand": brand,
        "site_name": lazy(lambda: brand.name, str)(),
        "site_tagline": lazy(lambda: brand.tagline, str)(),
        "site_urls": _site_urls(get_script_prefix()),
    }
