"""The full-page cache: who is served from it, and exact invalidation."""

import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from captcha.models import CaptchaStore
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from advocacy import pagecache
from comments import moderation
from comments.models import Comment
from statements.models import Statement
from tests import factories

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def served_from_cache(url, client=None):
    response, queries = get(client or Client(), url)
    assert response.status_code == 200
    return queries == 0


@pytest.fixture
def statement():
    topic = factories.make_topic("Housing")
    return factories.make_published("Rent freeze now", topics=[topic], days_ago=3)


@pytest.fixture
def other():
    topic = factories.make_topic("Peace")
    return factories.make_published("Ceasefire everywhere", topics=[topic], days_ago=40)


PUBLIC_PAGES = [
    lambda s: reverse("statements:home"),
    lambda s: s.get_absolute_url(),
    lambda s: s.topics.first().get_absolute_url(),
    lambda s: s.organizations.first().get_absolute_url(),
    lambda s: reverse("statements:archive"),
    lambda s: reverse("statements:archive-year", args=[s.publish_at.year]),
    lambda s: reverse("statements:archive-month", args=[s.publish_at.year, s.publish_at.month]),
    lambda s: reverse("statements:feed-atom"),
    lambda s: reverse("statements:feed-rss"),
    lambda s: reverse("statements:topic-feed-atom", args=[s.topics.first().slug]),
    lambda s: reverse("sitemap"),
]


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_second_anonymous_visit_is_served_from_the_cache(statement, page):
    url = page(statement)
    first, queries = get(Client(), url)
    assert first.status_code == 200 and queries > 0
    second, queries = get(Client(), url)
    assert queries == 0
    assert second.content == first.content
    assert "public" in second["Cache-Control"]


def test_search_is_never_cached(statement):
    url = reverse("statements:search") + "?q=rent"
    get(Client(), url)
    assert not served_from_cache(url)


def test_cached_statement_page_carries_nothing_per_visitor(statement):
    html = Client().get(statement.get_absolute_url()).content.decode()
    assert re.search(r'name="captcha_0"[^>]*value="\w+"', html) is None
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', html) is None
    assert CaptchaStore.objects.count() == 0


def test_visitor_with_a_session_is_never_served_the_shared_page(statement):
    url = statement.get_absolute_url()
    get(Client(), url)  # now cached
    visitor = Client()
    visitor.cookies["sessionid"] = "anything"
    response, queries = get(visitor, url)
    assert queries > 0
    assert "private" in response["Cache-Control"]


def test_staff_never_get_the_shared_page(statement, editor_client):
    url = reverse("statements:home")
    draft = factories.make_draft("Not yet public")
    get(Client(), url)
    response, queries = get(editor_client, url)
    assert queries > 0
    assert "private" in response["Cache-Control"]
    assert draft.title not in response.content.decode()


