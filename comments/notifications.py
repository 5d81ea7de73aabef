"""Telling moderators that comments wait, without ever costing a comment.

The mail goes out from a background task queued with the comment (it runs
once the comment is committed), at most once per
COMMENTS_NOTIFY_INTERVAL_MINUTES; comments that arrive in between are listed in the next mail (or by `manage.py send_moderation_digest`
from cron). A failing mail server is logged and the comments are listed again
next time.
"""

import logging
from datetime import timedelta
from uuid import uuid4

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from advocacy import roles
from background import mail as background_mail
from branding.site import current

from . import mail_links
from .models import Comment

logger = logging.getLogger(__name__)
DIGEST_KEY = "moderation-digest:"


def moderator_recipients():
    """Who gets the moderation mail: [(address, user)], `user` the account whose links it carries.

    Each moderator gets a mail of their own, since its Approve / Spam links act
    in their name (comments.mail_links). An address of COMMENTS_MODERATOR_EMAILS
    that is not exactly one account allowed to moderate gets the mail with the
    admin's links only (user None).
    """
    users = get_user_model().objects.filter(is_active=True, is_staff=True).exclude(email="")
    if settings.COMMENTS_MODERATOR_EMAILS:
        recipients = []
        for address in dict.fromkeys(settings.COMMENTS_MODERATOR_EMAILS):
            accounts = [
                u for u in users.filter(email__iexact=address) if mail_links.may_moderate(u)
            ]
            recipients.append((address, accounts[0] if len(accounts) == 1 else None))
        return recipients
    by_address = {}
    for user in users.filter(groups__name=roles.MODERATORS).distinct().order_by("email", "pk"):
        by_address.setdefault(user.email.casefold(), []).append(user)
    return [
        (accounts[0].email, accounts[0] if len(accounts) == 1 else None)
        for accounts in by_address.values()
    ]


def moderator_emails():
    return [address for address, _user in moderator_recipients()]


def send_digest(*, respect_interval=True, raise_errors=False):
    """Mail the moderators the comments not yet announced; return how many.

    The comments are marked as announced in the transaction that records the
    mails (background.mail), and each mail is sent once: a run killed after the
    commit leaves the mails for the next run to send, never a second copy.
    """
    for stranded in background_mail.unsent().filter(key__startswith=DIGEST_KEY):
        if not _deliver(stranded, raise_errors):
            return 0
    now = timezone.now()
    if respect_interval:
        last = Comment.objects.aggregate(last=Max("moderators_notified_at"))["last"]
        interval = timedelta(minutes=settings.COMMENTS_NOTIFY_INTERVAL_MINUTES)
        if last and now - last < interval:
            return 0
    recipients = moderator_recipients()
    if not recipients:
        return 0
    with transaction.atomic():
        waiting = list(
            Comment.objects.pending()
            .filter(moderators_notified_at__isnull=True)
            .select_related("statement")
            .order_by("created_at")
        )
        if not waiting:
            return 0
        ids = [c.pk for c in waiting]
        # Claim them first, so two workers never announce the same comments.
        claimed = Comment.objects.filter(pk__in=ids, moderators_notified_at__isnull=True).update(
            moderators_notified_at=now
        )
        if not claimed:
            return 0
        total_waiting = Comment.objects.pending().count()
        subject = f"[{current().name}] " + ngettext(
            "%(count)d comment awaiting moderation",
            "%(count)d comments awaiting moderation",
            total_waiting,
        ) % {"count": total_waiting}
        digest = uuid4().hex
        outgoing = [
            background_mail.queue(
                f"{DIGEST_KEY}{digest}:{n}",
                subject=subject,
                body=_body(waiting, total_waiting, user),
                recipients=[address],
                about={"comments": ids, "digest": digest},
            )
            for n, (address, user) in enumerate(recipients)
        ]
    for mail in outgoing:
        if not _deliver(mail, raise_errors):
            return 0
    return len(ids)


def _body(waiting, total_waiting, user):
    """One moderator's mail: what waits, each with its links (theirs, if `user`)."""
    admin_change = "admin:comments_comment_change"
    entries = []
    for comment in waiting:
        entry = {
            "comment": comment,
            "admin_url": settings.SITE_URL + reverse(admin_change, args=[comment.pk]),
        }
        if user is not None:
            entry["approve_url"] = mail_links.url(mail_links.make(comment, user, "approve"))
            entry["spam_url"] = mail_links.url(mail_links.make(comment, user, "mark_spam"))
        entries.append(entry)
    context = {
        "entries": entries,
        "total_waiting": total_waiting,
        "link_hours": settings.COMMENTS_MODERATION_LINK_HOURS,
        "moderation_url": settings.SITE_URL
        + reverse("admin:comments_comment_changelist")
        + "?status__exact=pending",
        "site_name": current().name,
    }
    return render_to_string("comments/email/moderation_digest.txt", context)


def _deliver(outgoing, raise_errors):
    ids = outgoing.about.get("comments", [])
    digest = outgoing.about.get("digest")

    def unannounce():
        logger.exception("Could not mail moderators about %d waiting comments", len(ids))
        Comment.objects.filter(pk__in=ids).update(moderators_notified_at=None)
        if digest:
            # The next mail lists these comments again, to everyone: drop this one's other copies.
            background_mail.unsent().filter(key__startswith=f"{DIGEST_KEY}{digest}:").delete()

    return background_mail.deliver_digest(
        outgoing, unannounce=unannounce, raise_errors=raise_errors
    )


def notify_moderators_after_commit():
    """Queue the moderators' mail with the comment (background.tasks)."""
    from background import tasks

    tasks.enqueue(tasks.send_moderation_digest)
