"""Full-page cache for anonymous visitors, invalidated exactly by tags.

Every cached page names the tags it depends on ("statement:<slug>", "home",
"topic:<slug>", …). A tag's version is a random token kept in the cache; a
page is stored with the versions its tags had *before* it was rendered and is
served only while they are unchanged. Changing content bumps just the tags it
touches (statements.invalidation), so one approved comment refreshes its
statement and the lists that count it, and nothing else.

Pages are stored at most PAGE_CACHE_SECONDS, and never past the moment the
next scheduled statement comes due, so it appears on time with no save and
no cron job.

Hits are answered by PageCacheMiddleware, early in the middleware stack: a
viral page costs a cache read and the tag check, not sessions, CSRF, auth,
URL resolution and an ETag hash. Misses go on to the view, which names the
page's tags (CachedPageMixin, cached_page) and reads their versions before it
renders; the middleware stores the response as the inner middleware left it
(ETag, Vary and X-Frame-Options included) on its way out.

Who is served from the cache: GET/HEAD requests without a session cookie,
i.e. visitors who are not logged in and have no pending comment of their
own. Cached pages carry nothing per visitor: the comment form's question,
its key and the CSRF token are fetched by the visitor's own browser.
"""

import hashlib
import logging
import secrets
import time
from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

logger = logging.getLogger(__name__)

TAG_PREFIX = "page-tag:"
PAGE_PREFIX = "page:"
NEXT_DUE_KEY = "page-next-due"
PROVISIONAL_DUE_SECONDS = 60
_UNCACHEABLE_HEADERS = {"set-cookie"}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _tag_key(tag):
    return TAG_PREFIX + hashlib.sha256(tag.encode()).hexdigest()[:32]


def current_versions(tags):
    """The version token of each tag, creating tokens for tags not seen yet."""
    cache = _cache()
    keys = {tag: _tag_key(tag) for tag in tags}
    found = cache.get_many(list(keys.values()))
    versions = {}
    for tag, key in keys.items():
        version = found.get(key)
        if version is None:
            version = secrets.token_hex(8)
            # add(): if another worker created it meanwhile, theirs wins.
            if not cache.add(key, version, timeout=None):
                version = cache.get(key)
        versions[tag] = version
    return versions


def invalidate(*tags):
    """Give each tag a new version: every page that depends on one is stale."""
    tags = {tag for tag in tags if tag}
    if not tags:
        return
    try:
        _cache().set_many({_tag_key(tag): secrets.token_hex(8) for tag in tags}, timeout=None)
    except Exception:
        logger.exception("Could not invalidate cached pages %s", sorted(tags))


def is_cacheable_request(request):
    if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    # A session means a logged-in user or a visitor with a pending comment of
    # their own; a messages cookie means a message meant for one person.
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _page_key(request):
    return PAGE_PREFIX + hashlib.sha256(request.get_full_path().encode()).hexdigest()


def _next_due_from_database():
    from statements.models import Statement

    first = (
        Statement.objects.scheduled().order_by("publish_at").values_list("publish_at", flat=True)
    )[:1]
    return first[0].timestamp() if first else 0  # 0: nothing scheduled


def _seconds_until_next_due():
    """Seconds until the next scheduled statement comes due, or None if none is.

    Kept in the cache (see schedule_changed), so storing a page costs no query;
    read from the database again once that moment has passed.
    """
    cache = _cache()
    now = time.time()
    due = cache.get(NEXT_DUE_KEY)
    if due is None or (due and due <= now):
        due = _next_due_from_database()
        cache.set(NEXT_DUE_KEY, due, timeout=settings.PAGE_CACHE_SECONDS or None)
    if not due:
        return None
    return max(1, int(due - now) + 1)


def schedule_changed(*, committed):
    """A statement was saved or deleted: read the next due time again.

    Inside the transaction (committed=False) the read sees changes that may
    still be rolled back, so it is kept only as an early bound: never later
    than what was known, nor more than a minute ahead. After the commit it is
    exact. Either way pages are never kept past a statement's publish time.
    """
    try:
        cache = _cache()
        due = _next_due_from_database()
        if not committed:
            bounds = [time.time() + PROVISIONAL_DUE_SECONDS]
            known = cache.get(NEXT_DUE_KEY)
            bounds += [value for value in (known, due) if value]
            due = min(bounds)
        cache.set(NEXT_DUE_KEY, due, timeout=settings.PAGE_CACHE_SECONDS or None)
    except Exception:
        logger.exception("Could not update the next scheduled time of the page cache")


def serve_cached(request, tags, render):
    """Render a page the cache may keep: PageCacheMiddleware stores it on its way out.

    Cache hits never reach here (the middleware answers them), so this renders.
    The tag versions are read *before* rendering: content changed meanwhile
    makes the stored page stale at once instead of hiding the change.
    """
    if not is_cacheable_request(request):
        response = render()
        patch_cache_control(response, private=True)
        return response
    try:
        versions = current_versions(tags)
    except Exception as exc:
        # The cache being down must not take pages down: render uncached.
        logger.warning("Page cache unavailable: %s", exc)
        return render()
    response = render()
    if callable(getattr(response, "render", None)):
        response = response.render()
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    request.page_cache_versions = versions
    return response


def _store(key, versions, response):
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in _UNCACHEABLE_HEADERS
    ]
    entry = {
        "versions": versions,
        "status": response.status_code,
        "headers": headers,
        "content": response.content,
    }
    try:
        # The next due time is read from the cache too: both inside the try,
        # so a cache that fails mid-request costs the page its storing only.
        timeout = settings.PAGE_CACHE_SECONDS
        until_due = _seconds_until_next_due()
        if until_due is not None:
            timeout = min(timeout, until_due)
        _cache().set(key, entry, timeout=timeout)
    except Exception as exc:
        logger.warning("Could not store a page in the cache: %s", exc)


def _cached_response(request):
    """The stored page for this request if every tag it depends on is unchanged."""
    key = _page_key(request)
    cache = _cache()
    stored = cache.get(key)
    if not stored:
        return None
    versions = stored["versions"]
    current = cache.get_many([_tag_key(tag) for tag in versions])
    if any(current.get(_tag_key(tag)) != version for tag, version in versions.items()):
        return None
    response = HttpResponse(stored["content"], status=stored["status"])
    for name, value in stored["headers"]:
        response[name] = value
    # What ConditionalGetMiddleware would do, with the ETag stored, not re-hashed.
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=None,
        response=response,
    )


class PageCacheMiddleware:
    """Answers cache hits before the rest of the stack; stores what views rendered for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_cacheable_request(request):
            return self.get_response(request)
        try:
            hit = _cached_response(request)
        except Exception as exc:
            logger.warning("Page cache unavailable: %s", exc)
            hit = None
        if hit is not None:
            return hit
        response = self.get_response(request)
        versions = getattr(request, "page_cache_versions", None)
        if versions is not None and response.status_code == 200 and not response.streaming:
            _store(_page_key(request), versions, response)
        return response


class CachedPageMixin:
    """For public class-based views: whole pages for anonymous visitors.

    Views define get_cache_tags(), computed from the URL alone so the tag
    versions are read before the page is rendered.
    """

    def get_cache_tags(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        return serve_cached(
            request,
            self.get_cache_tags(),
            lambda: super(CachedPageMixin, self).dispatch(request, *args, **kwargs),
        )


def cached_page(tags):
    """The same for function views and feeds; `tags(**url_kwargs)` or a list."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            page_tags = tags(**kwargs) if callable(tags) else tags
            return serve_cached(request, page_tags, lambda: view(request, *args, **kwargs))

        return wrapped

    return decorator
