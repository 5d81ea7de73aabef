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
from .text import comment_text


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


@transaction.atomic
def add_imported(statement_id, comments, *, known_parents=None, refresh=True):
    """Store comments brought from another system, each in the state it had there.

    `comments` is a list of unsaved Comment instances (status and created_at
    set) with `import_key` and `import_parent_key` attributes; a parent key
    resolves to a comment of the same list, whatever its position in it, or
    to an already stored one in `known_parents` ({key: pk}). An unresolved
    parent makes the reply top-level. Return {key: pk} of the stored ones.
    Parents are inserted before their replies, a level of the thread per
    INSERT, so a large import is neither one INSERT per comment nor an UPDATE
    afterwards; refresh=False leaves the statement's count and pages to one
    refresh_comment_counts() call when a batch of statements is done.
    """
    keys = {comment.import_key for comment in comments}
    stored = dict(known_parents or {})
    waiting = []
    for comment in comments:
        comment.statement_id = statement_id
        comment.fingerprint = Comment.make_fingerprint(statement_id, comment.email, comment.body)
        comment.body_html = comment_text(comment.body)
        if comment.import_parent_key not in keys and comment.import_parent_key not in stored:
            comment.import_parent_key = None
        waiting.append(comment)
    made = {}
    while waiting:
        level = [
            c for c in waiting if c.import_parent_key is None or c.import_parent_key in stored
        ]
        if not level:  # a cycle of replies: the rest become top-level
            level = waiting
            for comment in level:
                comment.import_parent_key = None
        for comment in level:
            comment.parent_id = stored.get(comment.import_parent_key)
        Comment.objects.bulk_create(level, batch_size=500)
        for comment in level:
            stored[comment.import_key] = made[comment.import_key] = comment.pk
        placed = {id(c) for c in level}
        waiting = [c for c in waiting if id(c) not in placed]
    if refresh:
        refresh_comment_counts([statement_id])
    return made
