import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse


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
    }
    return {key: reverse(name) for key, name in names.items()}


def site(request):
    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "site_urls": _site_urls(get_script_prefix()),
    }
