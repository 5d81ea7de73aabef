import xml.etree.ElementTree as ET
from datetime import date

import pytest

from statements.feeds import FEED_SIZE
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def statements():
    housing = factories.make_topic("Housing")
    labour = factories.make_topic("Labour")
    older = factories.make_published(
        "Rent freeze now",
        days_ago=3,
        topics=[housing],
        organizations=[
            factories.make_organization("Tenants Together"),
            factories.make_organization("Harbour Workers Union"),
        ],
        summary="Tenants ask the council for a rent freeze.",
        statement_date=date(2023, 3, 8),
    )
    newer = factories.make_published("Dock strike day two", days_ago=1, topics=[labour])
    draft = factories.make_draft("Unfinished draft", topics=[housing, labour])
    scheduled = factories.make_scheduled("Announcement next week", topics=[housing, labour])
    return {
        "housing": housing,
        "labour": labour,
        "older": older,
        "newer": newer,
        "hidden": [draft, scheduled],
    }


def fetch_xml(client, url, content_type):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    return ET.fromstring(response.content)


def rss_items(root):
    return root.find("channel").findall("item")


def test_rss_feed_lists_published_statements_newest_first(client, statements):
    root = fetch_xml(client, "/feed/rss/", "application/rss+xml")
    channel = root.find("channel")

    assert root.tag == "rss"
    assert channel.findtext("title") == "Advocacy Statements"
    assert channel.findtext("link") == "http://testserver/"
    items = rss_items(root)
    assert [item.findtext("title") for item in items] == ["Dock strike day two", "Rent freeze now"]

    item = items[1]
    assert item.findtext("link") == "http://testserver" + statements["older"].get_absolute_url()
    assert item.findtext("guid") == item.findtext("link")
    description = item.findtext("description")
    assert "Tenants ask the council for a rent freeze." in description
    assert "Statement by Harbour Workers Union and Tenants Together, March 8, 2023." in description
    assert [c.text for c in item.findall("category")] == ["Housing"]
    assert item.findtext(f"{DC}creator") == "Harbour Workers Union, Tenants Together"
    assert item.findtext("pubDate")


def test_atom_feed_lists_published_statements(client, statements):
    root = fetch_xml(client, "/feed/atom/", "application/atom+xml")

    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Advocacy Statements"
    entries = root.findall(f"{ATOM}entry")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Dock strike day two",
        "Rent freeze now",
    ]
    entry = entries[1]
    assert entry.find(f"{ATOM}link").get("href") == (
        "http://testserver" + statements["older"].get_absolute_url()
    )
    assert entry.findtext(f"{ATOM}published")
    assert entry.findtext(f"{ATOM}updated")
    assert "Tenants ask the council" in entry.findtext(f"{ATOM}summary")
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Housing"]


@pytest.mark.parametrize(
    ("url", "content_type"),
    [
        ("/feed/rss/", "application/rss+xml"),
        ("/feed/atom/", "application/atom+xml"),
        ("/topics/housing/feed/rss/", "application/rss+xml"),
        ("/topics/housing/feed/atom/", "application/atom+xml"),
        ("/topics/labour/feed/rss/", "application/rss+xml"),
        ("/topics/labour/feed/atom/", "application/atom+xml"),
    ],
)
def test_feeds_never_contain_drafts_or_scheduled_statements(client, statements, url, content_type):
    response = client.get(url)
    ET.fromstring(response.content)  # valid XML
    for hidden in statements["hidden"]:
        assert hidden.title not in response.text
        assert hidden.slug not in response.text


def test_topic_feeds_contain_only_that_topic(client, statements):
    rss = fetch_xml(client, "/topics/housing/feed/rss/", "application/rss+xml")
    atom = fetch_xml(client, "/topics/labour/feed/atom/", "application/atom+xml")

    assert rss.find("channel").findtext("title") == "Housing — Advocacy Statements"
    assert rss.find("channel").findtext("link") == "http://testserver/topics/housing/"
    assert [item.findtext("title") for item in rss_items(rss)] == ["Rent freeze now"]
    assert [e.findtext(f"{ATOM}title") for e in atom.findall(f"{ATOM}entry")] == [
        "Dock strike day two"
    ]


def test_topic_feed_of_an_unknown_topic_is_404(client):
    assert client.get("/topics/nothing-here/feed/rss/").status_code == 404
    assert client.get("/topics/nothing-here/feed/atom/").status_code == 404


def test_feeds_are_limited_in_size(client):
    organization = factories.make_organization()
    for n in range(FEED_SIZE + 3):
        factories.make_published(f"Statement {n}", days_ago=n + 1, organizations=[organization])
    items = rss_items(fetch_xml(client, "/feed/rss/", "application/rss+xml"))
    assert len(items) == FEED_SIZE
    assert items[0].findtext("title") == "Statement 0"


def test_feed_escapes_markup_in_titles(client):
    factories.make_statement("Bread & Roses <now>")
    root = fetch_xml(client, "/feed/rss/", "application/rss+xml")
    assert rss_items(root)[0].findtext("title") == "Bread & Roses <now>"


def test_empty_feeds_are_valid(client):
    assert rss_items(fetch_xml(client, "/feed/rss/", "application/rss+xml")) == []
    atom = fetch_xml(client, "/feed/atom/", "application/atom+xml")
    assert atom.findall(f"{ATOM}entry") == []


# --- sitemap ---------------------------------------------------------------------------


def test_sitemap_lists_published_pages_only(client, statements):
    draft_only_topic = factories.make_topic("Only Drafts Here")
    draft_only_group = factories.make_organization("Group Without Publications")
    factories.make_draft(
        "Another draft", topics=[draft_only_topic], organizations=[draft_only_group]
    )
    root = fetch_xml(client, "/sitemap.xml", "application/xml")
    locations = {url.findtext(f"{SITEMAP}loc") for url in root.findall(f"{SITEMAP}url")}

    base = "http://testserver"
    assert base + "/" in locations
    assert base + "/archive/" in locations
    assert base + statements["older"].get_absolute_url() in locations
    assert base + statements["newer"].get_absolute_url() in locations
    assert base + statements["housing"].get_absolute_url() in locations
    assert base + statements["older"].organizations.first().get_absolute_url() in locations
    for hidden in statements["hidden"]:
        assert base + hidden.get_absolute_url() not in locations
    assert base + draft_only_topic.get_absolute_url() not in locations
    assert base + draft_only_group.get_absolute_url() not in locations
    # Each page once.
    assert len(locations) == len(root.findall(f"{SITEMAP}url"))
