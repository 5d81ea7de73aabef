"""Telling moderators that comments wait, without ever costing a comment.

The mail goes out after the comment is committed, from a background thread,
and at most once per COMMENTS_NOTIFY_INTERVAL_MINUTES; comments that arrive in
between are listed in the next mail (or by `manage.py send_moderation_digest`
from cron). A failing mail server is logged and the comments are listed again
next time.
"""

import logging
import threading
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connections, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from advocacy import roles

from .models import Comment

logger = logging.getLogger(__name__)


def moderator_emails():
    if settings.COMMENTS_MODERATOR_EMAILS:
        return list(settings.COMMENTS_MODERATOR_EMAILS)
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=roles.MODERATORS)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def send_digest(*, respect_interval=True):
    """Mail the moderators the comments not yet announced; return how many."""
    now = timezone.now()
    if respect_interval:
        last = Comment.objects.aggregate(last=Max("moderators_notified_at"))["last"]
        interval = timedelta(minutes=settings.COMMENTS_NOTIFY_INTERVAL_MINUTES)
        if last and now - last < interval:
            return 0
    waiting = list(
        Comment.objects.pending()
        .filter(moderators_notified_at__isnull=True)
        .select_related("statement")
        .order_by("created_at")
    )
    recipients = moderator_emails()
    if not waiting or not recipients:
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
        "site_name": settings.SITE_NAME,
    }
    try:
        send_mail(
            subject=f"[{settings.SITE_NAME}] {total_waiting} comment"
            f"{'s' if total_waiting != 1 else ''} awaiting moderation",
            message=render_to_string("comments/email/moderation_digest.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        logger.exception("Could not mail moderators about %d waiting comments", len(ids))
        Comment.objects.filter(pk__in=ids).update(moderators_notified_at=None)
        return 0
    return len(ids)


def _send_in_thread():
    try:
        send_digest()
    except Exception:
        logger.exception("Moderation digest failed")
    finally:
        connections.close_all()  # this thread's own connections


def notify_moderators_after_commit():
    def dispatch():
        if settings.COMMENTS_NOTIFY_IN_BACKGROUND:
            threading.Thread(target=_send_in_thread, daemon=True).start()
        else:
            try:
                send_digest()
            except Exception:
                logger.exception("Moderation digest failed")

    transaction.on_commit(dispatch)
