from datetime import date, datetime, timedelta
from urllib.parse import quote, urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from statements.models import EditorNote
from tests import factories
from tests.pages import assert_in_order, attrs_of, elements, main_text, meta

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_statement(editor):
    """A published statement with every part the reference page has, in our own words."""
    inline_image = factories.make_image(
        alt_text="Dock workers standing in a line in front of a closed gate",
        caption="Dock workers at the north gate on the second day",
        credit="© Photo : Harbour Workers Union",
    )
    featured = factories.make_image(
        alt_text="A crowd with hand-painted signs outside a courthouse",
        caption="Outside the courthouse",
        credit="© Northern Wire / Sam Ortega",
    )
    topics = [factories.make_topic("Labour Rights"), factories.make_topic("Civil Liberties")]
    statement = factories.make_statement(
        "Canada − Drop the Charges Against the Dock Workers!",
        organizations=[
            factories.make_organization("Harbour Workers Union"),
            factories.make_organization("Peace Coalition North"),
            factories.make_organization("Tenants Together"),
        ],
        topics=topics,
        statement_date=date(2022, 1, 12),
        summary="Three organizations demand that charges against striking dock workers be dropped.",
        body=(
            "<p>Forty dock workers were charged for standing at a gate.</p>"
            + factories.figure_html(inline_image)
            + "<p>We call on the prosecutor to <strong>drop every charge</strong> today.</p>"
        ),
        featured_image=featured,
        publish_at=timezone.now() - timedelta(days=5),
    )
    factories.make_note(
        statement,
        editor=editor,
        text="We repost this statement because our members work at the same port.",
    )
    previous = factories.make_published("An older statement on rent", days_ago=9)
    following = factories.make_published("A newer statement on wages", days_ago=2)
    return statement, previous, following


# --- home ---------------------------------------------------------------------------


def test_home_lists_published_statements_with_their_parts(client):
    image = factories.make_image(alt_text="A banner")
    statement = factories.make_statement(
        "Rent Freeze Now",
        organizations=[
            factories.make_organization("Tenants Together"),
            factories.make_organization("Harbour Workers Union"),
        ],
        statement_date=date(2023, 3, 8),
        summary="Tenants ask the council for a freeze.",
        featured_image=image,
    )
    response = client.get("/")

    assert response.status_code == 200
    text = main_text(response.content)
    assert (
        "Rent Freeze Now Statement by Harbour Workers Union and Tenants Together, March 8, 2023 "
        "Tenants ask the council for a freeze." in text
    )
    assert attrs_of(response.content, "a", href=statement.get_absolute_url())
    image.refresh_from_db()
    assert attrs_of(response.content, "img", src=image.display_url)


def test_home_is_paginated_newest_first(client, settings):
    for n in range(12):
        factories.make_published(f"Numbered statement {n:02}", days_ago=20 - n)

    first = main_text(client.get("/").content)
    second_response = client.get("/?page=2")
    second = main_text(second_response.content)

    assert second_response.status_code == 200
    assert "Page 1 Older →" in first and "Newer" not in first
    assert "← Newer Page 2" in second and "Older" not in second
    # Newest first: 11 … 02 on page one, 01 and 00 on page two.
    assert_in_order(first, [f"Numbered statement {n:02}" for n in range(11, 1, -1)])
    assert "Numbered statement 01" not in first
    assert_in_order(second, ["Numbered statement 01", "Numbered statement 00"])
    assert "Numbered statement 02" not in second


