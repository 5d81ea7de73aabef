"""Review before publishing: contributors submit, editors publish or return.

Who may publish is advocacy.roles' decision (roles.PUBLISH); this module holds
what a review is and what each step does. Contributors (no PUBLISH) write and
save drafts of their own and submit them; an Editor approves and publishes
(an ordinary save of the statement form, so the page cache and revisions work
as for any edit) or returns it with a note the author reads in the admin.
Editors are mailed when statements wait, at most once per
REVIEWS_NOTIFY_INTERVAL_MINUTES, from a background task queued with the review
(background.tasks) and recorded in background.mail so it is sent once;
`manage.py send_review_digest` sends what an interval held back.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from advocacy import roles
from background import mail as background_mail
from branding.site import current

from .models import Review

logger = logging.getLogger(__name__)
DIGEST_KEY = "review-digest:"


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
    from background import tasks

    tasks.enqueue(tasks.send_review_digest)
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


def notify_editors(*, respect_interval=True, raise_errors=False):
    """Mail the Editors the reviews not yet announced; return how many.

    The reviews are marked as announced in the transaction that records the
    mail, which is then sent once (background.mail): a worker killed in between
    leaves the mail for the next run, never a second copy.
    """
    for stranded in background_mail.unsent().filter(key__startswith=DIGEST_KEY):
        _deliver(stranded, raise_errors)
    now = timezone.now()
    if respect_interval:
        last = Review.objects.aggregate(last=Max("editors_notified_at"))["last"]
        interval = timedelta(minutes=settings.REVIEWS_NOTIFY_INTERVAL_MINUTES)
        if last and now - last < interval:
            return 0
    recipients = editor_emails()
    if not recipients:
        return 0
    with transaction.atomic():
        unannounced = Review.objects.filter(
            state=Review.State.WAITING, editors_notified_at__isnull=True
        )
        reviews = list(unannounced.select_related("statement", "submitted_by").order_by("pk"))
        if not reviews:
            return 0
        ids = [r.pk for r in reviews]
        # Claimed first, so two workers never announce the same reviews.
        if not unannounced.filter(pk__in=ids).update(editors_notified_at=now):
            return 0
        total = Review.objects.filter(state=Review.State.WAITING).count()
        context = {
            "reviews": reviews,
            "total": total,
            "list_url": settings.SITE_URL + reverse("admin:editing_review_changelist"),
            "site_url": settings.SITE_URL,
            "site_name": current().name,
        }
        subject = ngettext(
            "%(count)d statement waiting for review",
            "%(count)d statements waiting for review",
            total,
        ) % {"count": total}
        outgoing = background_mail.queue(
            f"{DIGEST_KEY}{ids[0]}-{ids[-1]}:{now.timestamp():.6f}",
            subject=f"[{current().name}] {subject}",
            body=render_to_string("editing/email/review_digest.txt", context),
            recipients=recipients,
            about={"reviews": ids},
        )
    return len(ids) if _deliver(outgoing, raise_errors) else 0


def _deliver(outgoing, raise_errors):
    ids = outgoing.about.get("reviews", [])

    def unannounce():
        logger.exception("Could not mail the Editors about %d reviews", len(ids))
        Review.objects.filter(pk__in=ids).update(editors_notified_at=None)

    return background_mail.deliver_digest(
        outgoing, unannounce=unannounce, raise_errors=raise_errors
    )
