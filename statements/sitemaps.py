from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import reverse

from advocacy.pagecache import cached_page

from .models import Organization, Statement, Topic
from .pages import tags_for_sitemap


class StatementSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Statement.objects.published().only("slug", "updated_at")

    def lastmod(self, statement):
        return statement.updated_at


class TopicSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return Topic.objects.filter(statements__in=Statement.objects.published()).distinct()


class OrganizationSitemap(TopicSitemap):
    def items(self):
        return Organization.objects.filter(statements__in=Statement.objects.published()).distinct()


class StaticViewSitemap(Sitemap):
    priority = 1.0
    changefreq = "daily"

    def items(self):
        return ["statements:home", "statements:archive"]

    def location(self, name):
        return reverse(name)


sitemaps = {
    "pages": StaticViewSitemap,
    "statements": StatementSitemap,
    "topics": TopicSitemap,
    "organizations": OrganizationSitemap,
}


@cached_page(tags_for_sitemap)
def sitemap_view(request):
    """/sitemap.xml, cached as statements.pages says."""
    return sitemap(request, sitemaps=sitemaps)
