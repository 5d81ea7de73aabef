"""A statement's comment thread as the page prints it (templates/comments/_thread.html).

A statement that goes viral gathers hundreds of comments and every uncached
view prints all of them, so the work per comment is kept here, once, in plain
Python: nesting, what each comment shows (link, state, Reply), its date text.
The markup is the template's. tests/comments/test_display.py holds the page
to that.
"""

import functools
from urllib.parse import urlsplit

from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from branding.site import current

from .models import Comment
from .text import comment_text


def is_web_address(value):
    """Only http(s) addresses become links; anything else stored (an import, the shell) is text."""
    value = value or ""
    return value.lower().startswith(("http://", "https://")) and bool(urlsplit(value).netloc)


@functools.lru_cache(maxsize=64)
def _thread_words(language):
    # Django's date formatting costs about 30 µs a call and each translation
    # look-up a few µs: done once per language, not once per comment.
    return {
        # Translators: a comment's date, e.g. "March 5, 2026 at 09:07".
        "date": gettext("{month} {day}, {year} at {hour}:{minute}"),
        "months": {number: str(name) for number, name in MONTHS.items()},
        # Translators: what a screen reader says for a comment's Reply link.
        "reply_to": gettext("Reply to %(name)s"),
        # Translators: the mark beside the organization's name on a reply its staff wrote.
        "staff": gettext("Staff"),
    }


def comment_date_text(value, words=None):
    """e.g. "March 5, 2026 at 09:07", in the active language; `value` in local time."""
    words = words or _thread_words(translation.get_language())
    return words["date"].format(
        month=words["months"][value.month],
        day=value.day,
        year=f"{value.year:04d}",
        hour=f"{value.hour:02d}",
        minute=f"{value.minute:02d}",
    )


def build_thread(comments):
    """Nest comments under their parents; orphans (parent hidden) become top level.

    Sets `children` and `depth` (1 for top level) on each comment.
    """
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.children = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.children if parent else roots).append(comment)
    # Iteratively, so no chain of replies (e.g. imported) is too deep to show.
    stack = [(root, 1) for root in reversed(roots)]
    while stack:
        comment, depth = stack.pop()
        comment.depth = depth
        stack.extend((child, depth + 1) for child in reversed(comment.children))
    return roots


def thread_steps(roots, *, comments_open, max_depth):
    """The thread as the flat sequence the template prints, however deep it goes.

    Each step is (comment, False): a comment to open, with what it shows set
    on it (`author_url`, `is_pending`, `can_reply`, `created_iso`,
    `date_text`, `reply_label`, `body_markup`, `staff_mark`; all text,
    escaped by the template); or (None, had_replies): the close of the last
    one opened, and of its list of replies if it had one. Flat, so a chain of replies
    thousands deep prints without recursion.
    """
    local_time = timezone.get_current_timezone()
    words = _thread_words(translation.get_language())
    steps = []
    stack = [(root, None) for root in reversed(roots)]
    while stack:
        comment, had_replies = stack.pop()
        if comment is None:
            steps.append((None, had_replies))
            continue
        approved = comment.status == Comment.Status.APPROVED
        created = comment.created_at.astimezone(local_time)
        if getattr(comment, "by_staff", False):
            # A staff reply speaks for the organization, under its present name.
            comment.name = current().name
            comment.author_url = ""
            comment.staff_mark = words["staff"]
        else:
            comment.author_url = comment.website if is_web_address(comment.website) else ""
            comment.staff_mark = ""
        comment.is_pending = not approved
        comment.can_reply = comments_open and approved and comment.depth < max_depth
        comment.created_iso = created.isoformat()
        comment.date_text = comment_date_text(created, words)
        comment.reply_label = words["reply_to"] % {"name": comment.name}
        # Escaped and linked by comments.text when saved; rows stored in bulk
        # (imports, the scale data) may lack it.
        comment.body_markup = (
            mark_safe(comment.body_html) if comment.body_html else comment_text(comment.body)
        )
        steps.append((comment, False))
        children = comment.children
        stack.append((None, bool(children)))
        stack.extend((child, None) for child in reversed(children))
    return steps
