"""Full-page cache for anonymous visitors, invalidated exactly by tags.

Every cached page names the tags it depends on ("statement:<slug>", "home",
"topic:<slug>", …). A tag's version is a random token kept in the cache; a
page is stored with the versions its tags had *before* it was rendered and is
served only while they are unchanged. Changing content bumps just the tags it
touches (statements.pages), so one approved comment refreshes its
statement and the lists that count it, and nothing else.

Scheduled content appears on time with no save and no cron job: the cache
keeps the publication schedule (PAGE_CACHE_SCHEDULE names the function that
reads it from the database), each stored page records when it was rendered,
and a page rendered before a scheduled publication came due is never served
after it, however long it was stored for. Pages are stored at most
PAGE_CACHE_SECONDS, and never past the next due time.

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
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

TAG_PREFIX = "page-tag:"
PAGE_PREFIX = "page:"
SCHEDULE_KEY = "page-schedule"
# A tag every cached page has besides its own: what all pages show (menus).
EVERY_PAGE = "every-page"
PROVISIONAL_DUE_SECONDS = 60
_UNCACHEABLE_HEADERS = {"set-cookie"}


def _cache():
    return caches[settings.PAGE_CACHE_ALIAS]


def _tag_key(tag):
    return TAG_PREFIX + hashlib.sha256(tag.encode()).hexdigest()[:32]


def current_versions(tags):
    """The version token of each tag; None for a tag not seen yet.

    Nothing is created here: a request for a page that does not exist (a 404
    for any slug an outsider makes up) must leave nothing behind in the cache.
    Tokens are created when a page is stored (_created_versions).
    """
    keys = {tag: _tag_key(tag) for tag in tags}
    found = _cache().get_many(list(keys.values()))
    return {tag: found.get(key) for tag, key in keys.items()}


def _created_versions(versions):
    """`versions` with a new token for each tag that had none.

    add() creates a token only where there still is none; where another
    request created one meanwhile (or content changed and bumped it), None is
    kept, so the page stored with it is never served: safe, if not cached.
    """
    cache = _cache()
    created = dict(versions)
    for tag, version in versions.items():
        if version is None:
            token = secrets.token_hex(8)
            if cache.add(_tag_key(tag), token, timeout=None):
                created[tag] = token
    return created


def invalidate(*tags, downstream=True):
    """Give each tag a new version: every page that depends on one is stale.

    `downstream`: also hand the tags to PAGE_CACHE_PURGE (a CDN's purge, queued
    as a task by advocacy.cdn), for caches in front of the site.
    """
    tags = {tag for tag in tags if tag}
    if not tags:
        return
    try:
        bump(tags)
    except Exception:
        # A cache that hangs or restarts with its data (a network blip, a
        # failover) would keep serving the pages this change made stale:
        # PAGE_CACHE_RETRY (a task, advocacy.cdn) makes the change once it answers.
        logger.exception("Could not invalidate cached pages %s", sorted(tags))
        retry = getattr(settings, "PAGE_CACHE_RETRY", None)
        if retry:
            try:
                import_string(retry)(sorted(tags))
            except Exception:
                logger.exception("Could not queue the invalidation of %s again", sorted(tags))
    purge = getattr(settings, "PAGE_CACHE_PURGE", None)
    if downstream and purge:
        try:
            import_string(purge)(sorted(tags))
        except Exception:
            logger.exception("Could not forward the invalidation of %s", sorted(tags))


def bump(tags):
    """New versions for these tags; an error (the cache not answering) propagates."""
    _cache().set_many({_tag_key(tag): secrets.token_hex(8) for tag in tags}, timeout=None)


def header_tags(tags):
    """The tags as a CDN reads them: ASCII (a Unicode slug percent-encoded), sorted."""
    return sorted(quote(tag, safe=":-_.~") for tag in tags)


# The only query parameter a cached page reads: a list's page number, kept in
# the key in its plain spelling ("2"). Any other spelling ("02", "abc") is
# rendered, never stored, so no query string multiplies the stored copies;
# parameters no page reads (utm_source, fbclid, …) are left out of the key.
KEYED_PARAMETERS = ("page",)
# Pages that read these are personal or unbounded (a reply form per comment id):
# rendered for each request, never stored.
UNCACHED_PARAMETERS = ("replytocom",)
_CACHE_DOWN = "_page_cache_down"


def is_cacheable_request(request):
    if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, _CACHE_DOWN, False):
        return False
    cookies = request.COOKIES
    # A session means a logged-in user or a visitor with a pending comment of
    # their own; a messages cookie means a message meant for one person.
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    query = request.GET
    if any(name in query for name in UNCACHED_PARAMETERS):
        return False
    return all(_plain_number(query.getlist(name)) for name in KEYED_PARAMETERS if name in query)


def _plain_number(values):
    return (
        len(values) == 1
        and values[0].isascii()
        and values[0].isdigit()
        and (values[0] == "0" or not values[0].startswith("0"))
    )


def _page_key(request):
    # The host is part of the key: feeds, the sitemap and canonical links name it.
    query = "&".join(
        f"{name}={request.GET[name]}" for name in KEYED_PARAMETERS if name in request.GET
    )
    address = f"{request.get_host()}{request.path}?{query}"
    return PAGE_PREFIX + hashlib.sha256(address.encode()).hexdigest()


# -- the publication schedule --------------------------------------------------------
#
# Kept in the cache as (last due, next due, checked at), POSIX timestamps:
# the latest scheduled publication that has come due (0: none that matters),
# the next one to come due (0: none) and when the database was read. A page
# rendered before a publication came due is stale from that moment on.


def _schedule_from_source():
    last_due, next_due = import_string(settings.PAGE_CACHE_SCHEDULE)()
    return (
        last_due.timestamp() if last_due else 0,
        next_due.timestamp() if next_due else 0,
        time.time(),
    )


def _must_reread(schedule, now):
    if schedule is None:
        return True
    _, next_due, checked_at = schedule
    # Also every PAGE_CACHE_SECONDS: a schedule changed without a save (an
    # UPDATE by hand, a raw load) is noticed as late as a tag would expire.
    return (next_due and next_due <= now) or checked_at + settings.PAGE_CACHE_SECONDS <= now


def _known_schedule():
    """The schedule as cached, read from the database again once its next due time has passed.

    Only pages being rendered read it this way, never cache hits: a database
    that is down costs the storing of a page, not the serving of stored ones.
    """
    cache = _cache()
    schedule = cache.get(SCHEDULE_KEY)
    if _must_reread(schedule, time.time()):
        schedule = _schedule_from_source()
        cache.set(SCHEDULE_KEY, schedule, timeout=None)
    return schedule


def _published_since(schedule, rendered_at):
    """Did a scheduled publication come due after a page was rendered at `rendered_at`?

    A page whose schedule is unknown (evicted) is treated as stale. A next due
    time that has passed counts as a publication before anyone re-reads the
    database, so a hit needs no query to know.
    """
    if schedule is None:
        return True
    last_due, next_due, _ = schedule
    return last_due > rendered_at or bool(next_due and rendered_at < next_due <= time.time())


def _seconds_until_next_due():
    """Seconds until the next scheduled publication comes due, or None if none is."""
    _, next_due, _ = _known_schedule()
    if not next_due:
        return None
    return max(1, int(next_due - time.time()) + 1)


def schedule_changed(*, committed):
    """Content was saved or deleted: read the schedule again.

    Inside the transaction (committed=False) the read sees changes that may
    still be rolled back, so it is kept only as an early bound: the next due
    time never later than what was known, nor more than a minute ahead, and
    the last one never earlier (a too early next due time or a too late last
    one only costs pages a render). After the commit it is exact.
    """
    try:
        cache = _cache()
        last_due, next_due, checked_at = _schedule_from_source()
        if not committed:
            known = cache.get(SCHEDULE_KEY) or (0, 0, 0)
            bounds = [checked_at + PROVISIONAL_DUE_SECONDS]
            bounds += [value for value in (known[1], next_due) if value]
            next_due = min(bounds)
            last_due = max(last_due, known[0])
        cache.set(SCHEDULE_KEY, (last_due, next_due, checked_at), timeout=None)
    except Exception:
        logger.exception("Could not update the publication schedule of the page cache")


# -- rendering, storing and serving pages ------------------------------------------------


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
    # Before the tags and the content are read: what came due while this page
    # was rendered may be missing from it.
    rendered_at = time.time()
    try:
        versions = current_versions([*tags, EVERY_PAGE])
    except Exception as exc:
        # The cache being down must not take pages down: render uncached.
        logger.warning("Page cache unavailable: %s", exc)
        setattr(request, _CACHE_DOWN, True)
        return render()
    response = render()
    if callable(getattr(response, "render", None)):
        response = response.render()
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    # For a CDN in front (advocacy.cdn): the page's tags, which a purge names, as
    # Fastly (Surrogate-Key, space-separated) and Cloudflare (Cache-Tag, commas) read
    # them, and how long it may keep the page: never past the next scheduled
    # publication, so a statement due at noon is on the CDN's pages at noon too.
    keys = header_tags(tags)
    response["Surrogate-Key"] = " ".join(keys)
    response["Cache-Tag"] = ",".join(keys)
    keep = settings.PAGE_CACHE_SECONDS
    try:
        until_due = _seconds_until_next_due()
    except Exception:
        until_due = 0
    if until_due is not None:
        keep = max(0, min(keep, until_due))
    response["Surrogate-Control"] = f"max-age={keep}"
    response["CDN-Cache-Control"] = f"max-age={keep}"
    request.page_cache_versions = versions
    request.page_cache_rendered_at = rendered_at
    return response


def _store(key, versions, rendered_at, response):
    headers = [
        (name, value)
        for name, value in response.items()
        if name.lower() not in _UNCACHEABLE_HEADERS
    ]
    entry = {
        "versions": None,
        "rendered_at": rendered_at,
        "status": response.status_code,
        "headers": headers,
        "content": response.content,
    }
    try:
        # The schedule is read from the cache (or the database) too: inside the try,
        # so a cache that fails mid-request costs the page its storing only.
        entry["versions"] = _created_versions(versions)
        timeout = settings.PAGE_CACHE_SECONDS
        until_due = _seconds_until_next_due()
        if until_due is not None:
            timeout = min(timeout, until_due)
        _cache().set(key, entry, timeout=timeout)
    except Exception as exc:
        logger.warning("Could not store a page in the cache: %s", exc)


def _cached_response(request):
    """The stored page for this request, if every tag it depends on is unchanged
    and no scheduled publication came due after it was rendered."""
    key = _page_key(request)
    cache = _cache()
    found = cache.get_many([key, SCHEDULE_KEY])  # one round trip for both
    stored = found.get(key)
    # Pages stored before rendered_at was recorded count as rendered at 0.
    if not stored or _published_since(found.get(SCHEDULE_KEY), stored.get("rendered_at", 0)):
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
            # Remembered for this request: a cache that hangs costs it one
            # timeout, not one for the hit and another for the render.
            setattr(request, _CACHE_DOWN, True)
            hit = None
        if hit is not None:
            return hit
        response = self.get_response(request)
        versions = getattr(request, "page_cache_versions", None)
        if versions is not None and response.status_code == 200 and not response.streaming:
            _store(_page_key(request), versions, request.page_cache_rendered_at, response)
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
