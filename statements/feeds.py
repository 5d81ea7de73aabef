from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from branding.site import current

from .models import Statement, Topic

FEED_SIZE = 20


class LatestStatementsFeed(Feed):
    description_template = "statements/feed_description.html"

    def title(self):
        return current().name

    def link(self):
        return reverse("statements:home")

    def description(self):
        return current().tagline

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
        return f"{topic.name} — {current().name}"

    def link(self, topic):
        return topic.get_absolute_url()

    def description(self, topic):
        return topic.description or f"Statements on {topic.name}"

    def items(self, topic):
        return Statement.objects.published().filter(topics=topic).for_listing()[:FEED_SIZE]


class TopicAtomFeed(TopicFeed):
    feed_type = Atom1Feed
    subtitle = TopicFeed.description
