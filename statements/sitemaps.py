from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import Http404
from django.urls import reverse

from advocacy.pagecache import cached_page

from . import languages
from .models import Organization, Statement, Topic
from .pages import tags_for_sitemap


class StatementSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def __init__(self, language=None):
        self.language = language

    def items(self):
        statements = Statement.objects.published()
        if self.language:
            statements = statements.in_language(self.language)
        return statements.only("slug", "updated_at")

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
        return ["statements:home", "statements:archive", "statements:languages"]

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


@cached_page(lambda code: tags_for_sitemap())
def language_sitemap_view(request, code):
    """/languages/<code>/sitemap.xml: the statements written in one language."""
    if not languages.Listed(code).is_known:
        raise Http404("No such language.")
    return sitemap(request, sitemaps={"statements": StatementSitemap(language=code)})
