"""The only writer of comment state after a comment is posted.

Approving, marking as spam, removing, restoring, deleting and erasing a
commenter all go through here — from the admin's actions, its change and
delete pages, Django's "Delete selected" action and the management commands —
so the statement's stored count and its cached pages always follow.
"""

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from statements.models import Statement
from statements.pages import statements_changed
from subscriptions import replies as reply_notifications

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
    # Replies becoming public are mailed to those who asked (never before approval).
    replies = (
        list(changing.filter(parent__isnull=False).values_list("pk", flat=True))
        if status == Comment.Status.APPROVED
        else []
    )
    changed = changing.update(status=status, moderated_at=timezone.now(), moderated_by=moderator)
    if changed:
        refresh_comment_counts(statement_ids)
    if replies:
        reply_notifications.replies_approved(replies)
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


# The moderators' actions, by name: what each does, and what the admin log says of it.
# The admin's bulk actions, a comment's change page and the moderation mail's
# links all call act(), so each is logged the same way, whoever did it from where.
ACTIONS = {
    "approve": (approve, Comment.Status.APPROVED, "Approved"),
    "mark_spam": (mark_spam, Comment.Status.SPAM, "Marked as spam"),
    "remove": (remove, Comment.Status.REMOVED, "Removed"),
    "restore": (restore, Comment.Status.PENDING, "Restored to the queue"),
}


@transaction.atomic
def act(action, comments, moderator, *, via=""):
    """Apply the moderator's `action` (a key of ACTIONS) to `comments`; return how many changed.

    Each changed comment gets an entry in Django's admin log, with the
    moderator as its user, as an admin action would; `via` says where it was
    done when that was not the admin (e.g. "from the moderation mail").
    """
    change, status, message = ACTIONS[action]
    if action == "restore":  # only removed comments go back to the queue
        comments = comments.removed()
    changing = list(
        comments.exclude(status=status).select_related(None).only("pk", "name", "body")
    )
    count = change(Comment.objects.filter(pk__in=[c.pk for c in changing]), moderator)
    if count and moderator is not None:
        log(moderator, changing, CHANGE, f"{message} {via}".strip())
    return count


def log(moderator, comments, flag, message):
    """Record in the admin log that `moderator` did `message` to each of `comments`."""
    LogEntry.objects.log_actions(
        user_id=moderator.pk,
        queryset=comments,
        action_flag=flag,
        change_message=message,
        single_object=len(comments) == 1,
    )


def log_addition(moderator, comment, message):
    log(moderator, [comment], ADDITION, message)


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


def add_imported(statement_id, comments, *, known_parents=None, refresh=True):
    """Store comments brought from another system, each in the state it had there.

    `comments` is a list of unsaved Comment instances (status and created_at
    set) with `import_key` and `import_parent_key` attributes; a parent key
    resolves to a comment of the same list, whatever its position in it, or
    to an already stored one in `known_parents` ({key: pk}). An unresolved
    parent makes the reply top-level. Return {key: pk} of the stored ones.
    refresh=False leaves the statement's count and pages to one
    refresh_comment_counts() call when a batch of statements is done.
    """
    stored = add_imported_many([(statement_id, comments, known_parents or {})], refresh=refresh)
    return {key: pk for (_, key), pk in stored.items()}


@transaction.atomic
def add_imported_many(groups, *, refresh=True):
    """add_imported for several statements at once: [(statement id, comments, known_parents)].

    Return {(statement id, key): pk}. Parents are inserted before their
    replies, one level of every thread per INSERT, so a large import costs
    a few INSERTs per batch of statements rather than one per comment, and
    no UPDATE afterwards. A parent key resolves within its own statement only.
    """
    stored, waiting, keys = {}, [], set()
    for statement_id, comments, known_parents in groups:
        stored.update({(statement_id, key): pk for key, pk in known_parents.items()})
        keys.update((statement_id, comment.import_key) for comment in comments)
    for statement_id, comments, _ in groups:
        for comment in comments:
            comment.statement_id = statement_id
            comment.fingerprint = Comment.make_fingerprint(
                statement_id, comment.email, comment.body
            )
            comment.body_html = comment_text(comment.body)
            key = (statement_id, comment.import_key)
            parent = (statement_id, comment.import_parent_key)
            if comment.import_parent_key is None or (parent not in keys and parent not in stored):
                parent = None
            waiting.append((key, parent, comment))
    made = {}
    while waiting:
        level = [entry for entry in waiting if entry[1] is None or entry[1] in stored]
        if not level:  # a cycle of replies: the rest become top-level
            level = [(key, None, comment) for key, _, comment in waiting]
        for _, parent, comment in level:
            comment.parent_id = stored.get(parent)
        Comment.objects.bulk_create([comment for _, _, comment in level], batch_size=500)
        placed = set()
        for key, _, comment in level:
            stored[key] = made[key] = comment.pk
            placed.add(key)
        waiting = [entry for entry in waiting if entry[0] not in placed]
    if refresh and groups:
        refresh_comment_counts([statement_id for statement_id, _, _ in groups])
    return made