def test_home_without_statements(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "No statements have been published yet." in main_text(response.content)


# --- the statement page ---------------------------------------------------------------


def test_statement_page_shows_every_part_in_the_reference_order(client, page_statement):
    statement, previous, following = page_statement
    response = client.get(statement.get_absolute_url())

    assert response.status_code == 200
    text = main_text(response.content)
    assert_in_order(
        text,
        [
            "Canada − Drop the Charges Against the Dock Workers!",
            "Statement by Harbour Workers Union, Peace Coalition North and Tenants Together, "
            "January 12, 2022",
            "Editor’s note: We repost this statement because our members work at the same "
            "port. [jb]",
            "Forty dock workers were charged for standing at a gate.",
            "Dock workers at the north gate on the second day",
            "© Photo : Harbour Workers Union",
            "We call on the prosecutor to drop every charge today.",
            "Featured Image: Credit ~© Northern Wire / Sam Ortega",
            "Share this statement",
            "Email",
            "X",
            "Facebook",
            "Mastodon",
            "Bluesky",
            "Telegram",
            "WhatsApp",
            "Topics: Civil Liberties Labour Rights",
            "Previous statement An older statement on rent",
            "Next statement A newer statement on wages",
        ],
    )
    assert "<title>Canada − Drop the Charges Against the Dock Workers! —" in response.text


def test_statement_page_links_organizations_topics_and_neighbours(client, page_statement):
    statement, previous, following = page_statement
    html = client.get(statement.get_absolute_url()).content

    for organization in statement.organizations.all():
        assert attrs_of(html, "a", href=organization.get_absolute_url())
    for topic in statement.topics.all():
        assert attrs_of(html, "a", href=topic.get_absolute_url())
    assert attrs_of(html, "a", rel="prev")[0]["href"] == previous.get_absolute_url()
    assert attrs_of(html, "a", rel="next")[0]["href"] == following.get_absolute_url()


def test_in_body_figure_uses_the_library_image(client, page_statement):
    statement, _, _ = page_statement
    html = client.get(statement.get_absolute_url()).text
    body = html.split('class="statement__body"', 1)[1].split("</div>", 1)[0]
    image = factories.Image.objects.get(caption="Dock workers at the north gate on the second day")

    img = attrs_of(body, "img")[0]
    assert img["src"] == image.display_url
    assert img["alt"] == "Dock workers standing in a line in front of a closed gate"
    assert (img["width"], img["height"]) == (str(image.width), str(image.height))
    assert '<span class="figure__credit">© Photo : Harbour Workers Union</span>' in body


def test_editors_own_caption_in_the_body_wins_and_credit_link_is_shown(client):
    image = factories.make_image(
        caption="Library caption",
        credit="© River Photo Collective",
        credit_url="https://photos.example.org/river",
    )
    statement = factories.make_statement(
        body=factories.figure_html(image, caption="A caption written <em>in the body</em>")
    )
    html = client.get(statement.get_absolute_url()).text
    body = html.split('class="statement__body"', 1)[1].split("</div>", 1)[0]

    assert "A caption written <em>in the body</em>" in body
    assert "Library caption" not in body
    assert (
        '<a href="https://photos.example.org/river" rel="noopener">© River Photo Collective</a>'
        in body
    )


def test_editors_notes_below_the_body_come_after_it(client, editor):
    statement = factories.make_statement(body="<p>The body text.</p>")
    factories.make_note(statement, editor=editor, text="Note above.")
    factories.make_note(
        statement, editor=editor, text="Note below.", placement=EditorNote.Placement.BELOW
    )
    text = main_text(client.get(statement.get_absolute_url()).content)
    assert_in_order(
        text,
        ["Editor’s note: Note above. [jb]", "The body text.", "Editor’s note: Note below. [jb]"],
    )


def test_note_text_is_escaped_and_keeps_line_breaks(client, editor):
    statement = factories.make_statement()
    factories.make_note(statement, editor=editor, text="First line\nSecond <b>line</b>")
    html = client.get(statement.get_absolute_url()).text
    assert "First line<br>Second &lt;b&gt;line&lt;/b&gt;" in html


def test_a_credit_written_with_its_tilde_shows_one(client):
    # Sites copying the reference page write the credit as "~© Reuters".
    image = factories.make_image(alt_text="A harbour at dawn", credit="~© Reuters")
    statement = factories.make_published("A statement with a credit", featured_image=image)
    text = main_text(client.get(statement.get_absolute_url()).content)
    assert "Featured Image: Credit ~© Reuters" in text
    assert "~~" not in text


def test_share_links_point_at_the_statement(client, page_statement):
    statement, _, _ = page_statement
    html = client.get(statement.get_absolute_url()).content
    url = "http://testserver" + statement.get_absolute_url()
    encoded = quote(url, safe="")

    def share_href(network):
        (link,) = attrs_of(html, "a", class_=f"share__link--{network}")
        return link["href"]

    assert share_href("email").startswith("mailto:?")
    assert encoded in share_href("email")
    assert share_href("x").startswith("https://x.com/intent/post?")
    assert share_href("facebook") == (
        "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})
    )
    assert share_href("mastodon").startswith("https://mastodonshare.com/?")
    assert share_href("bluesky").startswith("https://bsky.app/intent/compose?")
    assert share_href("telegram").startswith("https://t.me/share/url?")
    assert share_href("whatsapp").startswith("https://wa.me/?")
    for network in ("x", "mastodon", "bluesky", "telegram", "whatsapp"):
        assert encoded in share_href(network), network
    # The "copy link" field holds the plain address.
    assert attrs_of(html, "input", id="share-url")[0]["value"] == url


def test_repost_shows_its_source_and_uses_it_as_canonical(client):
    statement = factories.make_statement(
        "Solidarity with the Nurses",
        source_name="Allied Health Network",
        source_url="https://allies.example.org/statements/nurses?lang=en&ref=1",
    )
    html = client.get(statement.get_absolute_url()).content

    assert "Originally published by Allied Health Network" in main_text(html)
    assert attrs_of(html, "a", href="https://allies.example.org/statements/nurses?lang=en&ref=1")
    (canonical,) = attrs_of(html, "link", rel="canonical")
    assert canonical["href"] == "https://allies.example.org/statements/nurses?lang=en&ref=1"
    assert meta(html)["og:url"] == canonical["href"]


def test_own_statement_is_its_own_canonical(client):
    statement = factories.make_statement()
    html = client.get(statement.get_absolute_url()).content

    (canonical,) = attrs_of(html, "link", rel="canonical")
    assert canonical["href"] == "http://testserver" + statement.get_absolute_url()
    assert "Originally published by" not in main_text(html)


def test_open_graph_and_twitter_meta(client, page_statement):
    statement, _, _ = page_statement
    html = client.get(statement.get_absolute_url()).content
    tags = meta(html)
    image_url = "http://testserver" + statement.featured_image.display_url

    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Canada − Drop the Charges Against the Dock Workers!"
    assert tags["og:description"] == statement.summary
    assert tags["description"] == statement.summary
    assert tags["og:url"] == "http://testserver" + statement.get_absolute_url()
    assert tags["og:image"] == image_url
    assert tags["og:image:alt"] == statement.featured_image.alt_text
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:title"] == statement.title
    assert tags["twitter:description"] == statement.summary
    assert tags["twitter:image"] == image_url


def test_meta_without_featured_image(client):
    statement = factories.make_statement()
    tags = meta(client.get(statement.get_absolute_url()).content)
    assert tags["twitter:card"] == "summary"
    assert "og:image" not in tags


def test_statement_page_without_optional_parts(client):
    statement = factories.make_statement(
        "A bare statement",
        organizations=[factories.make_organization("Solo Group")],
        body="",
        statement_date=date(2022, 1, 12),
    )
    response = client.get(statement.get_absolute_url())
    text = main_text(response.content)

    assert response.status_code == 200
    assert "Statement by Solo Group, January 12, 2022" in text
    for absent in ("Editor’s note", "Featured Image", "Topics:", "Previous statement"):
        assert absent not in text


# --- topic, organization, archives, search ---------------------------------------------


def test_topic_page_lists_its_published_statements(client):
    topic = factories.make_topic("Housing", description="Rents, evictions and public housing.")
    on_topic = factories.make_statement("Stop the evictions", topics=[topic])
    off_topic = factories.make_statement("About the harbour")

    response = client.get(topic.get_absolute_url())
    text = main_text(response.content)

    assert response.status_code == 200
    assert "Topic: Housing" in text
    assert "Rents, evictions and public housing." in text
    assert on_topic.title in text
    assert off_topic.title not in text
    assert attrs_of(response.content, "a", href=f"/topics/{topic.slug}/feed/atom/")


def test_header_and_footer_links_lead_to_the_named_pages_on_any_page(client):
    for url in (reverse("statements:home"), "/no-such-page/"):
        html = client.get(url).content.decode()
        for name in ("home", "archive", "search", "feed-atom", "feed-rss"):
            assert f'"{reverse(f"statements:{name}")}"' in html, (url, name)


def test_unknown_topic_and_organization_are_404(client):
    assert client.get("/topics/no-such-topic/").status_code == 404
    assert client.get("/organizations/no-such-group/").status_code == 404


def test_organization_page_lists_its_published_statements(client):
    group = factories.make_organization("Peace Coalition North", url="https://peace.example.org/")
    other = factories.make_organization("Another Group")
    joint = factories.make_statement("A joint statement", organizations=[group, other])
    alone = factories.make_statement("Only the other group", organizations=[other])

    response = client.get(group.get_absolute_url())
    text = main_text(response.content)

    assert response.status_code == 200
    assert "Statements by Peace Coalition North" in text
    assert joint.title in text
    assert alone.title not in text
    assert attrs_of(response.content, "a", href="https://peace.example.org/")


def _at(year, month, day):
    return timezone.make_aware(datetime(year, month, day, 12, 0))


def test_year_and_month_archives(client):
    march = factories.make_statement("Spoken in March", publish_at=_at(2021, 3, 10))
    may = factories.make_statement("Spoken in May", publish_at=_at(2021, 5, 2))
    other_year = factories.make_statement("Spoken the year after", publish_at=_at(2022, 1, 5))

    year = client.get("/archive/2021/")
    month = client.get("/archive/2021/3/")
    year_text, month_text = main_text(year.content), main_text(month.content)

    assert year.status_code == month.status_code == 200
    assert "Statements of 2021" in year_text
    assert march.title in year_text and may.title in year_text
    assert other_year.title not in year_text
    assert "Statements of March 2021" in month_text
    assert march.title in month_text
    assert may.title not in month_text
    # The month page links to the neighbouring months that have statements.
    assert attrs_of(month.content, "a", href="/archive/2021/5/")


def test_archive_index_lists_the_months_with_statements(client):
    factories.make_statement(publish_at=_at(2021, 3, 10))
    factories.make_statement(publish_at=_at(2022, 11, 1))

    response = client.get("/archive/")
    text = main_text(response.content)

    assert response.status_code == 200
    assert_in_order(text, ["2022", "November", "2021", "March"])
    assert attrs_of(response.content, "a", href="/archive/2021/3/")
    assert attrs_of(response.content, "a", href="/archive/2022/11/")
    assert attrs_of(response.content, "a", href="/archive/2021/")


def test_search_matches_title_and_body_case_insensitively(client):
    by_title = factories.make_statement("Harbour strike enters its second week", body="<p>x</p>")
    by_body = factories.make_statement(
        "A statement on wages", body="<p>The longshore workers deserve a raise.</p>"
    )
    unrelated = factories.make_statement("Rent freeze", body="<p>Tenants organize.</p>")

    def found(query):
        response = client.get("/search/", {"q": query})
        assert response.status_code == 200
        text = main_text(response.content)
        return {s for s in (by_title, by_body, unrelated) if s.title in text}

    assert found("harbour") == {by_title}
    assert found("HARBOUR Strike") == {by_title}
    assert found("longshore") == {by_body}
    assert found("LongShore") == {by_body}
    assert found("nothing-matches-this") == set()


def test_search_page_reports_results_and_is_not_indexed(client):
    factories.make_statement("Harbour strike")
    response = client.get("/search/", {"q": "harbour"})
    assert "Results for “harbour”" in main_text(response.content)
    assert "1 statement found." in main_text(response.content)
    assert meta(response.content)["robots"] == "noindex"


def test_empty_search_lists_nothing(client):
    factories.make_statement("Harbour strike")
    response = client.get("/search/", {"q": "   "})
    text = main_text(response.content)
    assert response.status_code == 200
    assert "Harbour strike" not in text
    assert "Type words to look for" in text


def test_search_query_is_escaped(client):
    response = client.get("/search/", {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_search_pagination_keeps_the_query(client):
    for n in range(12):
        factories.make_published(f"Harbour statement {n}", days_ago=n + 1)
    response = client.get("/search/", {"q": "harbour"})
    assert attrs_of(response.content, "a", href="?q=harbour&page=2")
    assert client.get("/search/", {"q": "harbour", "page": 2}).status_code == 200


# --- drafts and scheduled statements never leak ----------------------------------------


LEAK_WORD = "Gatekeeper"


@pytest.fixture
def unpublished(db):
    """A published statement with a draft and a scheduled one around it, sharing everything."""
    topic = factories.make_topic("Leak Topic")
    group = factories.make_organization("Leak Group")
    now = timezone.now()
    common = {"organizations": [group], "topics": [topic]}
    older = factories.make_published(f"{LEAK_WORD} visible older", days_ago=10, **common)
    draft = factories.make_draft(
        f"{LEAK_WORD} secret draft", publish_at=now - timedelta(days=8), **common
    )
    middle = factories.make_published(f"{LEAK_WORD} visible middle", days_ago=6, **common)
    old_draft = factories.make_draft(
        f"{LEAK_WORD} secret old draft", publish_at=_at(2019, 3, 4), **common
    )
    scheduled = factories.make_scheduled(f"{LEAK_WORD} secret scheduled", days_ahead=40, **common)
    return {
        "visible": [older, middle],
        "hidden": [draft, old_draft, scheduled],
        "topic": topic,
        "organization": group,
    }


def _leak_urls(data):
    """(url, a visible statement the page must show, or None) for every public listing."""
    topic, group = data["topic"], data["organization"]
    older, middle = data["visible"]
    draft, _, scheduled = data["hidden"]
    shown, when = middle.publish_at, scheduled.publish_at
    return [
        ("/", middle),
        (topic.get_absolute_url(), middle),
        (group.get_absolute_url(), middle),
        ("/archive/", None),
        (f"/archive/{shown.year}/", middle),
        (f"/archive/{shown.year}/{shown.month}/", middle),
        (f"/archive/{draft.publish_at.year}/{draft.publish_at.month}/", None),
        (f"/archive/{when.year}/", None),
        (f"/archive/{when.year}/{when.month}/", None),
        ("/archive/2019/", None),
        ("/archive/2019/3/", None),
        (f"/search/?q={LEAK_WORD}", middle),
        (f"/search/?q={LEAK_WORD}+secret", None),
        ("/search/?q=secret", None),
        ("/feed/rss/", middle),
        ("/feed/atom/", middle),
        (f"/topics/{topic.slug}/feed/rss/", middle),
        (f"/topics/{topic.slug}/feed/atom/", middle),
        ("/sitemap.xml", middle),
        (older.get_absolute_url(), middle),  # as "next"
        (middle.get_absolute_url(), older),  # as "previous"
    ]


def test_unpublished_statements_never_leak(client, unpublished):
    for url, must_show in _leak_urls(unpublished):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        content = response.content.decode()
        for statement in unpublished["hidden"]:
            assert statement.title not in content, f"{statement.title!r} leaks on {url}"
            assert statement.slug not in content, f"{statement.slug!r} leaks on {url}"
        if must_show is not None:
            # The page does list published statements, so the check above means something.
            assert response.status_code == 200, url
            assert must_show.get_absolute_url() in content, url


def test_unpublished_months_are_not_in_the_archive(client, unpublished):
    later = timezone.now() + timedelta(days=40)
    index = client.get("/archive/").content
    assert not attrs_of(index, "a", href="/archive/2019/")
    assert not attrs_of(index, "a", href="/archive/2019/3/")
    assert client.get("/archive/2019/").status_code == 404
    assert client.get("/archive/2019/3/").status_code == 404
    if (later.year, later.month) != (timezone.now().year, timezone.now().month):
        assert not attrs_of(index, "a", href=f"/archive/{later.year}/{later.month}/")


def test_previous_and_next_skip_unpublished(client, unpublished):
    older, middle = unpublished["visible"]
    html = client.get(middle.get_absolute_url()).content
    assert attrs_of(html, "a", rel="prev")[0]["href"] == older.get_absolute_url()
    assert not attrs_of(html, "a", rel="next")

    html = client.get(older.get_absolute_url()).content
    assert attrs_of(html, "a", rel="next")[0]["href"] == middle.get_absolute_url()
    assert not attrs_of(html, "a", rel="prev")


def test_unpublished_statements_are_404_to_visitors(client, unpublished):
    for statement in unpublished["hidden"]:
        response = client.get(statement.get_absolute_url())
        assert response.status_code == 404
        assert statement.title not in response.content.decode()


@pytest.mark.parametrize("who", ["staff without permission", "moderator"])
def test_unpublished_statements_are_404_to_staff_who_cannot_edit(client, unpublished, who):
    user = (
        factories.make_moderator()
        if who == "moderator"
        else factories.make_user(staff=True, initials="xx")
    )
    client.force_login(user)
    for statement in unpublished["hidden"]:
        assert client.get(statement.get_absolute_url()).status_code == 404


def test_editors_preview_a_draft(client, editor):
    draft = factories.make_draft("A draft under review", body="<p>Draft words.</p>")
    client.force_login(editor)

    response = client.get(draft.get_absolute_url())

    assert response.status_code == 200
    text = main_text(response.content)
    assert "Preview. This statement is a draft; visitors cannot see it yet." in text
    assert "Draft words." in text
    assert meta(response.content)["robots"] == "noindex"
    assert response["X-Robots-Tag"] == "noindex"
    cache_control = response["Cache-Control"]
    assert "no-cache" in cache_control and "no-store" in cache_control
    assert "private" in cache_control or "max-age=0" in cache_control


def test_editors_preview_a_scheduled_statement(client, editor):
    scheduled = factories.make_scheduled("Coming on Monday")
    client.force_login(editor)
    response = client.get(scheduled.get_absolute_url())

    assert response.status_code == 200
    assert "This statement is scheduled for" in main_text(response.content)
    assert response["X-Robots-Tag"] == "noindex"


def test_published_statement_seen_by_an_editor_is_not_a_preview(client, editor):
    statement = factories.make_statement()
    client.force_login(editor)
    response = client.get(statement.get_absolute_url())
    assert "Preview." not in main_text(response.content)
    assert "X-Robots-Tag" not in response
    assert "robots" not in meta(response.content)


def test_preview_does_not_link_unpublished_neighbours_for_visitors(client, editor, unpublished):
    """Previous/next are computed for published statements only, whoever looks."""
    older, middle = unpublished["visible"]
    client.force_login(editor)
    html = client.get(middle.get_absolute_url()).content
    assert attrs_of(html, "a", rel="prev")[0]["href"] == older.get_absolute_url()
    assert not attrs_of(html, "a", rel="next")


# --- bad input answered without a server error ---------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/?page=abc",
        "/?page=99999",
        "/?page=-1",
        "/?page=0",
        "/?page=" + "9" * 40,
        "/?page=last",
        "/search/?q=" + "x" * 10_240,
        "/search/?q=" + "harbour%20" * 1024,
        "/search/?q=%00",
        "/search/?q=a%00b",
        "/search/?q=%22%27%5C%28%29%21%26%7C%3A%2A",
        "/search/?q=-",
        "/search/?q=harbour&page=abc",
        "/search/?q[]=x",
        "/archive/99999/",
        "/archive/0/",
        "/archive/2024/13/",
        "/archive/2024/0/",
        "/archive/2024/99999999999999999999/",
        "/topics/leak-topic/?page=abc",
        "/organizations/leak-group/?page=99999",
        "/statements/%E2%88%92/",
        "/statements/" + "a" * 500 + "/",
    ],
)
def test_bad_parameters_are_not_server_errors(client, unpublished, url):
    response = client.get(url)
    assert response.status_code < 500


def test_bad_page_number_is_a_friendly_404(client):
    factories.make_statement()
    response = client.get("/?page=abc")
    assert response.status_code == 404
    assert "Page not found" in main_text(response.content)


def test_long_search_is_cut_not_refused(client):
    statement = factories.make_statement("Harbour strike")
    response = client.get("/search/", {"q": "harbour " + "x" * 10_240})
    assert response.status_code == 200
    assert statement.title not in main_text(response.content)  # the long word matches nothing
    response = client.get("/search/", {"q": "harbour" + " " * 10_240})
    assert statement.title in main_text(response.content)


# --- robots.txt, 404 -------------------------------------------------------------------------


def test_robots_txt(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_favicon_is_served_at_the_address_browsers_ask_for(client):
    from io import BytesIO

    from PIL import Image

    response = client.get("/favicon.ico")
    assert response.status_code == 200
    icon = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert icon.format == "ICO"
    assert icon.size[0] >= 32


def test_404_page(client):
    response = client.get("/statements/there-is-no-such-statement/")
    assert response.status_code == 404
    text = main_text(response.content)
    assert "Page not found" in text
    assert "There is nothing at this address." in text
    assert attrs_of(response.content, "form", action="/search/")
    assert attrs_of(response.content, "a", href="/")


# --- no request to another site ----------------------------------------------------------


def _assert_assets_are_local(html):
    for tag, attrs in elements(html):
        if "src" in attrs:
            assert attrs["src"].startswith("/") and not attrs["src"].startswith("//"), (tag, attrs)
        for candidate in attrs.get("srcset", "").split(","):
            if candidate.strip():
                url = candidate.split()[0]
                assert url.startswith("/") and not url.startswith("//"), (tag, attrs)
        rel = attrs.get("rel", "").split()
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set(
            rel
        ):
            href = attrs["href"]
            assert href.startswith("/") and not href.startswith("//"), attrs
        if tag == "link" and {"preconnect", "dns-prefetch"} & set(rel):
            raise AssertionError(f"connects to another site: {attrs}")


def test_home_and_statement_pages_load_nothing_from_other_sites(client, page_statement):
    statement, _, _ = page_statement
    for url in ("/", statement.get_absolute_url(), "/archive/", "/search/?q=dock"):
        html = client.get(url).content
        _assert_assets_are_local(html)
        assert "@import" not in html.decode()
    # The check did look at real assets.
    html = client.get(statement.get_absolute_url()).content
    assert len(attrs_of(html, "img")) >= 2
    assert attrs_of(html, "link", rel="stylesheet")
    assert attrs_of(html, "script")


def test_lists_stop_at_the_page_limit_and_point_to_the_archive(client, settings):
    settings.LIST_MAX_PAGES = 2
    for n in range(25):
        factories.make_published(f"Numbered statement {n:02}", days_ago=30 - n)

    first = main_text(client.get("/").content)
    assert "Page 1 Older →" in first
    last = main_text(client.get("/?page=2").content)
    assert "← Newer Page 2 Older statements are in the archive →" in last
    assert client.get("/?page=3").status_code == 404


def test_a_list_counts_only_as_far_as_the_next_page(client):
    for n in range(3):
        factories.make_published(f"Numbered statement {n:02}", days_ago=3 - n)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counts) == 1
    assert counts[0].rstrip().endswith("LIMIT 21) subquery")
