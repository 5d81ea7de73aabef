"""Mail sent exactly once by background tasks, recorded in OutgoingMail.

queue() writes the mail beside the data it announces (one transaction), and
deliver() sends it unless it was sent already. A worker killed after the mail
server accepted a mail and before `sent_at` was written would send it again
on the re-run: that window, a few milliseconds, is the one duplicate left, and
the stable Message-ID lets mail programs fold the two together.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import OutgoingMail

logger = logging.getLogger(__name__)


def queue(key, *, subject, body, recipients, about=None):
    mail, _created = OutgoingMail.objects.get_or_create(
        key=key,
        defaults={
            "subject": subject,
            "body": body,
            "recipients": list(recipients),
            "about": about or {},
        },
    )
    return mail


def message_id(mail):
    domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"<{mail.key.replace(':', '.')}@{domain or 'localhost'}>"


def deliver(mail_id):
    """Send the mail unless it was sent (or another worker is sending it); True if sent now."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.TASK_TIMEOUT_SECONDS)
    claimed = (
        OutgoingMail.objects.filter(pk=mail_id, sent_at=None)
        .filter(Q(claimed_at=None) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
    )
    if not claimed:
        return False
    mail = OutgoingMail.objects.get(pk=mail_id)
    message = EmailMessage(
        subject=mail.subject,
        body=mail.body,
        to=mail.recipients,
        headers={"Message-ID": message_id(mail)},
    )
    try:
        message.send()
    except Exception:
        OutgoingMail.objects.filter(pk=mail_id).update(claimed_at=None)
        raise
    OutgoingMail.objects.filter(pk=mail_id).update(sent_at=timezone.now())
    return True


def deliver_digest(outgoing, *, unannounce, raise_errors):
    """Send a digest mail; if the mail server fails, forget it and run `unannounce()`
    (which logs the failure in the caller's words, with the traceback at hand).

    A digest lists what waits (comments, reviews) and marks it announced in the
    transaction that queued it; a mail that could not be sent must not keep
    those marks, or the next digest would leave them out. True if sent.
    """
    try:
        deliver(outgoing.pk)
    except Exception:
        with transaction.atomic():
            unannounce()
            outgoing.delete()
        if raise_errors:
            raise
        return False
    return True


def unsent():
    return OutgoingMail.objects.filter(sent_at=None)
