from django.urls import path

from advocacy.pagecache import cached_page

from . import feeds, sitemaps, views
from .models import Organization, Topic
from .pages import tags_for_feed, tags_for_languages, tags_for_topic

app_name = "statements"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("statements/<slug:slug>/", views.StatementDetailView.as_view(), name="detail"),
    path("topics/", views.LabelIndexView.as_view(model=Topic), name="topics"),
    path("topics/<slug:slug>/", views.TopicView.as_view(), name="topic"),
    path(
        "topics/<slug:slug>/feed/rss/",
        cached_page(tags_for_topic)(feeds.TopicFeed()),
        name="topic-feed-rss",
    ),
    path(
        "topics/<slug:slug>/feed/atom/",
        cached_page(tags_for_topic)(feeds.TopicAtomFeed()),
        name="topic-feed-atom",
    ),
    path(
        "organizations/",
        views.LabelIndexView.as_view(model=Organization),
        name="organizations",
    ),
    path("organizations/<slug:slug>/", views.OrganizationView.as_view(), name="organization"),
    path("languages/", views.LanguageIndexView.as_view(), name="languages"),
    path("languages/<slug:code>/", views.LanguageView.as_view(), name="language"),
    path(
        "languages/<slug:code>/feed/rss/",
        cached_page(tags_for_languages)(feeds.LanguageFeed()),
        name="language-feed-rss",
    ),
    path(
        "languages/<slug:code>/feed/atom/",
        cached_page(tags_for_languages)(feeds.LanguageAtomFeed()),
        name="language-feed-atom",
    ),
    path(
        "languages/<slug:code>/sitemap.xml",
        sitemaps.language_sitemap_view,
        name="language-sitemap",
    ),
    path("archive/", views.ArchiveIndex.as_view(), name="archive"),
    path("archive/<int:year>/", views.YearArchive.as_view(), name="archive-year"),
    path("archive/<int:year>/<int:month>/", views.MonthArchive.as_view(), name="archive-month"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/rss/", cached_page(tags_for_feed)(feeds.LatestStatementsFeed()), name="feed-rss"),
    path(
        "feed/atom/",
        cached_page(tags_for_feed)(feeds.LatestStatementsAtomFeed()),
        name="feed-atom",
    ),
]
