"""The menu editor: header and footer menus and social accounts of pages, topics,
organizations and links elsewhere; cached, and refreshed on every page when they change."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pages.models import MenuItem, Page
from tests import factories

pytestmark = pytest.mark.django_db

ADD = "/admin/pages/menuitem/add/"


def html_of(url="/"):
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def nav_links(html):
    nav = re.search(r'<nav class="site-nav".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)">([^<]+)</a>', nav)


def footer_of(html):
    return re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)


def item_form(**fields):
    data = {"menu": "header", "order": "0", "label": "", "page": "", "topic": "",
            "organization": "", "url": ""}  # fmt: skip
    data.update(fields)
    return data


def test_the_header_lists_pages_topics_organizations_and_links_in_their_order():
    about = Page.objects.create(title="About us", status=Page.Status.PUBLISHED)
    topic = factories.make_topic("Housing")
    union = factories.make_organization("Tenants Union")
    MenuItem.objects.create(
        menu="header", order=4, url="https://example.org/petition", label="Petition"
    )
    MenuItem.objects.create(menu="header", order=1, topic=topic)
    MenuItem.objects.create(menu="header", order=2, organization=union, label="The union")
    MenuItem.objects.create(menu="header", order=3, page=about)
    assert nav_links(html_of())[2:] == [
        ("/topics/housing/", "Housing"),
        ("/organizations/tenants-union/", "The union"),
        ("/pages/about-us/", "About us"),
        ("https://example.org/petition", "Petition"),
    ]


def test_a_draft_page_waits_out_of_the_menu_and_joins_every_cached_page_when_published():
    statement = factories.make_published("Rent freeze", slug="rent-freeze")
    donate = Page.objects.create(title="Donate", status=Page.Status.DRAFT)
    MenuItem.objects.create(menu="footer", page=donate)
    assert "Donate" not in footer_of(html_of(statement.get_absolute_url()))
    donate.status = Page.Status.PUBLISHED
    donate.save()
    assert '<a href="/pages/donate/">Donate</a>' in footer_of(
        html_of(statement.get_absolute_url())
    )


def test_a_renamed_topic_is_renamed_in_the_menu_of_cached_pages():
    statement = factories.make_published("Clean water", slug="clean-water")
    topic = factories.make_topic("Water")
    MenuItem.objects.create(menu="header", topic=topic)
    assert ("/topics/water/", "Water") in nav_links(html_of(statement.get_absolute_url()))
    topic.name, topic.slug = "Clean water", "clean-water-topic"
    topic.save()
    links = nav_links(html_of(statement.get_absolute_url()))
    assert ("/topics/clean-water-topic/", "Clean water") in links
    assert ("/topics/water/", "Water") not in links


def test_a_deleted_organization_leaves_the_menu():
    statement = factories.make_published()
    union = factories.make_organization("Dock Workers")
    MenuItem.objects.create(menu="footer", organization=union)
    assert "Dock Workers" in footer_of(html_of(statement.get_absolute_url()))
    union.delete()
    assert not MenuItem.objects.exists()
    assert "Dock Workers" not in footer_of(html_of(statement.get_absolute_url()))


def test_an_editor_adds_and_reorders_items_in_the_admin(editor_client):
    statement = factories.make_published()
    html_of(statement.get_absolute_url())  # cached
    topic = factories.make_topic("Wages")
    first = editor_client.post(ADD, item_form(topic=str(topic.pk), order="2"))
    second = editor_client.post(ADD, item_form(url="example.org/join", label="Join us", order="1"))
    assert first.status_code == second.status_code == 302
    links = nav_links(html_of(statement.get_absolute_url()))[2:]
    assert links == [("https://example.org/join", "Join us"), ("/topics/wages/", "Wages")]

    items = list(MenuItem.objects.order_by("pk"))
    response = editor_client.post(
        "/admin/pages/menuitem/",
        {
            "form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "2",
            "form-0-id": str(items[0].pk), "form-0-menu": "header", "form-0-order": "1",
            "form-1-id": str(items[1].pk), "form-1-menu": "header", "form-1-order": "5",
            "_save": "Save",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    links = nav_links(html_of(statement.get_absolute_url()))[2:]
    assert links == [("/topics/wages/", "Wages"), ("https://example.org/join", "Join us")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose one of: a site page, a topic, an organization or an address elsewhere."),
        ({"url": "https://example.org/", "topic": "TOPIC"}, "Choose one of:"),
        ({"url": "https://example.org/"}, "A link to another site needs a label"),
        ({"menu": "social", "topic": "TOPIC"}, "A social account is an address elsewhere"),
        ({"url": "javascript:alert(1)", "label": "x"}, "Enter a valid URL."),
    ],
)
def test_an_item_that_links_nowhere_or_twice_is_refused_with_a_message(
    editor_client, fields, message
):
    topic = factories.make_topic()
    fields = {key: (str(topic.pk) if value == "TOPIC" else value) for key, value in fields.items()}
    response = editor_client.post(ADD, item_form(**fields))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MenuItem.objects.exists()


def test_social_accounts_are_plain_links_in_the_footer():
    MenuItem.objects.create(
        menu="social", url="https://mastodon.social/@tenants", label="Mastodon", order=1
    )
    MenuItem.objects.create(
        menu="social", url="https://bsky.app/profile/tenants.example", label="Bluesky", order=2
    )
    html = html_of()
    footer = footer_of(html)
    assert re.search(
        r'Follow us: <a href="https://mastodon\.social/@tenants" rel="me noopener">Mastodon</a>'
        r' · <a href="https://bsky\.app/profile/tenants\.example" rel="me noopener">Bluesky</a>',
        footer,
    )
    # Nothing is loaded from those sites: no script, image, frame or stylesheet of theirs.
    loaded = re.findall(r'<(?:script|img|iframe|link)\b[^>]*(?:src|href)="(https?://[^"]+)"', html)
    assert loaded == []


def test_menus_of_every_kind_cost_one_query_once_then_none(settings):
    settings.PAGE_CACHE_SECONDS = 0
    statement = factories.make_published()
    MenuItem.objects.create(
        menu="header", page=Page.objects.create(title="About", status="published")
    )
    MenuItem.objects.create(menu="header", topic=factories.make_topic())
    MenuItem.objects.create(menu="footer", organization=factories.make_organization())
    MenuItem.objects.create(menu="social", url="https://example.org/@us", label="Us")

    def menu_queries():
        with CaptureQueriesContext(connection) as queries:
            Client().get(statement.get_absolute_url())
        return [q for q in queries if "pages_menuitem" in q["sql"]]

    assert len(menu_queries()) == 1
    assert menu_queries() == []


def test_the_database_refuses_an_item_without_exactly_one_target():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        MenuItem.objects.create(menu="header")
    with pytest.raises(IntegrityError), transaction.atomic():
        MenuItem.objects.create(menu="header", url="https://example.org/")  # no label


@pytest.mark.django_db(transaction=True)
def test_pages_that_were_in_a_menu_become_its_items():
    """The migration: a site upgraded keeps its menus exactly as they were."""
    executor = MigrationExecutor(connection)
    before, after = [("pages", "0001_pages")], [("pages", "0004_remove_page_menu")]
    executor.migrate(before)
    try:
        old_apps = executor.loader.project_state(before).apps
        OldPage = old_apps.get_model("pages", "Page")
        OldPage.objects.create(
            title="About", slug="about", status="published", menu="header", menu_order=2
        )
        OldPage.objects.create(
            title="Contact", slug="contact", status="published", menu="footer", menu_order=1
        )
        OldPage.objects.create(
            title="Join", slug="join", status="published", menu="header", menu_order=1
        )
        OldPage.objects.create(title="Hidden", slug="hidden", status="published", menu="")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    items = [
        (item.menu, item.order, item.page.slug)
        for item in MenuItem.objects.select_related("page").order_by("menu", "order")
    ]
    assert items == [("footer", 1, "contact"), ("header", 1, "join"), ("header", 2, "about")]
    assert nav_links(html_of())[2:] == [("/pages/join/", "Join"), ("/pages/about/", "About")]
