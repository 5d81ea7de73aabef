"""The only writer of comment state after a comment is posted.

Approving, marking as spam, removing, restoring, deleting and erasing a
commenter all go through here — from the admin's actions, its change and
delete pages, Django's "Delete selected" action and the management commands —
so the statement's stored count and its cached pages always follow.
"""

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from statements.models import Statement
from statements.pages import statements_changed

from .models import Comment


def refresh_comment_counts(statement_ids):
    recount(Statement.objects.filter(pk__in=statement_ids))
    # The statement pages and every list that shows their counts.
    statements_changed(statement_ids, listing_only=True)


def recount(statements):
    """Store each statement's number of approved comments, in one UPDATE."""
    approved = (
        Comment.objects.approved()
        .filter(statement=OuterRef("pk"))
        .order_by()
        .values("statement")
        .annotate(n=Count("pk"))
        .values("n")
    )
    statements.update(comment_count=Coalesce(Subquery(approved), 0))


@transaction.atomic
def set_status(comments, status, moderator=None):
    """Move `comments` (a queryset) to `status`; return how many changed."""
    changing = comments.exclude(status=status)
    statement_ids = set(changing.values_list("statement_id", flat=True))
    changed = changing.update(status=status, moderated_at=timezone.now(), moderated_by=moderator)
    if changed:
        refresh_comment_counts(statement_ids)
    return changed


def approve(comments, moderator=None):
    return set_status(comments, Comment.Status.APPROVED, moderator)


def mark_spam(comments, moderator=None):
    return set_status(comments, Comment.Status.SPAM, moderator)


def remove(comments, moderator=None):
    return set_status(comments, Comment.Status.REMOVED, moderator)


def restore(comments, moderator=None):
    """Removed comments go back to the queue, to be approved again."""
    return set_status(comments.removed(), Comment.Status.PENDING, moderator)


@transaction.atomic
def delete(comments):
    """Delete `comments` for good; replies by others stay, as top-level comments.

    Return how many were deleted.
    """
    statement_ids = set(comments.values_list("statement_id", flat=True))
    deleted, _ = comments.delete()
    if deleted:
        refresh_comment_counts(statement_ids)
    return deleted


@transaction.atomic
def erase_commenter(email):
    """Delete every comment made with `email` and the admin log's copy of its words.

    The log keeps who moderated what and when, but not the words (its
    object_repr is "name: start of the comment"). Return how many were deleted.
    """
    comments = Comment.objects.by_email(email)
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Comment),
        object_id__in=[str(pk) for pk in comments.values_list("pk", flat=True)],
    ).update(object_repr="(erased comment)")
    return delete(comments)
