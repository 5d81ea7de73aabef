"""What becomes of a posted comment: the order of the checks, in one place.

`post_comment()` takes the statement, the bound form and the poster's address
and returns an `Outcome`; the view only maps the outcome to a response. No
check here raises a server error, and none stores anything unless the post is
accepted.
"""

import enum
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from branding.site import current
from subscriptions import replies as reply_notifications

from . import moderation, spam
from .models import NAME_MAX, Comment
from .moderation import refresh_comment_counts
from .notifications import notify_moderators_after_commit
from .policy import comments_open


class Result(enum.Enum):
    POSTED = "posted"  # stored now: outcome.comment
    ALREADY_POSTED = "already posted"  # the same comment was stored before: outcome.comment
    CLOSED = "closed"
    RATE_LIMITED = "rate limited"
    UNAVAILABLE = "unavailable"  # the rate limit's store cannot be reached
    INVALID = "invalid"  # the form's errors say why


CLOSED_MESSAGE = _("Comments are closed on this statement.")
RATE_LIMITED_MESSAGE = _(
    "You have posted several comments in a short time. Please wait a few minutes, then post "
    "this one again — what you wrote is still here."
)
UNAVAILABLE_MESSAGE = _(
    "We cannot accept comments for a moment. Please try again in a few minutes — what you "
    "wrote is still here."
)


@dataclass(frozen=True)
class Outcome:
    result: Result
    comment: Comment | None = None

    @property
    def stored(self):
        return self.comment is not None


def post_comment(statement, form, ip, own_comment_ids=()):
    """Judge and, if accepted, store the comment in `form` (bound) on `statement`.

    `own_comment_ids`: the comments this browser posted (its session). On a
    refusal the reason is also added to the form as an error, so the page that
    shows the form again says it.

    The order matters. A post is judged whole — the question, the minimum
    time, then the rate limit — before anything is compared with stored
    comments, and a stored duplicate is recognised only for the browser that
    posted it (by its session, its address, or the question it answered):
    otherwise the answer would tell anyone which email address wrote a
    published comment.
    """
    if not comments_open(statement):
        form.add_error(None, CLOSED_MESSAGE)
        return Outcome(Result.CLOSED)
    question_digest = Comment.digest_of_question(str(form.data.get("captcha_0", "")).strip())
    with transaction.atomic():
        # The question is consumed inside this transaction, so the second
        # request of a double click waits here until the first has committed
        # its comment (or rolled back), and then finds it below.
        if form.is_valid():
            return _store_unless_refused(statement, form, ip, own_comment_ids, question_digest)
    if question_digest:
        duplicate = find_duplicate(
            statement,
            str(form.data.get("email", "")),
            str(form.data.get("body", "")),
            Q(question_digest=question_digest),
        )
        if duplicate:
            return Outcome(Result.ALREADY_POSTED, duplicate)
    return Outcome(Result.INVALID)


def _store_unless_refused(statement, form, ip, own_comment_ids, question_digest):
    try:
        has_place = spam.reserve_post(ip)
    except spam.RateLimitUnavailable:
        form.add_error(None, UNAVAILABLE_MESSAGE)
        return Outcome(Result.UNAVAILABLE)
    if not has_place:
        form.add_error(None, RATE_LIMITED_MESSAGE)
        return Outcome(Result.RATE_LIMITED)
    stored = False
    try:
        data = form.cleaned_data
        # This browser's own comments, or those from its address: a visitor
        # whose session was lost (an outage while it was saved) posts again.
        posted_here = Q(pk__in=list(own_comment_ids))
        if ip:
            posted_here |= Q(ip_address=ip)
        duplicate = find_duplicate(statement, data["email"], data["body"], posted_here)
        if duplicate:
            return Outcome(Result.ALREADY_POSTED, duplicate)
        comment = form.save(commit=False)
        comment.statement = statement
        comment.ip_address = ip
        comment.question_digest = question_digest
        comment.status = spam.initial_status(comment)
        comment.save()
        if data.get("notify_replies"):
            reply_notifications.follow(comment)
        if comment.status == Comment.Status.APPROVED:
            refresh_comment_counts([statement.pk])
            if comment.parent_id:
                reply_notifications.replies_approved([comment.pk])
        elif comment.status == Comment.Status.PENDING:
            notify_moderators_after_commit()
        stored = True
        return Outcome(Result.POSTED, comment)
    finally:
        if not stored:
            spam.release_post(ip)


def find_duplicate(statement, email, body, posted_by):
    """The same comment (same address, same words) stored recently, among `posted_by`."""
    if not email.strip() or not body.strip():
        return None
    since = timezone.now() - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS)
    return (
        Comment.objects.filter(
            posted_by,
            fingerprint=Comment.make_fingerprint(statement.pk, email, body),
            created_at__gte=since,
        )
        .exclude(status=Comment.Status.REMOVED)
        .first()
    )


def may_reply_as_staff(parent):
    """Staff answer published and waiting comments (answering one approves it); not spam."""
    return parent.status in (Comment.Status.APPROVED, Comment.Status.PENDING)


@transaction.atomic
def post_staff_reply(parent, body, moderator):
    """A moderator's reply from the admin, published at once; return it.

    It is shown under the organization's name (the site settings' name) with a "Staff" mark
    (comments.thread); its email is the moderator's, never published. A reply
    to a waiting comment approves that comment too, or the reply would be shown
    without what it answers. Both are in the admin log.
    """
    if not may_reply_as_staff(parent):
        raise ValueError("staff reply to a comment that is not shown")
    if parent.status == Comment.Status.PENDING:
        moderation.act(
            "approve", Comment.objects.filter(pk=parent.pk), moderator, via="on replying"
        )
    reply = Comment(
        statement_id=parent.statement_id,
        parent=parent,
        name=current().name[:NAME_MAX],
        email=moderator.email or settings.DEFAULT_FROM_EMAIL,
        body=body,
        status=Comment.Status.APPROVED,
        by_staff=True,
        moderated_at=timezone.now(),
        moderated_by=moderator,
    )
    reply.save()
    refresh_comment_counts([parent.statement_id])
    reply_notifications.replies_approved([reply.pk])
    moderation.log_addition(moderator, reply, "Staff reply")
    return reply
