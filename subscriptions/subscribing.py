"""What becomes of a subscriber: the only writer of a subscriber's state.

subscribe() (the form), confirm() (the button behind the mailed link),
change() (the preferences page), unsubscribe() (one click, the link, the
preferences page, staff) and suppress() (bounces, complaints, staff). The
views, the admin and the commands call these; none writes `state` itself.

Whatever is posted, an address gets at most one confirmation mail per
SUBSCRIPTIONS_CONFIRM_INTERVAL_MINUTES, and the visitor is told the same
thing whether the address was new, pending, subscribed or suppressed: the
form must not tell anyone who subscribes, nor mail-bomb a third party.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from background import mail as outgoing
from background.tasks import deliver_mail, enqueue

from . import mails, replies
from .addresses import normalize
from .models import Delivery, Subscriber

# Change the version whenever the wording below changes: each subscriber keeps
# the version and the very text they agreed to.
CONSENT_VERSION = "2026-12-03"


def consent_text():
    return gettext(
        "Send me new statements by email, as I chose above. I can change what I get "
        "or unsubscribe at any time with the link in every mail."
    )


def subscribe(email, *, scope, topics=(), organizations=(), frequency, source_url=""):
    """Record a subscription request and mail its confirmation (at most hourly).

    Returns nothing on purpose: the caller says the same thing in every case.
    """
    email = normalize(email)
    now = timezone.now()
    with transaction.atomic():
        try:
            with transaction.atomic():
                Subscriber.objects.get_or_create(email=email)
        except IntegrityError:  # another request created it meanwhile
            pass
        subscriber = Subscriber.objects.select_for_update().get(email=email)
        if subscriber.state == Subscriber.State.SUPPRESSED:
            return
        if subscriber.state != Subscriber.State.CONFIRMED:
            # A confirmed subscriber's choices change only from their own
            # preferences link: anyone may type their address here.
            subscriber.state = Subscriber.State.PENDING
            subscriber.scope = scope
            subscriber.frequency = frequency
            subscriber.consented_at = now
            subscriber.consent_text = consent_text()
            subscriber.consent_version = CONSENT_VERSION
            subscriber.source_url = source_url[:500]
            subscriber.save()
            subscriber.topics.set(topics if scope == Subscriber.Scope.CHOSEN else [])
            subscriber.organizations.set(organizations if scope == Subscriber.Scope.CHOSEN else [])
        if not _may_send_confirmation(subscriber, now):
            return
        subscriber.last_confirmation_sent_at = now
        subscriber.save(update_fields=["last_confirmation_sent_at"])
        if subscriber.state == Subscriber.State.CONFIRMED:
            subject, body = mails.already_subscribed(subscriber)
            kind = "already"
        else:
            subject, body = mails.confirmation(subscriber)
            kind = "confirm"
        queued = outgoing.queue(
            f"subscriptions:{kind}:{subscriber.pk}:{now.timestamp():.6f}",
            subject=subject,
            body=body,
            recipients=[subscriber.email],
            about={"subscriber": subscriber.pk},
        )
        enqueue(deliver_mail, queued.pk)


def _may_send_confirmation(subscriber, now):
    last = subscriber.last_confirmation_sent_at
    interval = timedelta(minutes=settings.SUBSCRIPTIONS_CONFIRM_INTERVAL_MINUTES)
    return last is None or now - last >= interval


def confirm(subscriber):
    """The confirmation button: True if the address now receives mail."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.state == Subscriber.State.CONFIRMED:
            return True
        if subscriber.state != Subscriber.State.PENDING:
            # Unsubscribed or suppressed since the mail: an old link does not undo that.
            return False
        now = timezone.now()
        subscriber.state = Subscriber.State.CONFIRMED
        subscriber.confirmed_at = now
        subscriber.digest_until = now
        subscriber.unsubscribed_at = None
        subscriber.unsubscribe_method = ""
        subscriber.save()
    return True


def change(subscriber, *, scope, topics=(), organizations=(), frequency):
    """The preferences page: what and how often (honoured from the next mail on)."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.frequency != frequency:
            # A new digest starts from now, not with what was mailed already.
            subscriber.digest_until = timezone.now()
        subscriber.scope = scope
        subscriber.frequency = frequency
        subscriber.save()
        subscriber.topics.set(topics if scope == Subscriber.Scope.CHOSEN else [])
        subscriber.organizations.set(organizations if scope == Subscriber.Scope.CHOSEN else [])
    return subscriber


def unsubscribe(subscriber, method):
    """Stop every mail to this subscriber now, queued ones included."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        if subscriber.state not in (Subscriber.State.UNSUBSCRIBED, Subscriber.State.SUPPRESSED):
            subscriber.state = Subscriber.State.UNSUBSCRIBED
            subscriber.unsubscribed_at = timezone.now()
            subscriber.unsubscribe_method = method
            subscriber.save()
        _skip_queued(subscriber)
    return subscriber


def suppress(subscriber, reason):
    """Never mail this address again (hard bounce, complaint, staff), whatever is posted."""
    with transaction.atomic():
        subscriber = Subscriber.objects.select_for_update().get(pk=subscriber.pk)
        subscriber.state = Subscriber.State.SUPPRESSED
        subscriber.suppressed_reason = reason[:200]
        subscriber.unsubscribed_at = subscriber.unsubscribed_at or timezone.now()
        subscriber.unsubscribe_method = subscriber.unsubscribe_method or Subscriber.Method.BOUNCE
        subscriber.save()
        _skip_queued(subscriber)
        replies.stop_address(subscriber.email)
    return subscriber


def _skip_queued(subscriber):
    Delivery.objects.filter(subscriber=subscriber, state=Delivery.State.QUEUED).update(
        state=Delivery.State.SKIPPED
    )
