"""Daily and weekly digests, and the preferences page behind every mail's link."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from subscriptions import clock, mails, sending
from subscriptions.models import Delivery, Digest, Subscriber
from tests import factories

from .conftest import make_subscriber, path_of, text_part

pytestmark = pytest.mark.django_db


def run_digest(capture, frequency, period_end):
    with capture(execute=True):
        return sending.start_digest(frequency, period_end)


def test_a_daily_digest_lists_what_was_published_since_the_last_one(
    smtp, django_capture_on_commit_callbacks
):
    housing = factories.make_topic("Housing")
    now = timezone.now()
    daily = make_subscriber("daily@example.org", frequency="daily")
    Subscriber.objects.filter(pk=daily.pk).update(digest_until=now - timedelta(days=1))
    chosen = make_subscriber("housing@example.org", frequency="daily", topics=[housing])
    Subscriber.objects.filter(pk=chosen.pk).update(digest_until=now - timedelta(days=1))
    make_subscriber("immediately@example.org")  # not a digest reader
    factories.make_published("Too old", publish_at=now - timedelta(days=2))
    factories.make_published(
        "Rent freeze now", publish_at=now - timedelta(hours=5), topics=[housing]
    )
    factories.make_published("Ceasefire", publish_at=now - timedelta(hours=3))
    factories.make_published("Not mailed", publish_at=now - timedelta(hours=2), do_not_email=True)
    smtp.clear()  # the immediate reader's own mails

    run_digest(django_capture_on_commit_callbacks, "daily", now)

    [mail] = smtp.to("daily@example.org")
    text = text_part(mail)
    assert "Today’s statements" in mail["Subject"]
    assert text.index("Rent freeze now") < text.index("Ceasefire")
    assert "Too old" not in text and "Not mailed" not in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    [mail] = smtp.to("housing@example.org")
    assert "Rent freeze now" in text_part(mail) and "Ceasefire" not in text_part(mail)
    assert smtp.to("immediately@example.org") == []

    # The next digest starts where this one ended: nothing new, no mail at all.
    smtp.clear()
    run_digest(django_capture_on_commit_callbacks, "daily", now + timedelta(days=1))
    assert smtp.messages == []
    assert Delivery.objects.filter(digest__isnull=False).count() == 2


def test_each_digest_period_is_sent_once(smtp, django_capture_on_commit_callbacks):
    now = timezone.now()
    make_subscriber("daily@example.org", frequency="daily", confirmed_at=now - timedelta(days=2))
    factories.make_published("Rent freeze now", publish_at=now - timedelta(hours=5))
    smtp.clear()
    run_digest(django_capture_on_commit_callbacks, "daily", now)
    run_digest(django_capture_on_commit_callbacks, "daily", now)
    assert len(smtp.to("daily@example.org")) == 1
    assert Digest.objects.count() == 1


def test_the_clock_queues_the_digest_when_its_hour_has_passed(
    smtp, settings, django_capture_on_commit_callbacks
):
    settings.SUBSCRIPTIONS_DIGEST_HOUR = 7
    now = timezone.now()
    clock.check(now=now - timedelta(days=3))  # the app was installed three days ago
    make_subscriber("daily@example.org", frequency="daily", confirmed_at=now - timedelta(days=2))
    factories.make_published("Rent freeze now", publish_at=now - timedelta(days=1, hours=1))
    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        clock.check(now=now)
    assert [m["Subject"] for m in smtp.to("daily@example.org")] == [
        "Today’s statements from Tenants United"
    ]
    digest = Digest.objects.get(frequency="daily")
    assert timezone.localtime(digest.period_end).hour == 7
    assert digest.period_end <= now


def test_weekly_boundaries_fall_on_the_chosen_day(settings):
    settings.SUBSCRIPTIONS_DIGEST_HOUR = 7
    settings.SUBSCRIPTIONS_WEEKLY_DAY = 0
    end = clock.last_period_end("weekly", timezone.now())
    assert timezone.localtime(end).weekday() == 0
    assert timezone.now() - end < timedelta(days=7)


def test_the_preferences_page_changes_topics_and_frequency_with_no_login():
    housing = factories.make_topic("Housing")
    factories.make_topic("Peace")
    subscriber = make_subscriber("rosa@example.net")
    path = path_of(mails.preferences_url(subscriber))
    page = Client().get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "rosa@example.net" in html and "Housing" in html and "Peace" in html
    response = Client(enforce_csrf_checks=True).post(
        path, {"scope": "chosen", "topics": ["housing"], "frequency": "weekly"}
    )
    assert response.status_code == 200
    assert "Saved." in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.scope == "chosen"
    assert list(subscriber.topics.all()) == [housing]
    assert subscriber.frequency == "weekly"
    assert subscriber.digest_until is not None  # the weekly digest starts from now


def test_a_bad_preferences_form_changes_nothing():
    subscriber = make_subscriber("rosa@example.net")
    response = Client().post(
        path_of(mails.preferences_url(subscriber)), {"scope": "chosen", "frequency": "weekly"}
    )
    assert response.status_code == 400
    assert "Choose at least one topic or organization" in response.content.decode()
    subscriber.refresh_from_db()
    assert (subscriber.scope, subscriber.frequency) == ("all", "immediately")


def test_leaving_from_the_preferences_page(smtp):
    subscriber = make_subscriber("rosa@example.net")
    page = Client().get(path_of(mails.preferences_url(subscriber))).content.decode()
    assert "Unsubscribe from everything" in page
    action = path_of(mails.unsubscribe_url(subscriber))
    assert f'action="{action}"' in page
    assert Client().post(action).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED


def test_an_old_confirmation_link_does_not_undo_an_unsubscribe():
    from subscriptions import subscribing

    subscriber = make_subscriber("rosa@example.net", state=Subscriber.State.PENDING)
    confirm = path_of(mails.confirm_url(subscriber))
    subscribing.unsubscribe(subscriber, Subscriber.Method.LINK)
    response = Client().post(confirm)
    assert "This address is not subscribed" in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED


def test_a_confirmation_link_expires(settings, monkeypatch):
    from django.core import signing

    subscriber = make_subscriber("rosa@example.net", state=Subscriber.State.PENDING)
    fresh = path_of(mails.confirm_url(subscriber))
    days = settings.SUBSCRIPTIONS_CONFIRM_DAYS
    made_then = int(time.time()) - days * 24 * 3600 - 5  # a link mailed a week and 5 s ago
    monkeypatch.setattr(
        signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(made_then)
    )
    expired = path_of(mails.confirm_url(subscriber))
    monkeypatch.undo()
    assert Client().get(expired).status_code == 404
    assert Client().post(expired).status_code == 404
    assert Client().get(fresh).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.PENDING
