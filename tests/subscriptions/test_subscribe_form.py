"""The "Get new statements by email" form: where it is, what it says, what it never tells."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from background.models import OutgoingMail
from subscriptions import subscribing
from subscriptions.models import Subscriber
from tests import factories

from .conftest import make_subscriber, subscribe_data

pytestmark = pytest.mark.django_db

URL = "/subscribe/"


@pytest.fixture
def statement():
    topic = factories.make_topic("Housing")
    organization = factories.make_organization("Tenants Union")
    return factories.make_published(
        "Rent freeze now", topics=[topic], organizations=[organization], days_ago=3
    )


def served_from_cache(url):
    with CaptureQueriesContext(connection) as queries:
        response = Client().get(url)
    assert response.status_code == 200
    return len(queries) == 0


def page_urls(statement):
    return {
        "home": reverse("statements:home"),
        "statement": statement.get_absolute_url(),
        "topic": statement.topics.get().get_absolute_url(),
        "organization": statement.organizations.get().get_absolute_url(),
    }


def test_the_form_is_on_the_home_statement_topic_and_organization_pages_and_they_stay_cached(
    statement,
):
    for name, url in page_urls(statement).items():
        html = Client().get(url).content.decode()
        assert "Get new statements by email" in html, name
        assert f'action="{URL}"' in html, name
        # Nothing per visitor in a shared page: no CSRF token in the box.
        box = html.split('class="subscribe-box', 1)[1].split("</section>", 1)[0]
        assert "csrfmiddlewaretoken" not in box, name
        assert served_from_cache(url), name


def test_each_page_offers_what_it_is_about(statement):
    urls = page_urls(statement)
    topic_page = Client().get(urls["topic"]).content.decode()
    assert 'name="topics" value="housing" checked' in topic_page
    statement_page = Client().get(urls["statement"]).content.decode()
    assert 'name="topics" value="housing"' in statement_page
    assert 'name="organizations" value="tenants-union"' in statement_page
    home = Client().get(urls["home"]).content.decode()
    assert 'name="scope" value="all"' in home
    assert 'name="topics"' not in home


def test_the_form_is_not_on_the_archive_or_search():
    factories.make_published("Rent freeze now")
    for url in (reverse("statements:archive"), reverse("statements:search") + "?q=rent"):
        assert "Get new statements by email" not in Client().get(url).content.decode()


def test_the_box_costs_the_cached_pages_no_query(statement, django_assert_num_queries):
    # The same count as without the box: it reads only what the page has.
    Client().get(statement.get_absolute_url())  # compiles the prepared queries
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        Client().get(statement.get_absolute_url())
    assert not any("subscriptions_" in q["sql"] for q in queries.captured_queries)


def post(client=None, capture=None, **data):
    client = client or Client(enforce_csrf_checks=True)
    if capture is None:
        return client.post(URL, subscribe_data(**data))
    with capture(execute=True):
        return client.post(URL, subscribe_data(**data))


def test_the_answer_is_the_same_whatever_the_address_was(
    django_capture_on_commit_callbacks, mailoutbox
):
    make_subscriber("confirmed@example.org")
    make_subscriber("pending@example.org", state=Subscriber.State.PENDING)
    make_subscriber("left@example.org", state=Subscriber.State.UNSUBSCRIBED)
    make_subscriber("bounced@example.org", state=Subscriber.State.SUPPRESSED)
    answers = set()
    for email in (
        "new@example.org",
        "confirmed@example.org",
        "pending@example.org",
        "left@example.org",
        "bounced@example.org",
    ):
        response = post(capture=django_capture_on_commit_callbacks, email=email)
        assert response.status_code == 303
        answers.add(response["Location"])
    assert answers == {reverse("subscriptions:sent")}
    page = Client().get(reverse("subscriptions:sent")).content.decode()
    assert "Check your inbox" in page
    # Confirmations to the new, pending and former subscribers; the confirmed one is
    # told how to change their choices; the suppressed address gets nothing.
    mailed = sorted(m.to[0] for m in mailoutbox)
    assert mailed == [
        "confirmed@example.org",
        "left@example.org",
        "new@example.org",
        "pending@example.org",
    ]
    [already] = [m for m in mailoutbox if m.to == ["confirmed@example.org"]]
    assert "/subscribe/preferences/" in already.body
    assert "/subscribe/confirm/" not in already.body


def test_at_most_one_confirmation_mail_an_hour_whatever_is_posted(
    django_capture_on_commit_callbacks, mailoutbox, settings
):
    for data in (
        {},
        {"frequency": "daily"},
        {"email": " ROSA@example.net "},
        {"scope": "all", "frequency": "weekly"},
    ):
        assert post(capture=django_capture_on_commit_callbacks, **data).status_code == 303
    assert len(mailoutbox) == 1
    assert Subscriber.objects.count() == 1
    # The last choices are the ones to confirm.
    assert Subscriber.objects.get().frequency == "weekly"
    Subscriber.objects.update(last_confirmation_sent_at=timezone.now() - timedelta(minutes=61))
    post(capture=django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert OutgoingMail.objects.filter(sent_at__isnull=False).count() == 2


def test_a_confirmed_subscribers_choices_change_only_from_their_own_link(
    django_capture_on_commit_callbacks,
):
    topic = factories.make_topic("Peace")
    make_subscriber("rosa@example.net")
    post(
        capture=django_capture_on_commit_callbacks,
        scope="chosen",
        topics=[topic.slug],
        frequency="weekly",
    )
    subscriber = Subscriber.objects.get()
    assert subscriber.scope == "all"
    assert subscriber.frequency == "immediately"
    assert subscriber.state == Subscriber.State.CONFIRMED


def test_chosen_topics_are_recorded_with_the_consent(django_capture_on_commit_callbacks):
    housing = factories.make_topic("Housing")
    union = factories.make_organization("Tenants Union")
    post(
        capture=django_capture_on_commit_callbacks,
        scope="chosen",
        topics=[housing.slug],
        organizations=[union.slug],
        frequency="daily",
        source="/topics/housing/",
    )
    subscriber = Subscriber.objects.get()
    assert subscriber.scope == "chosen"
    assert list(subscriber.topics.all()) == [housing]
    assert list(subscriber.organizations.all()) == [union]
    assert subscriber.frequency == "daily"
    assert subscriber.source_url == "/topics/housing/"
    assert subscriber.consent_text == subscribing.consent_text()
    assert subscriber.consent_version == subscribing.CONSENT_VERSION


@pytest.mark.parametrize(
    "data, message",
    [
        ({"email": "not an address"}, "Enter a valid email address."),
        ({"email": ""}, "This field is required."),
        ({"email": "a" * 250 + "@example.org"}, "at most 254 characters"),
        ({"scope": "chosen"}, "Choose at least one topic or organization"),
        ({"frequency": "hourly"}, "Select a valid choice."),
        ({"topics": ["no-such-topic"], "scope": "chosen"}, "Select a valid choice."),
    ],
)
def test_a_bad_form_comes_back_with_a_message_and_what_was_typed(data, message, mailoutbox):
    factories.make_topic("Housing")
    response = post(**{"frequency": "weekly", **data})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "You are not subscribed yet" in html
    if data.get("email"):
        assert f'value="{data["email"]}"' in html
    if data.get("frequency") != "hourly":
        assert re.search(r'value="weekly"[^>]*checked', html)
    assert Subscriber.objects.count() == 0
    assert mailoutbox == []


def test_a_null_character_is_a_field_error_not_a_500():
    response = post(email="rosa\x00@example.net")
    assert response.status_code == 400
    assert Subscriber.objects.count() == 0


def test_too_many_posts_from_one_address_are_refused_with_the_form_kept(settings):
    settings.SUBSCRIPTIONS_RATE_LIMIT = 2
    for n in range(2):
        assert post(email=f"reader{n}@example.org").status_code == 303
    response = post(email="third@example.org")
    assert response.status_code == 429
    assert 'value="third@example.org"' in response.content.decode()
    assert not Subscriber.objects.filter(email="third@example.org").exists()


def test_the_subscribe_page_lists_every_topic_and_organization(django_assert_num_queries):
    factories.make_published(
        "Rent freeze now",
        topics=[factories.make_topic("Housing"), factories.make_topic("Peace")],
        organizations=[factories.make_organization("Tenants Union")],
    )
    client = Client()
    client.get(URL)  # the menus are read once, then come from the cache
    with django_assert_num_queries(2):  # the topics, the organizations
        response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("Housing", "Peace", "Tenants Union"):
        assert name in html
    assert subscribing.consent_text() in html
    assert response["Cache-Control"].startswith("max-age=0")
