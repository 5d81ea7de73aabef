"""The signed links of subscribers' mail: what each proves, and for how long.

- confirm: TimestampSigner, expiring after SUBSCRIPTIONS_CONFIRM_DAYS; proves
  that whoever follows it reads the address's mail.
- manage (unsubscribe and preferences): Signer, no expiry, so the link in a
  mail of two years ago still unsubscribes. It names the subscriber and a
  hash of the address, so it stops working when the subscriber is erased
  (even should a new row get the same id).
"""

from django.conf import settings
from django.core import signing

from .addresses import address_hash

CONFIRM_SALT = "subscriptions.confirm"
MANAGE_SALT = "subscriptions.manage"


def _value(subscriber):
    return f"{subscriber.pk}.{address_hash(subscriber.email)[:16]}"


def _subscriber_for(value):
    from .models import Subscriber

    pk, _sep, check = value.partition(".")
    if not pk.isdigit():
        return None
    subscriber = Subscriber.objects.filter(pk=int(pk)).first()
    if subscriber is None or address_hash(subscriber.email)[:16] != check:
        return None
    return subscriber


def confirm_token(subscriber):
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign(_value(subscriber))


def subscriber_to_confirm(token):
    """The subscriber a confirmation link names, or None (bad signature, expired, erased)."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign(
            token, max_age=settings.SUBSCRIPTIONS_CONFIRM_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return None
    return _subscriber_for(value)


def manage_token(subscriber):
    return signing.Signer(salt=MANAGE_SALT).sign(_value(subscriber))


def subscriber_to_manage(token):
    try:
        value = signing.Signer(salt=MANAGE_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return _subscriber_for(value)
