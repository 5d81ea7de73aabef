from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from . import languages
from .models import Statement, Topic

FEED_SIZE = 20


class LatestStatementsFeed(Feed):
    description_template = "statements/feed_description.html"

    def title(self):
        return settings.SITE_NAME

    def link(self):
        return reverse("statements:home")

    def description(self):
        return settings.SITE_TAGLINE

    def items(self):
        return Statement.objects.published().for_listing()[:FEED_SIZE]

    def item_title(self, statement):
        return statement.title

    def item_pubdate(self, statement):
        return statement.publish_at

    def item_updateddate(self, statement):
        return statement.updated_at

    def item_author_name(self, statement):
        return ", ".join(org.name for org in statement.byline_organizations)

    def item_categories(self, statement):
        return [topic.name for topic in statement.topic_labels]


class LatestStatementsAtomFeed(LatestStatementsFeed):
    feed_type = Atom1Feed
    subtitle = LatestStatementsFeed.description


class TopicFeed(LatestStatementsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Topic, slug=slug)

    def title(self, topic):
        return f"{topic.name} — {settings.SITE_NAME}"

    def link(self, topic):
        return topic.get_absolute_url()

    def description(self, topic):
        return topic.description or _("Statements on %(topic)s") % {"topic": topic.name}

    def items(self, topic):
        return Statement.objects.published().filter(topics=topic).for_listing()[:FEED_SIZE]


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed
    subtitle = TopicFeed.description


class LanguageFeed(LatestStatementsFeed):
    def get_object(self, request, code):
        language = languages.Listed(code)
        if not language.is_known:
            raise Http404("No such language.")
        return language

    def title(self, language):
        return f"{language.name} — {settings.SITE_NAME}"

    def link(self, language):
        return language.get_absolute_url()

    def description(self, language):
        return _("Statements in %(language)s") % {"language": language.name}

    def get_feed(self, language, request):
        feed = super().get_feed(language, request)
        feed.feed["language"] = language.code  # the channel's language, not the interface's
        return feed

    def items(self, language):
        return Statement.objects.published().in_language(language.code).for_listing()[:FEED_SIZE]


class LanguageAtomFeed(LanguageFeed):
    feed_type = Atom1Feed
    subtitle = LanguageFeed.description
