"""Who receives a statement, and exactly once, however the sending is interrupted.

The mails go to a real SMTP server on loopback (conftest.smtp).
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from statements.models import Statement
from subscriptions import clock, sending
from subscriptions.models import Delivery, Mailing, Subscriber
from tests import factories

from .conftest import make_subscriber, text_part

pytestmark = pytest.mark.django_db


def publish(capture, title="Rent freeze now", **kwargs):
    kwargs.setdefault("publish_at", timezone.now())
    with capture(execute=True):
        return factories.make_published(title, **kwargs)


def recipients(smtp):
    return sorted(address for m in smtp.messages for address in m.envelope_to)


def test_each_subscriber_gets_what_they_chose(smtp, django_capture_on_commit_callbacks):
    housing, peace = factories.make_topic("Housing"), factories.make_topic("Peace")
    union, other = factories.make_organization("Tenants Union"), factories.make_organization("X")
    make_subscriber("all@example.org")
    make_subscriber("housing@example.org", topics=[housing])
    make_subscriber("union@example.org", organizations=[union])
    make_subscriber("peace@example.org", topics=[peace])
    make_subscriber("other-org@example.org", organizations=[other])
    make_subscriber("daily@example.org", frequency=Subscriber.Frequency.DAILY)
    make_subscriber("pending@example.org", state=Subscriber.State.PENDING)
    make_subscriber("left@example.org", state=Subscriber.State.UNSUBSCRIBED)
    make_subscriber("bounced@example.org", state=Subscriber.State.SUPPRESSED)

    publish(django_capture_on_commit_callbacks, topics=[housing], organizations=[union])

    assert recipients(smtp) == ["all@example.org", "housing@example.org", "union@example.org"]
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 3


def test_editing_a_published_statement_sends_nothing(smtp, django_capture_on_commit_callbacks):
    make_subscriber("all@example.org")
    statement = publish(django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 1
    with django_capture_on_commit_callbacks(execute=True):
        statement.title = "Rent freeze now (corrected)"
        statement.save()
        # Unpublished and published again: still one mail.
        statement.status = Statement.Status.DRAFT
        statement.save()
        statement.status = Statement.Status.PUBLISHED
        statement.save()
    assert len(smtp.messages) == 1
    assert Mailing.objects.count() == 1


def test_do_not_email_drafts_and_old_statements_send_nothing(
    smtp, django_capture_on_commit_callbacks
):
    make_subscriber("all@example.org")
    publish(django_capture_on_commit_callbacks, do_not_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_draft("Not yet")
        # An import, or a back-dated post: older than SUBSCRIPTIONS_MAIL_MAX_AGE_HOURS.
        factories.make_published("From the old site", days_ago=400)
    assert smtp.messages == []
    assert Mailing.objects.count() == 0


def test_a_draft_published_later_is_mailed_when_it_goes_live(
    smtp, django_capture_on_commit_callbacks
):
    make_subscriber("all@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        draft = factories.make_draft("Rent freeze now", publish_at=timezone.now())
    assert smtp.messages == []
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Statement.Status.PUBLISHED
        draft.save()
    assert recipients(smtp) == ["all@example.org"]


def test_a_scheduled_statement_is_mailed_when_it_comes_due_with_no_save(
    smtp, django_capture_on_commit_callbacks
):
    make_subscriber("all@example.org")
    clock.check()  # the worker's first look: starts the clock
    with django_capture_on_commit_callbacks(execute=True):
        scheduled = factories.make_scheduled("At dawn", days_ahead=1)
        clock.check()
    assert smtp.messages == []
    due = scheduled.publish_at + timedelta(seconds=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert clock.check(now=due) == 1
    assert recipients(smtp) == ["all@example.org"]
    # Later checks (every few seconds, by every worker) start nothing again.
    with django_capture_on_commit_callbacks(execute=True):
        assert clock.check(now=due + timedelta(seconds=5)) == 0
    assert len(smtp.messages) == 1


def test_the_clock_never_mails_what_was_published_before_it_started(
    smtp, django_capture_on_commit_callbacks
):
    make_subscriber("all@example.org")
    Statement.objects.bulk_create(  # an archive with no save signals, before the app
        [Statement(title="Old", slug="old", status="published", publish_at=timezone.now())]
    )
    with django_capture_on_commit_callbacks(execute=True):
        clock.check()
        clock.check(now=timezone.now() + timedelta(minutes=1))
    assert smtp.messages == []


def test_a_scheduled_do_not_email_statement_is_not_mailed(
    smtp, django_capture_on_commit_callbacks
):
    make_subscriber("all@example.org")
    clock.check()
    scheduled = factories.make_scheduled("At dawn", days_ahead=1, do_not_email=True)
    with django_capture_on_commit_callbacks(execute=True):
        clock.check(now=scheduled.publish_at + timedelta(seconds=1))
    assert smtp.messages == []


def test_the_mail_is_rendered_once_only_the_links_differ(smtp, django_capture_on_commit_callbacks):
    make_subscriber("a@example.org")
    make_subscriber("b@example.org")
    publish(django_capture_on_commit_callbacks, summary="Rents are frozen.")
    a, b = sorted(smtp.messages, key=lambda m: m.envelope_to[0])
    text_a, text_b = text_part(a), text_part(b)
    assert text_a != text_b
    strip = lambda text: "\n".join(  # noqa: E731
        line for line in text.splitlines() if "/subscribe/" not in line
    )
    assert strip(text_a) == strip(text_b)
    assert a["Message-ID"] != b["Message-ID"]


def make_audience(n):
    return [make_subscriber(f"reader{i:03}@example.org") for i in range(n)]


def test_an_interrupted_send_resumes_and_mails_each_subscriber_exactly_once(
    smtp, settings, django_capture_on_commit_callbacks
):
    settings.SUBSCRIPTIONS_BATCH_SIZE = 4
    make_audience(10)
    # The mail server goes away after six mails: the task fails (and is retried later).
    smtp.fail_after = 6
    publish(django_capture_on_commit_callbacks)
    assert len(smtp.messages) == 6
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 6
    assert Delivery.objects.filter(state=Delivery.State.QUEUED).count() == 4
    # Released, not left claimed: the retry need not wait for the claims to go stale.
    assert not Delivery.objects.filter(state=Delivery.State.QUEUED).exclude(claim="").exists()

    smtp.fail_after = None
    mailing = Mailing.objects.get()
    assert sending.send_statement(mailing.pk) is True  # the task's retry
    assert sending.send_statement(mailing.pk) is True  # and once more, for nothing
    assert recipients(smtp) == [f"reader{i:03}@example.org" for i in range(10)]
    assert Delivery.objects.filter(state=Delivery.State.SENT).count() == 10
    mailing.refresh_from_db()
    assert mailing.finished_at is not None


def test_a_killed_workers_claims_are_taken_again_once_stale(smtp, settings):
    settings.SUBSCRIPTIONS_BATCH_SIZE = 3
    make_audience(5)
    statement = factories.make_published("Rent freeze now", publish_at=timezone.now())
    mailing = Mailing.objects.get(statement=statement)
    # A worker claimed a batch, sent nothing of it, and was killed (SIGKILL).
    from subscriptions import audience, mails
    from subscriptions.sending import _claim, _snapshot

    mailing.subject, mailing.text, mailing.html = mails.statement_mail(statement)
    mailing.save()
    _snapshot(
        audience.for_statement(statement),
        lambda pk: Delivery(subscriber_id=pk, statement_id=statement.pk),
    )
    mailing.snapshot_at = timezone.now()
    mailing.save()
    claimed = _claim(Delivery.objects.filter(statement=statement), 3)
    assert len(claimed) == 3

    # Another run now sends only the unclaimed rows: the claims may still be live.
    assert sending.send_statement(mailing.pk) is False
    assert len(smtp.messages) == 2

    # Past the task timeout the claims are a dead worker's: the re-run sends them.
    Delivery.objects.filter(pk__in=[d.pk for d in claimed]).update(
        claimed_at=timezone.now() - timedelta(seconds=settings.TASK_TIMEOUT_SECONDS + 1)
    )
    assert sending.send_statement(mailing.pk) is True
    assert len(smtp.messages) == 5
    assert len(set(recipients(smtp))) == 5


def test_a_refused_address_fails_alone(smtp, django_capture_on_commit_callbacks):
    make_audience(3)
    smtp.refuse = {"reader001@example.org"}
    publish(django_capture_on_commit_callbacks)
    assert recipients(smtp) == ["reader000@example.org", "reader002@example.org"]
    failed = Delivery.objects.get(state=Delivery.State.FAILED)
    assert failed.subscriber.email == "reader001@example.org"
    assert "reader001@example.org" in failed.error


def test_a_subscriber_who_leaves_mid_send_is_skipped(smtp, settings):
    from subscriptions import subscribing

    settings.SUBSCRIPTIONS_BATCH_SIZE = 2
    first, second, third = make_audience(3)
    statement = factories.make_published("Rent freeze now", publish_at=timezone.now())
    mailing = Mailing.objects.get(statement=statement)
    # A time budget of zero: one batch per run, as a long send does.
    settings.TASK_TIMEOUT_SECONDS = 0
    assert sending.send_statement(mailing.pk) is False
    assert len(smtp.messages) == 2
    subscribing.unsubscribe(third, Subscriber.Method.ONE_CLICK)
    assert sending.send_statement(mailing.pk) is True
    assert recipients(smtp) == [first.email, second.email]
    assert Delivery.objects.get(subscriber=third).state == Delivery.State.SKIPPED


def test_the_send_is_throttled(smtp, settings, django_capture_on_commit_callbacks):
    import time

    settings.SUBSCRIPTIONS_BATCH_SIZE = 2
    settings.SUBSCRIPTIONS_MAX_PER_SECOND = 8
    make_audience(6)
    started = time.monotonic()
    publish(django_capture_on_commit_callbacks)
    elapsed = time.monotonic() - started
    assert len(smtp.messages) == 6
    assert elapsed >= 6 / 8 * 0.9  # three batches of two, a quarter of a second each
