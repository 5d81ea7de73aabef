"""Bounces and complaints reported by the mail provider (django-anymail's tracking webhooks).

The one rule of what a provider's report does:
- a hard bounce, a complaint ("this is spam"), or the provider refusing the
  address (it is on its own suppression list) → the address is suppressed:
  never mailed again, whatever is posted later (subscribing.suppress), and its
  reply notifications stop;
- the provider's own unsubscribe → unsubscribed, as with our link;
- soft bounces, deliveries, opens and clicks → nothing (we do not track reading).

Anymail normalizes each provider's format; a few providers report soft bounces as
"bounced" too, so those are told apart by the provider's own field (SOFT_BOUNCES).
"""

import logging

from anymail.signals import EventType, tracking
from django.dispatch import receiver

from . import replies, subscribing
from .addresses import normalize
from .models import Subscriber

logger = logging.getLogger(__name__)

SUPPRESSING = {EventType.BOUNCED, EventType.COMPLAINED, EventType.REJECTED}


def _soft_bounce(event):
    raw = event.esp_event if isinstance(event.esp_event, dict) else {}
    return (
        raw.get("Type") in ("SoftBounce", "Transient", "DnsError")  # Postmark
        or raw.get("severity") == "temporary"  # Mailgun
        or (raw.get("bounce") or {}).get("bounceType") == "Transient"  # Amazon SES
        or raw.get("event") == "soft_bounce"  # Brevo
    )


def apply(event, provider):
    """What one tracking event does to its recipient; returns the outcome's name."""
    email = normalize(event.recipient or "")
    if not email:
        return "ignored"
    if event.event_type in SUPPRESSING and not (
        event.event_type == EventType.BOUNCED and _soft_bounce(event)
    ):
        reason = f"{provider}: {event.event_type}"
        if event.reject_reason:
            reason += f" ({event.reject_reason})"
        for subscriber in Subscriber.objects.filter(email=email):
            subscribing.suppress(subscriber, reason)
        replies.stop_address(email)  # also for an address that only follows replies
        return "suppressed"
    if event.event_type == EventType.UNSUBSCRIBED:
        for subscriber in Subscriber.objects.filter(email=email):
            subscribing.unsubscribe(subscriber, Subscriber.Method.PROVIDER)
        replies.stop_address(email)  # also for an address that only follows replies
        return "unsubscribed"
    return "ignored"


@receiver(tracking, dispatch_uid="subscriptions.bounces")
def on_tracking_event(sender, event, esp_name, **kwargs):
    outcome = apply(event, esp_name)
    if outcome != "ignored":
        logger.info("%s reported %s for a recipient: %s", esp_name, event.event_type, outcome)
