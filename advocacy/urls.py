import re

from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views.generic import TemplateView
from django.views.static import serve

from advocacy.health import healthz
from advocacy.two_factor import require_two_factor
from branding.site import admin_header, current
from statements.sitemaps import sitemap_view

if settings.STAFF_TWO_FACTOR:
    require_two_factor(admin.site)
# Read at every admin page from the site settings (branding.site), not once at start.
admin.site.site_header = lazy(admin_header, str)()
admin.site.site_title = lazy(lambda: current().name, str)()

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path(settings.ADMIN_URL_PATH, admin.site.urls),
    path("sitemap.xml", sitemap_view, name="sitemap"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain"),
        name="robots",
    ),
    path("comments/", include("comments.urls")),
    path("captcha/", include("captcha.urls")),
    path("pages/", include("pages.urls")),
    path("", include("branding.urls")),
    path("subscribe/", include("subscriptions.urls")),
    path("mail-provider/", include("subscriptions.provider_urls")),
    path("", include("statements.urls")),
]


def serve_media(request, path, document_root):
    try:
        return serve(request, path, document_root=document_root)
    except OSError as exc:  # e.g. a name longer than the filesystem allows
        raise Http404("No such file.") from exc


if settings.SERVE_MEDIA:
    urlpatterns.insert(
        0,
        re_path(
            rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.*)$",
            serve_media,
            {"document_root": settings.MEDIA_ROOT},
        ),
    )
