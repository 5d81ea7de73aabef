"""The favicon in its sizes and the accent colour's stylesheet: small, cacheable, no query.

Both are linked from base.html with the settings' version in the address
(?v=…), so browsers and CDNs may keep them for a year; a change of logo or
colour changes the address. /favicon.ico is asked for by name, without a
version: it is kept for a day.
"""

from django.http import Http404, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from . import favicon
from .site import current

A_YEAR = 365 * 24 * 3600
A_DAY = 24 * 3600


def _cacheable(request, response, brand):
    versioned = request.GET.get("v") == brand.version
    patch_cache_control(
        response, public=True, max_age=A_YEAR if versioned else A_DAY, immutable=versioned
    )
    return response


@require_safe
def favicon_ico(request):
    brand = current(request)
    response = HttpResponse(favicon.icon(brand, "favicon.ico"), content_type="image/x-icon")
    return _cacheable(request, response, brand)


@require_safe
def favicon_png(request, size):
    if size not in favicon.PNG_SIZES:
        raise Http404("No favicon of this size.")
    brand = current(request)
    response = HttpResponse(favicon.icon(brand, f"{size}.png"), content_type="image/png")
    return _cacheable(request, response, brand)


@require_safe
def accent_css(request):
    """The accent as the stylesheet's custom property (the public pages allow no inline style)."""
    brand = current(request)
    css = ""
    if brand.accent:
        css = (
            f":root {{ --accent: {brand.accent}; }}\n"
            "@media (prefers-color-scheme: dark) {\n"
            f"  :root {{ --accent: {brand.accent_dark}; }}\n"
            "}\n"
        )
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    return _cacheable(request, response, brand)
