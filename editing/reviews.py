"""Review before publishing: contributors submit, editors publish or return.

Who may publish is advocacy.roles' decision (roles.PUBLISH); this module holds
what a review is and what each step does. Contributors (no PUBLISH) write and
save drafts of their own and submit them; an Editor approves and publishes
(an ordinary save of the statement form, so the page cache and revisions work
as for any edit) or returns it with a note the author reads in the admin.
Editors are mailed when statements wait, at most once per
REVIEWS_NOTIFY_INTERVAL_MINUTES; `manage.py send_review_digest` (cron) sends
what an interval held back.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from advocacy import roles

from .models import Review

logger = logging.getLogger(__name__)


def may_publish(user):
    return user.has_perm(roles.PUBLISH)


def may_edit(user, statement):
    """Whether `user` may change `statement` at all (their model permission aside)."""
    if statement is None or may_publish(user):
        return True
    # Contributors: their own statements, while visitors cannot see them.
    return statement.author_id == user.pk and statement.status == statement.Status.DRAFT


def waiting(statement):
    if statement is None or statement.pk is None:
        return None
    return (
        Review.objects.filter(statement=statement, state=Review.State.WAITING)
        .select_related("submitted_by")
        .first()
    )


def last_returned(statement):
    if statement is None or statement.pk is None:
        return None
    return (
        Review.objects.filter(statement=statement, state=Review.State.RETURNED)
        .select_related("decided_by")
        .first()
    )


def submit(statement, user):
    """A review waiting for this statement (the one already waiting, if any)."""
    try:
        with transaction.atomic():
            review = Review.objects.create(statement=statement, submitted_by=user)
    except IntegrityError:  # already waiting (a double click, or a second submit)
        return waiting(statement)
    transaction.on_commit(notify_editors)
    return review


def decide(review, user, state, note=""):
    """Close a waiting review; False if another editor decided it first."""
    return bool(
        Review.objects.filter(pk=review.pk, state=Review.State.WAITING).update(
            state=state, decided_by=user, decided_at=timezone.now(), note=note
        )
    )


def editor_emails():
    users = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__name=roles.EDITORS)
        .exclude(email="")
    )
    return sorted(set(users.values_list("email", flat=True)))


def notify_editors(*, respect_interval=True):
    """Mail the Editors the reviews not yet announced; return how many."""
    now = timezone.now()
    if respect_interval:
        last = Review.objects.aggregate(last=Max("editors_notified_at"))["last"]
        interval = timedelta(minutes=settings.REVIEWS_NOTIFY_INTERVAL_MINUTES)
        if last and now - last < interval:
            return 0
    unannounced = Review.objects.filter(
        state=Review.State.WAITING, editors_notified_at__isnull=True
    )
    reviews = list(unannounced.select_related("statement", "submitted_by").order_by("pk"))
    recipients = editor_emails()
    if not reviews or not recipients:
        return 0
    # Claimed first, so two processes never announce the same reviews.
    if not unannounced.filter(pk__in=[r.pk for r in reviews]).update(editors_notified_at=now):
        return 0
    total = Review.objects.filter(state=Review.State.WAITING).count()
    context = {
        "reviews": reviews,
        "total": total,
        "list_url": settings.SITE_URL + reverse("admin:editing_review_changelist"),
        "site_url": settings.SITE_URL,
        "site_name": settings.SITE_NAME,
    }
    try:
        send_mail(
            subject=f"[{settings.SITE_NAME}] {total} statement"
            f"{'s' if total != 1 else ''} waiting for review",
            message=render_to_string("editing/email/review_digest.txt", context),
            from_email=None,
            recipient_list=recipients,
        )
    except OSError:
        logger.exception("The review mail could not be sent; it will be tried again.")
        Review.objects.filter(pk__in=[r.pk for r in reviews]).update(editors_notified_at=None)
        return 0
    return len(reviews)
