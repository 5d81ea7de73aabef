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
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import spam
from .models import Comment
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


def post_comment(statement, form, ip):
    """Judge and, if accepted, store the comment in `form` (bound) on `statement`.

    On a refusal the reason is also added to the form as an error, so the page
    that shows the form again says it.
    """
    if not comments_open(statement):
        form.add_error(None, CLOSED_MESSAGE)
        return Outcome(Result.CLOSED)

    duplicate = find_duplicate(statement, form.data)
    if duplicate:
        return Outcome(Result.ALREADY_POSTED, duplicate)

    try:
        limited = spam.is_rate_limited(ip)
    except spam.RateLimitUnavailable:
        form.add_error(None, UNAVAILABLE_MESSAGE)
        return Outcome(Result.UNAVAILABLE)
    if limited:
        form.add_error(None, RATE_LIMITED_MESSAGE)
        return Outcome(Result.RATE_LIMITED)

    if not form.is_valid():
        # Of two simultaneous posts of one comment, the loser lands here.
        duplicate = find_duplicate(statement, form.data)
        if duplicate:
            return Outcome(Result.ALREADY_POSTED, duplicate)
        return Outcome(Result.INVALID)

    with transaction.atomic():
        comment = form.save(commit=False)
        comment.statement = statement
        comment.ip_address = ip
        comment.status = spam.initial_status(comment)
        comment.save()
        if comment.status == Comment.Status.APPROVED:
            refresh_comment_counts([statement.pk])
        elif comment.status == Comment.Status.PENDING:
            notify_moderators_after_commit()
    spam.record_post(ip)
    return Outcome(Result.POSTED, comment)


def find_duplicate(statement, data):
    email, body = data.get("email", ""), data.get("body", "")
    if not email.strip() or not body.strip():
        return None
    since = timezone.now() - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS)
    return (
        Comment.objects.filter(
            fingerprint=Comment.make_fingerprint(statement.pk, email, body),
            created_at__gte=since,
        )
        .exclude(status=Comment.Status.REMOVED)
        .first()
    )
