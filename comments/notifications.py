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

from .models import Comment

logger = logging.getLogger(__name__)
DIGEST_KEY = "moderation-digest:"


def moderator_emails():
    if settings.COMMENTS_MODERATOR_EMAILS:
        return list(settings.COMMENTS_MODERATOR_EMAILS)
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=roles.MODERATORS)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def send_digest(*, respect_interval=True, raise_errors=False):
    """Mail the moderators the comments not yet announced; return how many.

    The comments are marked as announced in the transaction that records the
    mail (background.mail), and the mail is sent once: a run killed after the
    commit leaves the mail for the next run to send, never a second copy.
    """
    for stranded in background_mail.unsent().filter(key__startswith=DIGEST_KEY):
        _deliver(stranded, raise_errors)
    now = timezone.now()
    if respect_interval:
        last = Comment.objects.aggregate(last=Max("moderators_notified_at"))["last"]
        interval = timedelta(minutes=settings.COMMENTS_NOTIFY_INTERVAL_MINUTES)
        if last and now - last < interval:
            return 0
    recipients = moderator_emails()
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
        context = {
            "comments": waiting,
            "total_waiting": total_waiting,
            "moderation_url": settings.SITE_URL
            + reverse("admin:comments_comment_changelist")
            + "?status__exact=pending",
            "site_name": current().name,
        }
        outgoing = background_mail.queue(
            f"{DIGEST_KEY}{uuid4().hex}",
            subject=f"[{current().name}] "
            + ngettext(
                "%(count)d comment awaiting moderation",
                "%(count)d comments awaiting moderation",
                total_waiting,
            )
            % {"count": total_waiting},
            body=render_to_string("comments/email/moderation_digest.txt", context),
            recipients=recipients,
            about={"comments": ids},
        )
    return len(ids) if _deliver(outgoing, raise_errors) else 0


def _deliver(outgoing, raise_errors):
    ids = outgoing.about.get("comments", [])

    def unannounce():
        logger.exception("Could not mail moderators about %d waiting comments", len(ids))
        Comment.objects.filter(pk__in=ids).update(moderators_notified_at=None)

    return background_mail.deliver_digest(
        outgoing, unannounce=unannounce, raise_errors=raise_errors
    )


def notify_moderators_after_commit():
    """Queue the moderators' mail with the comment (background.tasks)."""
    from background import tasks

    tasks.enqueue(tasks.send_moderation_digest)
