"""/healthz: may this app server take visitors? 200 when its database and cache answer, else 503.

For load balancers, monitoring and rolling restarts (deploy/advocacy-upstream.conf).
The answer names no person, host or version, and is never cached.
"""

import logging
import secrets

from django.core.cache import caches
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    cache = caches["default"]
    key, value = f"healthz:{secrets.token_hex(4)}", secrets.token_hex(4)
    cache.set(key, value, timeout=10)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


CHECKS = {"database": _database, "cache": _cache}


@never_cache
@require_safe
def healthz(request):
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            logger.warning("Health check: the %s does not answer: %s", name, exc)
            results[name] = "unavailable"
        else:
            results[name] = "ok"
    healthy = all(state == "ok" for state in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **results},
        status=200 if healthy else 503,
    )
