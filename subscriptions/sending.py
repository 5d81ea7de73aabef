"""Sending subscribers' mail: batched, throttled, resumable, exactly once per subscriber.

A statement going live gets one Mailing (start_statement, in the publishing
transaction, with one task queued: the publish request does nothing else).
The task renders the mail once, snapshots the recipients into Delivery rows
(unique per subscriber and statement), then sends them in batches of
SUBSCRIPTIONS_BATCH_SIZE, at most SUBSCRIPTIONS_MAX_PER_SECOND, over one SMTP
connection per batch. After half the task's time limit it queues itself
again and stops, so no run is cut by the limit and other tasks get a turn.

Exactly once, as background.mail does for single mails: a row is claimed
before it is sent and marked sent right after the mail server accepted it.
A worker killed mid-batch leaves its claims; once older than the task
timeout they may be taken again, and the task's re-run (background.worker)
sends what was not marked sent. The one duplicate left is a mail accepted in
the milliseconds before its row was marked; its Message-ID is stable, so
mail programs fold the two.
"""

import logging
import smtplib
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from background.tasks import enqueue
from branding.site import current

from . import audience, mails
from .models import Delivery, Digest, Mailing, Subscriber

logger = logging.getLogger(__name__)

SNAPSHOT_CHUNK = 2000


def _domain():
    return settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"


