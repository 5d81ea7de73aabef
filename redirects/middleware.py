import logging

from django.db import DatabaseError
from django.http import HttpResponsePermanentRedirect

from .models import ADDRESS_PARAMETERS, Redirect, normalize

logger = logging.getLogger(__name__)


def _target(candidates):
    if any("\x00" in candidate for candidate in candidates):
        return None  # never an old address; PostgreSQL refuses it in a query
    try:
        row = (
            Redirect.objects.filter(old_path__in=candidates)
            .values_list("old_path", "new_url")
            .first()
        )
    except (
        DatabaseError
    ):  # the 404 (or the page) stands; the database's absence is handled elsewhere
        logger.warning("Redirects could not be read.", exc_info=True)
        return None
    return row[1] if row else None


class RedirectMiddleware:
    """Old addresses answer with a permanent redirect to their new place.

    Ordinary requests cost nothing here: the table is read only for a 404, or
    for an address with a WordPress parameter (/?p=12 would otherwise get the
    home page, cached or not). It sits before the page cache for that reason.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(name in request.GET for name in ADDRESS_PARAMETERS):
            target = _target([normalize(request.get_full_path())])
            if target:
                return HttpResponsePermanentRedirect(target)
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        path = normalize(request.path, decoded=True)
        candidates = {path, path.rstrip("/") or "/", path if path.endswith("/") else path + "/"}
        target = _target(list(candidates))
        return HttpResponsePermanentRedirect(target) if target else response