def test_own_pending_comment_is_shown_only_to_its_author(statement, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    url = statement.get_absolute_url()
    get(Client(), url)  # cached for everyone
    author = Client()
    question = author.get(reverse("comments:question")).json()
    answer = CaptchaStore.objects.get(hashkey=question["key"]).response
    response = author.post(
        reverse("comments:post", args=[statement.slug]),
        {
            "body": "Rents must be frozen this winter.",
            "name": "Sam",
            "email": "sam@example.org",
            "captcha_0": question["key"],
            "captcha_1": answer,
            "form_time": question["form_time"],
            "csrfmiddlewaretoken": question["csrf_token"],
        },
    )
    assert response.status_code == 303
    assert "Rents must be frozen" in author.get(url).content.decode()
    assert "Rents must be frozen" not in Client().get(url).content.decode()
    assert served_from_cache(url)


def test_approving_a_comment_refreshes_its_statement_and_lists_only(statement, other):
    pages = [
        statement.get_absolute_url(),
        reverse("statements:home"),
        statement.topics.first().get_absolute_url(),
        other.get_absolute_url(),
        other.topics.first().get_absolute_url(),
        reverse("statements:feed-atom"),
    ]
    for url in pages:
        get(Client(), url)
    comment = Comment.objects.create(
        statement=statement, name="Ana", email="ana@example.org", body="Well said, all of it."
    )
    # A pending comment changes no public page.
    assert all(served_from_cache(url) for url in pages)

    moderation.approve(Comment.objects.filter(pk=comment.pk))

    statement_page = Client().get(statement.get_absolute_url()).content.decode()
    assert "Well said, all of it." in statement_page
    assert "1 Response" in statement_page
    assert "1 Response" in Client().get(reverse("statements:home")).content.decode()
    assert "1 Response" in Client().get(pages[2]).content.decode()
    # Pages that do not show it were not wiped.
    assert served_from_cache(other.get_absolute_url())
    assert served_from_cache(other.topics.first().get_absolute_url())
    assert served_from_cache(reverse("statements:feed-atom"))

    moderation.remove(Comment.objects.filter(pk=comment.pk))
    assert "Well said" not in Client().get(statement.get_absolute_url()).content.decode()
    assert (
        "Response"
        not in Client()
        .get(reverse("statements:home"))
        .content.decode()
        .split("<main")[1]
        .split("Rent freeze now")[1]
        .split("</article>")[0]
    )


def test_publishing_editing_and_unpublishing_refresh_what_shows_it(statement, other):
    home = reverse("statements:home")
    feed = reverse("statements:feed-atom")
    draft = factories.make_draft("Housing is a right", topics=list(statement.topics.all()))
    for url in (home, feed, statement.get_absolute_url(), other.get_absolute_url()):
        get(Client(), url)

    draft.status = Statement.Status.PUBLISHED
    draft.publish_at = timezone.now() - timedelta(minutes=1)
    draft.save()
    assert "Housing is a right" in Client().get(home).content.decode()
    assert "Housing is a right" in Client().get(feed).content.decode()
    # Its neighbour now links to it.
    assert "Housing is a right" in Client().get(statement.get_absolute_url()).content.decode()
    assert served_from_cache(other.get_absolute_url())

    draft.title = "Housing is a human right"
    draft.save()
    assert "Housing is a human right" in Client().get(home).content.decode()

    draft.status = Statement.Status.DRAFT
    draft.save()
    assert "Housing is a human right" not in Client().get(home).content.decode()
    assert Client().get(draft.get_absolute_url()).status_code == 404


def test_leaving_a_topic_leaves_its_page(statement):
    topic = statement.topics.first()
    get(Client(), topic.get_absolute_url())
    statement.topics.clear()
    assert statement.title not in Client().get(topic.get_absolute_url()).content.decode()


def test_a_scheduled_statement_appears_on_time_without_any_save(statement, settings):
    settings.PAGE_CACHE_SECONDS = 600
    due = factories.make_statement(
        "Due in two seconds", publish_at=timezone.now() + timedelta(seconds=2)
    )
    home = reverse("statements:home")
    assert due.title not in Client().get(home).content.decode()
    assert served_from_cache(home)
    time.sleep(3.2)
    assert due.title in Client().get(home).content.decode()


def test_conditional_get_answers_304(statement):
    url = statement.get_absolute_url()
    first = Client().get(url)
    etag = first["ETag"]
    again = Client().get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""


def test_feeds_answer_304_too(statement):
    url = reverse("statements:feed-atom")
    etag = Client().get(url)["ETag"]
    assert Client().get(url, headers={"if-none-match": etag}).status_code == 304


def test_question_endpoint_is_never_cached(statement):
    first = Client().get(reverse("comments:question")).json()
    second = Client().get(reverse("comments:question")).json()
    assert first["key"] != second["key"]


def test_post_without_a_token_from_a_cached_page_keeps_the_text(statement):
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(statement.get_absolute_url())
    response = visitor.post(
        reverse("comments:post", args=[statement.slug]),
        {"body": "Posted without JavaScript.", "name": "Noor", "email": "noor@example.org"},
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Posted without JavaScript." in html
    assert 'value="Noor"' in html
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', html)
    assert re.search(r'name="captcha_0"[^>]*value="\w+"', html)
    assert Comment.objects.count() == 0


def test_a_cache_hit_carries_the_headers_of_the_rendered_page(statement):
    """Hits are answered before most middleware: the stored page keeps what it added."""
    url = statement.get_absolute_url()
    rendered, queries = get(Client(), url)
    assert queries > 0
    hit, queries = get(Client(), url)
    assert queries == 0
    assert hit.content == rendered.content
    for header in (
        "ETag",
        "Cache-Control",
        "Vary",
        "X-Frame-Options",
        "Content-Security-Policy",
        "Content-Type",
        "Content-Length",
    ):
        assert hit.get(header) == rendered.get(header), header
    assert "public" in hit["Cache-Control"]
    assert not hit.cookies


def test_a_changed_etag_gets_the_page_and_a_matching_one_304_from_the_cache(statement):
    url = statement.get_absolute_url()
    etag = Client().get(url)["ETag"]
    stale, queries = get(Client(), url, headers={"if-none-match": '"not-the-etag"'})
    assert (stale.status_code, queries) == (200, 0)
    fresh, queries = get(Client(), url, headers={"if-none-match": etag})
    assert (fresh.status_code, queries) == (304, 0)
    assert fresh["ETag"] == etag


def test_pages_stored_after_a_rolled_back_reschedule_still_expire_on_time(statement):
    due = factories.make_scheduled("Soon", publish_at=timezone.now() + timedelta(seconds=30))
    assert pagecache._seconds_until_next_due() <= 31
    with pytest.raises(RuntimeError), transaction.atomic():
        due.publish_at = timezone.now() + timedelta(days=1)
        due.save()
        raise RuntimeError("the editor's save failed after the statement was written")
    assert pagecache._seconds_until_next_due() <= 31


def test_a_committed_reschedule_is_known_to_the_page_cache_without_a_query(
    statement, django_capture_on_commit_callbacks
):
    due = factories.make_scheduled("Soon", publish_at=timezone.now() + timedelta(seconds=30))
    with django_capture_on_commit_callbacks(execute=True):
        due.publish_at = timezone.now() + timedelta(hours=2)
        due.save()
    with CaptureQueriesContext(connection) as queries:
        seconds = pagecache._seconds_until_next_due()
    assert 7190 <= seconds <= 7201
    assert len(queries) == 0


def test_a_cache_that_fails_while_a_page_is_stored_still_serves_the_page(statement, monkeypatch):
    """Redis can go away between reading the tag versions and storing the page."""

    def cache_gone():
        raise ConnectionError("the cache went away mid-request")

    monkeypatch.setattr(pagecache, "_seconds_until_next_due", cache_gone)
    response = Client().get(statement.get_absolute_url())
    assert response.status_code == 200
    assert statement.title in response.content.decode()


# -- the publication schedule ----------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Moves the site's time forward: the database's "now" and the page cache's.

    The cache backend keeps real time, so a stored page is not dropped by its
    own expiry here: only the page cache's check of when the page was rendered
    against the schedule can make it stale.
    """

    class Clock:
        offset = timedelta(0)

        def advance(self, seconds):
            self.offset += timedelta(seconds=seconds)

    moved = Clock()
    real_now, real_time = timezone.now, time.time
    monkeypatch.setattr(timezone, "now", lambda: real_now() + moved.offset)
    monkeypatch.setattr(
        pagecache, "time", SimpleNamespace(time=lambda: real_time() + moved.offset.total_seconds())
    )
    return moved


def schedule_pages(topic):
    """Every public page that lists a statement of `topic`, due now, and where it links it."""
    now = timezone.now()
    return {
        "home": reverse("statements:home"),
        "topic": topic.get_absolute_url(),
        "organization": reverse("statements:organization", args=["tenants-union"]),
        "year": reverse("statements:archive-year", args=[now.year]),
        "month": reverse("statements:archive-month", args=[now.year, now.month]),
        "archive": reverse("statements:archive"),
        "rss": reverse("statements:feed-rss"),
        "atom": reverse("statements:feed-atom"),
        "topic rss": reverse("statements:topic-feed-rss", args=[topic.slug]),
        "topic atom": reverse("statements:topic-feed-atom", args=[topic.slug]),
        "sitemap": reverse("sitemap"),
    }


def shows(name, content, due):
    if name == "archive":  # the index lists months: the due statement's month is new
        month = reverse(
            "statements:archive-month", args=[due.publish_at.year, due.publish_at.month]
        )
        return f'href="{month}"' in content
    if name == "sitemap":
        return due.get_absolute_url() in content
    return due.title in content


@pytest.mark.parametrize("stored", ["before it was scheduled", "after it was scheduled"])
def test_no_cached_page_outlives_a_scheduled_publication(stored, clock, settings):
    settings.PAGE_CACHE_SECONDS = 600
    topic = factories.make_topic("Housing")
    union = factories.make_organization("Tenants Union")
    # 40 days old: in an earlier month, so the archive index gains this month.
    older = factories.make_published("Rent freeze now", topics=[topic], days_ago=40)
    older.organizations.set([union])
    pages = {**schedule_pages(topic), "neighbour": older.get_absolute_url()}

    def schedule():
        return factories.make_scheduled(
            "Housing is a right",
            publish_at=timezone.now() + timedelta(seconds=75),
            topics=[topic],
            organizations=[union],
        )

    if stored == "before it was scheduled":
        for url in pages.values():
            get(Client(), url)
        due = schedule()
    else:
        due = schedule()
        for url in pages.values():
            get(Client(), url)
    for name, url in pages.items():
        response, queries = get(Client(), url)
        if response.status_code == 404:
            # This month (or year) has nothing published yet: a 404 is never stored.
            assert name in ("month", "year"), name
            continue
        assert queries == 0, name
        assert not shows(name, response.content.decode(), due), name

    clock.advance(80)

    for name, url in pages.items():
        response = Client().get(url)
        assert response.status_code == 200, name
        assert shows(name, response.content.decode(), due), name


def test_a_hit_costs_one_cache_round_trip_for_the_page_and_one_for_its_tags(
    statement, monkeypatch
):
    url = statement.get_absolute_url()
    get(Client(), url)
    real = pagecache._cache()
    calls = []

    class Counting:
        def __getattr__(self, name):
            calls.append(name)
            return getattr(real, name)

    monkeypatch.setattr(pagecache, "_cache", Counting)
    response, queries = get(Client(), url)
    assert (response.status_code, queries) == (200, 0)
    assert calls == ["get_many", "get_many"]


def test_hits_are_served_when_the_schedule_cannot_be_read_again(
    clock, settings, django_capture_on_commit_callbacks
):
    """The database is down: pages already stored are still served, even past a re-read."""
    settings.PAGE_CACHE_SECONDS = 600
    with django_capture_on_commit_callbacks(execute=True):
        statement = factories.make_published("Rent freeze now")
    url = statement.get_absolute_url()
    get(Client(), url)
    settings.PAGE_CACHE_SCHEDULE = "tests.performance.test_page_cache.database_down"
    clock.advance(120)
    response, queries = get(Client(), url)
    assert (response.status_code, queries) == (200, 0)
    assert statement.title in response.content.decode()


def database_down():
    raise ConnectionError("the database went away")


def test_clearing_a_topic_from_its_side_refreshes_its_statements_pages(statement):
    url, topic = statement.get_absolute_url(), statement.topics.first()
    assert f'href="{topic.get_absolute_url()}"' in Client().get(url).content.decode()
    topic.statements.clear()
    assert f'href="{topic.get_absolute_url()}"' not in Client().get(url).content.decode()
    assert statement.title not in Client().get(topic.get_absolute_url()).content.decode()


def test_deleting_a_topic_refreshes_its_statements_pages(statement):
    url, topic = statement.get_absolute_url(), statement.topics.first()
    feed = reverse("statements:feed-atom")
    assert f'href="{topic.get_absolute_url()}"' in Client().get(url).content.decode()
    assert 'term="Housing"' in Client().get(feed).content.decode()
    topic.delete()
    assert f'href="{topic.get_absolute_url()}"' not in Client().get(url).content.decode()
    assert 'term="Housing"' not in Client().get(feed).content.decode()


# -- what the cache keeps is bounded (issue 11 findings 4 and 5) -------------------------------


def _keys_of(prefix):
    from django.core.cache import caches

    return [key for key in caches["default"]._cache if prefix in key]


def test_a_missing_page_leaves_no_tag_behind(statement):
    before = len(_keys_of(pagecache.TAG_PREFIX))
    for i in range(20):
        for url in (f"/statements/no-such-{i}/", f"/topics/none-{i}/", f"/organizations/x-{i}/"):
            assert Client().get(url).status_code == 404
    assert len(_keys_of(pagecache.TAG_PREFIX)) == before


def test_query_strings_the_page_does_not_read_share_one_stored_copy(statement):
    url = statement.get_absolute_url()
    first, _ = get(Client(), url + "?utm_source=a")
    pages_before = len(_keys_of(pagecache.PAGE_PREFIX))
    for i in range(20):
        response, queries = get(Client(), f"{url}?utm_source=mail&utm_campaign={i}&fbclid={i}")
        assert response.status_code == 200 and queries == 0
        assert response.content == first.content
    assert len(_keys_of(pagecache.PAGE_PREFIX)) == pages_before
    assert served_from_cache(url)


def test_list_pages_are_kept_per_page_number(statement, other, monkeypatch):
    from statements.views import HomeView

    monkeypatch.setattr(HomeView, "paginate_by", 1)
    first, _ = get(Client(), "/?page=1")
    second, _ = get(Client(), "/?page=2")
    assert first.content != second.content
    assert served_from_cache("/?page=2")
    # An unusual spelling of a page number is answered, but never stored.
    response, _ = get(Client(), "/?page=02")
    assert response.status_code == 200
    assert not served_from_cache("/?page=02")


def test_reply_links_are_not_stored(statement):
    url = statement.get_absolute_url()
    for i in range(5):
        Client().get(f"{url}?replytocom={i}")
    assert not served_from_cache(f"{url}?replytocom=1")


def test_each_host_name_gets_its_own_pages(statement, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    Client().get("/sitemap.xml", HTTP_HOST="one.example")
    response = Client().get("/sitemap.xml", HTTP_HOST="two.example")
    body = response.content.decode()
    assert "two.example" in body and "one.example" not in body
