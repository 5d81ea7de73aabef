"""Client addresses and the security headers every response carries."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The visitor's address: REMOTE_ADDR, or our proxies' word when we trust them.

    X-Forwarded-For is read only when TRUSTED_PROXY_COUNT says how many proxies
    of ours append to it, and only the entry the nearest of them wrote: the
    entries before it are the client's to forge. Used for comment rate limits
    and for the admin's failed-login limits.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        chain = [a for a in chain if a]
        if len(chain) >= proxies:
            address = chain[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def _policy(directives):
    return "; ".join(f"{name} {value}" for name, value in directives.items())


PUBLIC_CSP = _policy(
    {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }
)
# The admin's editor declares its modules in an inline import map, and Django's
# admin sets inline styles; only staff, logged in, ever load these pages.
ADMIN_CSP = _policy(
    {
        "default-src": "'self'",
        "script-src": "'self' 'unsafe-inline'",
        "style-src": "'self' 'unsafe-inline'",
        "img-src": "'self' data: blob:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "form-action": "'self'",
        # Nothing in the admin frames itself; with CSP present, browsers ignore
        # X-Frame-Options, so this must say DENY too.
        "frame-ancestors": "'none'",
        "base-uri": "'none'",
        "object-src": "'none'",
    }
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/" + settings.ADMIN_URL_PATH

    def __call__(self, request):
        response = self.get_response(request)
        is_admin = request.path.startswith(self.admin_prefix)
        response.headers.setdefault(
            "Content-Security-Policy", ADMIN_CSP if is_admin else PUBLIC_CSP
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
