"""A subscriber's data on request: export (GDPR Art. 15, 20) and erasure (Art. 17).

Called by manage.py export_commenter / erase_commenter, which cover everything
stored about an address (comments and subscription). Erasing deletes the
subscriber, keeps their Delivery rows without the address (counts stay
right), drops the confirmation mails kept for sending once and the admin
log's copy of the address, and records the address's keyed hash in
ErasedAddress so that an import cannot bring it back.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from background.models import OutgoingMail

from .addresses import address_hash, normalize
from .models import ErasedAddress, Subscriber


def find(email):
    return Subscriber.objects.filter(email=normalize(email)).first()


def when(value):
    return value.isoformat() if value else None


def export_reply_follows(email):
    """The comments whose replies this address asked to be mailed."""
    from .models import ReplyFollow

    return [
        {
            "comment": f.comment_id,
            "state": f.state,
            "asked_at": when(f.created_at),
            "confirmed_at": when(f.confirmed_at),
            "unsubscribed_at": when(f.unsubscribed_at),
        }
        for f in ReplyFollow.objects.filter(email=normalize(email)).order_by("pk")
    ]


def export(email):
    """Everything stored about this address's subscription, as JSON-ready data (or None)."""
    subscriber = find(email)
    if subscriber is None:
        return None

    return {
        "email": subscriber.email,
        "state": subscriber.state,
        "receives": subscriber.scope,
        "topics": [t.name for t in subscriber.topics.all()],
        "organizations": [o.name for o in subscriber.organizations.all()],
        "frequency": subscriber.frequency,
        "consented_at": when(subscriber.consented_at),
        "consent_text": subscriber.consent_text,
        "consent_version": subscriber.consent_version,
        "subscribed_on_page": subscriber.source_url,
        "confirmed_at": when(subscriber.confirmed_at),
        "unsubscribed_at": when(subscriber.unsubscribed_at),
        "unsubscribed_by": subscriber.unsubscribe_method,
        "suppressed_because": subscriber.suppressed_reason,
        "created_at": when(subscriber.created_at),
        "deliveries": [
            {
                "statement": d.statement.title if d.statement else None,
                "digest": str(d.digest) if d.digest else None,
                "state": d.state,
                "sent_at": when(d.sent_at),
            }
            for d in subscriber.deliveries.select_related("statement", "digest").order_by("pk")
        ],
    }


def erase(email):
    """Erase this address's subscription; True if there was one. The hash is kept either way."""
    subscriber = find(email)
    with transaction.atomic():
        ErasedAddress.objects.get_or_create(address_hash=address_hash(email))
        _erase_reply_follows(email)
        if subscriber is None:
            return False
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Subscriber),
            object_id=str(subscriber.pk),
        ).update(object_repr="(erased subscriber)")
        OutgoingMail.objects.filter(about__subscriber=subscriber.pk).delete()
        subscriber.delete()  # Delivery rows stay, with no subscriber
    return True


def _erase_reply_follows(email):
    from .models import ReplyFollow

    follows = ReplyFollow.objects.filter(email=normalize(email))
    OutgoingMail.objects.filter(
        about__reply_follow__in=list(follows.values_list("pk", flat=True))
    ).delete()
    follows.delete()  # their ReplyNotice rows with them


def is_erased(email):
    return ErasedAddress.objects.filter(address_hash=address_hash(email)).exists()