def list_headers(unsubscribe_url, message_key):
    """The headers of every list mail: RFC 8058 one-click unsubscribe, RFC 2919 List-Id."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{current().name} <statements.{_domain()}>",
        "Message-ID": f"<{message_key}@{_domain()}>",
    }


def build_message(subscriber, subject, text, html, message_key):
    text, html, unsubscribe = mails.personalize(text, html, subscriber)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.SUBSCRIPTIONS_FROM_EMAIL,
        to=[subscriber.email],
        headers=list_headers(unsubscribe, message_key),
    )
    message.attach_alternative(html, "text/html")
    return message


# -- statements --------------------------------------------------------------------------


def start_statement(statement, now=None):
    """A statement went live: queue its mail once, if it is to be mailed. The Mailing or None."""
    if not audience.is_mailed(statement, now):
        return None
    try:
        with transaction.atomic():
            mailing, created = Mailing.objects.get_or_create(statement=statement)
    except IntegrityError:  # another process started it at the same moment
        return None
    if created:
        from background.tasks import send_statement_mail

        enqueue(send_statement_mail, mailing.pk)
    return mailing


def send_statement(mailing_id):
    """The task's work: render, snapshot, send a time budget's worth; True when all is sent."""
    mailing = Mailing.objects.select_related("statement__featured_image").get(pk=mailing_id)
    if mailing.finished_at:
        return True
    if mailing.snapshot_at is None:
        if not mailing.text:
            mailing.subject, mailing.text, mailing.html = mails.statement_mail(mailing.statement)
            mailing.save(update_fields=["subject", "text", "html"])
        _snapshot(
            audience.for_statement(mailing.statement),
            lambda pk: Delivery(subscriber_id=pk, statement_id=mailing.statement_id),
        )
        mailing.snapshot_at = timezone.now()
        mailing.save(update_fields=["snapshot_at"])
    done = send_queued(
        Delivery.objects.filter(statement_id=mailing.statement_id),
        lambda delivery: (mailing.subject, mailing.text, mailing.html),
    )
    if done:
        Mailing.objects.filter(pk=mailing.pk).update(finished_at=timezone.now())
    else:
        from background.tasks import send_statement_mail

        enqueue(send_statement_mail, mailing.pk)
    return done


def _snapshot(subscribers, make_row):
    """Write a Delivery row for each subscriber, in chunks; rows there already are kept."""
    chunk = []
    for pk in subscribers.values_list("pk", flat=True).order_by("pk").iterator(SNAPSHOT_CHUNK):
        chunk.append(make_row(pk))
        if len(chunk) >= SNAPSHOT_CHUNK:
            Delivery.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        Delivery.objects.bulk_create(chunk, ignore_conflicts=True)


# -- sending -----------------------------------------------------------------------------


def _claim(deliveries, size):
    """Claim up to `size` queued rows no live worker holds; return them with their subscribers."""
    now = timezone.now()
    free = Q(claimed_at=None) | Q(
        claimed_at__lt=now - timedelta(seconds=settings.TASK_TIMEOUT_SECONDS)
    )
    queued = deliveries.filter(state=Delivery.State.QUEUED).filter(free)
    candidates = list(queued.order_by("pk").values_list("pk", flat=True)[:size])
    if not candidates:
        return []
    claim = uuid.uuid4().hex
    # The condition again: a row another worker claimed meanwhile is not taken.
    queued.filter(pk__in=candidates).update(claim=claim, claimed_at=now)
    return list(
        Delivery.objects.filter(claim=claim, state=Delivery.State.QUEUED)
        .select_related("subscriber")
        .order_by("pk")
    )


def _mark(delivery, state, error=""):
    Delivery.objects.filter(pk=delivery.pk).update(
        state=state,
        error=error[:500],
        sent_at=timezone.now() if state == Delivery.State.SENT else None,
        claim="",
    )


def send_queued(deliveries, content_for, *, budget_seconds=None):
    """Send the queued rows of `deliveries` in throttled batches; True when none is left.

    `content_for(delivery)` gives (subject, text, html) with the link markers.
    A mail server that fails (not one refused address) releases the batch's
    unsent rows and raises: the task is retried later and resumes there.
    """
    if budget_seconds is None:
        budget_seconds = settings.TASK_TIMEOUT_SECONDS / 2
    deadline = time.monotonic() + budget_seconds
    rate = settings.SUBSCRIPTIONS_MAX_PER_SECOND
    connection = get_connection()
    while True:
        batch = _claim(deliveries, settings.SUBSCRIPTIONS_BATCH_SIZE)
        if not batch:
            # Rows a live worker still holds are that worker's to finish.
            return not deliveries.filter(state=Delivery.State.QUEUED).exists()
        started = time.monotonic()
        try:
            with connection:
                for delivery in batch:
                    _send_one(connection, delivery, content_for)
        except Exception:
            Delivery.objects.filter(claim=batch[0].claim, state=Delivery.State.QUEUED).update(
                claim="", claimed_at=None
            )
            raise
        if rate:
            pause = len(batch) / rate - (time.monotonic() - started)
            if pause > 0:
                time.sleep(pause)
        if time.monotonic() >= deadline:
            return not deliveries.filter(state=Delivery.State.QUEUED).exists()


def _send_one(connection, delivery, content_for):
    subscriber = delivery.subscriber
    if subscriber is None or subscriber.state != Subscriber.State.CONFIRMED:
        _mark(delivery, Delivery.State.SKIPPED)
        return
    subject, text, html = content_for(delivery)
    message = build_message(
        subscriber, subject, text, html, f"subscriptions.delivery.{delivery.pk}"
    )
    message.connection = connection
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as exc:
        _mark(delivery, Delivery.State.FAILED, f"Refused by the mail server: {exc.recipients}")
        return
    _mark(delivery, Delivery.State.SENT)


# -- digests -----------------------------------------------------------------------------


def start_digest(frequency, period_end):
    """Queue the digest of the period ending at `period_end`, once. The Digest or None."""
    try:
        with transaction.atomic():
            digest, created = Digest.objects.get_or_create(
                frequency=frequency, period_end=period_end
            )
    except IntegrityError:
        return None
    if created:
        from background.tasks import send_digest_mail

        enqueue(send_digest_mail, digest.pk)
    return digest


def send_digest(digest_id):
    digest = Digest.objects.get(pk=digest_id)
    if digest.finished_at:
        return True
    if digest.snapshot_at is None:
        _snapshot_digest(digest)
        digest.snapshot_at = timezone.now()
        digest.save(update_fields=["snapshot_at"])
    items = {}

    def content_for(delivery):
        from statements.models import Statement

        missing = [pk for pk in delivery.statement_ids if pk not in items]
        if missing:
            for statement in Statement.objects.filter(pk__in=missing).select_related(
                "featured_image"
            ):
                items[statement.pk] = mails.statement_item(statement)
        listed = [items[pk] for pk in delivery.statement_ids if pk in items]
        return mails.digest_mail(digest.frequency, listed)

    done = send_queued(Delivery.objects.filter(digest=digest), content_for)
    if done:
        Digest.objects.filter(pk=digest.pk).update(finished_at=timezone.now())
    else:
        from background.tasks import send_digest_mail

        enqueue(send_digest_mail, digest.pk)
    return done


def _snapshot_digest(digest):
    """Each subscriber's statements since their last digest, fixed in their Delivery row.

    A subscriber with nothing new gets no row (no empty digest); either way
    their digest_until moves to the period's end, in the same transaction as
    the row, so nothing is listed twice or missed.
    """
    subscribers = audience.digest_subscribers(digest.frequency, digest.period_end).filter(
        Q(digest_until=None) | Q(digest_until__lt=digest.period_end)
    )
    for subscriber in subscribers.iterator(SNAPSHOT_CHUNK):
        ids = list(
            audience.digest_statements(subscriber, digest.period_end).values_list("pk", flat=True)
        )
        with transaction.atomic():
            if ids:
                Delivery.objects.get_or_create(
                    subscriber=subscriber, digest=digest, defaults={"statement_ids": ids}
                )
            Subscriber.objects.filter(pk=subscriber.pk).update(digest_until=digest.period_end)


# -- tests by staff ----------------------------------------------------------------------


def send_test(statement_id, email):
    """A statement's mail as subscribers get it, to one staff address (no Delivery kept).

    The links that are a subscriber's own point to the subscribe page: the
    staff member is no subscriber, and a test must not unsubscribe anyone.
    """
    from statements.models import Statement

    statement = Statement.objects.select_related("featured_image").get(pk=statement_id)
    subject, text, html = mails.statement_mail(statement)
    subscribe = mails.absolute(reverse("subscriptions:subscribe"))
    for marker in (mails.UNSUBSCRIBE_MARKER, mails.PREFERENCES_MARKER):
        text, html = text.replace(marker, subscribe), html.replace(marker, subscribe)
    message = EmailMultiAlternatives(
        subject=f"[Test] {subject}",
        body=text,
        from_email=settings.SUBSCRIPTIONS_FROM_EMAIL,
        to=[email],
        headers=list_headers(subscribe, f"subscriptions.test.{uuid.uuid4().hex}"),
    )
    message.attach_alternative(html, "text/html")
    message.send()
