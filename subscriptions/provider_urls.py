"""The mail provider's tracking webhooks (django-anymail), at /mail-provider/<provider>/tracking/.

Anymail accepts unauthenticated posts when no secret is set (with a warning);
here they answer 404 until ANYMAIL_WEBHOOK_SECRET is, so nobody can suppress
addresses by posting made-up bounces. Only tracking (bounces, complaints) is
mounted: we receive no inbound mail.
"""

import functools

from anymail import urls as anymail_urls
from django.conf import settings
from django.http import Http404
from django.urls.resolvers import URLPattern

app_name = "anymail"


def _with_secret_only(view):
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if not settings.ANYMAIL.get("WEBHOOK_SECRET"):
            raise Http404("No mail provider webhook is configured.")
        return view(request, *args, **kwargs)

    return guarded


urlpatterns = [
    URLPattern(p.pattern, _with_secret_only(p.callback), p.default_args, p.name)
    for p in anymail_urls.urlpatterns
    if p.name and (p.name.endswith("_tracking_webhook") or p.name.startswith("mandrill"))
]
