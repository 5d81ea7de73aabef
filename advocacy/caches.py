"""A Redis cache that, once its server fails to answer, stops asking it for a few seconds.

Each request reads the cache several times (the page, the site settings, the menus,
the languages in use). With a hung server every read waits out its socket timeout, so
a page would cost seconds; after one failure the thread raises at once instead, for
the rest of its request (or for `RETRY_SECONDS` outside requests: a task worker), and
every caller already treats a raising cache as absent (pages are rendered from the
database, comments fail closed). A hung server costs a request one timeout, and the
next request asks again, so a server that is back is used at once.
"""

import functools
import threading
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.signals import request_started
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

RETRY_SECONDS = 5.0

_OPERATIONS = (
    "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
    "delete_many", "clear",
)  # fmt: skip


class CacheServerDown(RedisConnectionError):
    """Raised without asking the server: it failed a moment ago."""


class _Breaker(threading.local):
    """Per thread, as a request is: one request's failure does not fail another's."""

    down_until = 0.0

    def check(self):
        if time.monotonic() < self.down_until:
            raise CacheServerDown("The cache server failed a moment ago; not asked again yet.")

    def failed(self):
        self.down_until = time.monotonic() + RETRY_SECONDS

    def reset(self, **kwargs):
        self.down_until = 0.0


breaker = _Breaker()
request_started.connect(breaker.reset, dispatch_uid="advocacy.caches.breaker.reset")


def _guarded(operation):
    @functools.wraps(operation)
    def call(self, *args, **kwargs):
        breaker.check()
        try:
            return operation(self, *args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError):
            breaker.failed()
            raise

    return call


class FailFastRedisCacheClient(RedisCacheClient):
    pass


for _name in _OPERATIONS:
    setattr(FailFastRedisCacheClient, _name, _guarded(getattr(RedisCacheClient, _name)))


class FailFastRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = FailFastRedisCacheClient
