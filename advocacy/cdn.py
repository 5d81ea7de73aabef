"""Purging a CDN's copies of pages, by the page cache's tags, from a background task.

Cached public pages carry their tags in Surrogate-Key (Fastly) and Cache-Tag
(Cloudflare) headers (advocacy.pagecache). When tags are invalidated,
queue_purge() (PAGE_CACHE_PURGE) queues background.tasks.purge_cdn, which asks
the CDN named by CDN_PURGE to drop every page carrying one of them. A failed
purge is retried by the worker with back-off; purging twice is harmless.

Backends (CDN_PURGE): "" (none, the default: nothing is sent), "fastly"
(CDN_FASTLY_SERVICE_ID), "cloudflare" (CDN_CLOUDFLARE_ZONE_ID), or the dotted
path of a class with purge(tags). CDN_PURGE_TOKEN is the API token;
CDN_API_URL replaces the CDN's API address (a proxy, or the tests' own server).
"""

import json
import urllib.request

from django.conf import settings
from django.utils.module_loading import import_string

from .pagecache import header_tags

TIMEOUT_SECONDS = 10


class PurgeFailed(Exception):
    pass


def _post(url, *, headers, body=b""):
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        raise PurgeFailed(f"{url} answered {exc.code}: {exc.read()[:300]!r}") from exc
    except OSError as exc:
        raise PurgeFailed(f"{url} did not answer: {exc}") from exc


class NoCDN:
    def purge(self, tags):
        return 0


class Fastly:
    """POST /service/{id}/purge with the keys in Surrogate-Key (Fastly's batch purge by key)."""

    api = "https://api.fastly.com"

    def purge(self, tags):
        base = settings.CDN_API_URL or self.api
        for start in range(0, len(tags), 256):  # Fastly takes at most 256 keys at once
            batch = header_tags(tags[start : start + 256])
            _post(
                f"{base}/service/{settings.CDN_FASTLY_SERVICE_ID}/purge",
                headers={
                    "Fastly-Key": settings.CDN_PURGE_TOKEN,
                    "Surrogate-Key": " ".join(batch),
                    "Accept": "application/json",
                },
            )
        return len(tags)


class Cloudflare:
    """POST /zones/{zone}/purge_cache {"tags": [...]} (Cloudflare's purge by cache tag)."""

    api = "https://api.cloudflare.com/client/v4"

    def purge(self, tags):
        base = settings.CDN_API_URL or self.api
        for start in range(0, len(tags), 30):  # 30 tags per call
            _post(
                f"{base}/zones/{settings.CDN_CLOUDFLARE_ZONE_ID}/purge_cache",
                headers={
                    "Authorization": f"Bearer {settings.CDN_PURGE_TOKEN}",
                    "Content-Type": "application/json",
                },
                body=json.dumps({"tags": header_tags(tags[start : start + 30])}).encode(),
            )
        return len(tags)


BACKENDS = {"": NoCDN, "none": NoCDN, "fastly": Fastly, "cloudflare": Cloudflare}


def backend():
    name = settings.CDN_PURGE
    return (BACKENDS.get(name) or import_string(name))()


def queue_purge(tags):
    """PAGE_CACHE_PURGE: queue the purge, unless no CDN is configured."""
    if isinstance(backend(), NoCDN):
        return
    from background import tasks

    tasks.purge_cdn.enqueue(list(tags))


def queue_invalidation_retry(tags):
    """PAGE_CACHE_RETRY: an invalidation the cache did not take, made again by the worker."""
    from background import tasks

    tasks.enqueue(tasks.retry_page_invalidation, list(tags))


def purge(tags):
    """The task's work: tell the CDN; an error propagates so that the worker retries."""
    return backend().purge(list(tags))
