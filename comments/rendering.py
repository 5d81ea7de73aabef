"""The comment thread's markup: one place, rendered in Python.

A statement that goes viral gathers hundreds of comments, and every uncached
view of it prints all of them. Through Django's template engine a comment cost
about 100 µs (an `{% include %}` and some twenty nodes each), most of the
page's render time; built here it costs about 15 µs. Every value a visitor
wrote passes through `html.escape` (what Django's `escape` does, without its
lazy-string wrapper) before it is put in the markup; the body was rendered by
`comments.text.comment_text` when the comment was saved.
tests/comments/test_display.py holds the markup to that.
"""

import functools
import html
from urllib.parse import urlsplit

from django.utils import timezone, translation
from django.utils.dates import MONTHS
from django.utils.safestring import mark_safe

from .models import Comment
from .text import comment_text

_PENDING = (
    '\n      <strong class="comment__status">Your comment is awaiting moderation. '
    "Only you can see it.</strong>"
)
_REPLIES_OPEN = '\n  <ol class="comment-list comment-list--replies">\n'
_REPLIES_CLOSE = "\n  </ol>"
_ITEM_CLOSE = "\n</li>\n"
escape = html.escape


@functools.lru_cache(maxsize=256)
def _month_name(language, month):
    # MONTHS holds lazy translations: each use is a catalogue look-up (~7 µs).
    return str(MONTHS[month])


def comment_date_text(value, language):
    r"""What `value|date:"F j, Y \a\t H:i"` shows, e.g. "March 5, 2026 at 09:07".

    `value` is already in local time; `language` is the active one. Spelled
    out because it runs for every comment: Django's date formatting costs
    about 30 µs a call, this about 2.
    """
    month = _month_name(language, value.month)
    return f"{month} {value.day}, {value.year:04d} at {value.hour:02d}:{value.minute:02d}"


def is_web_address(value):
    """Only http(s) addresses become links; anything else stored (an import, the shell) is text."""
    value = value or ""
    return value.lower().startswith(("http://", "https://")) and bool(urlsplit(value).netloc)


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


def render_comment(comment, *, statement_url, can_reply, local_time, language):
    """One comment's `<li>` up to its replies (the caller closes it).

    `local_time` is the current time zone and `language` the active language,
    looked up once for the thread (each look-up costs as much as the markup).
    """
    ref = str(comment.pk)  # never localized (no thousand separators in ids)
    name = escape(comment.name)
    if is_web_address(comment.website):
        author = f'<a href="{escape(comment.website)}" rel="nofollow ugc noopener">{name}</a>'
    else:
        author = name
    approved = comment.status == Comment.Status.APPROVED
    created = comment.created_at.astimezone(local_time)
    date_text = comment_date_text(created, language)
    # Rendered on save; rows stored in bulk (imports, the scale data) may lack it.
    body = comment.body_html or comment_text(comment.body)
    reply = ""
    if can_reply and approved:
        reply = (
            f'\n    <p class="comment__reply"><a href="{escape(statement_url)}?replytocom={ref}'
            f'#respond" rel="nofollow" aria-label="Reply to {name}">Reply</a></p>'
        )
    return f"""<li class="comment{"" if approved else " comment--pending"}" id="comment-{ref}">
  <article aria-labelledby="comment-{ref}-author">
    <header class="comment__meta">
      <span class="comment__author" id="comment-{ref}-author">{author}</span>
      <a class="comment__date" href="#comment-{ref}"><time datetime="{created.isoformat()}">{date_text}</time></a>{"" if approved else _PENDING}
    </header>
    <div class="comment__body">{body}</div>{reply}
  </article>"""


def render_thread(roots, *, statement_url, comments_open, max_depth):
    """The `<li>` items of a thread from build_thread(), replies nested in `<ol>`s."""
    parts = []
    context = {
        "statement_url": statement_url,
        "local_time": timezone.get_current_timezone(),
        "language": translation.get_language(),
    }
    # (comment, None) opens a comment; (None, has_replies) closes the last one opened.
    stack = [(root, None) for root in reversed(roots)]
    while stack:
        comment, closing = stack.pop()
        if comment is None:
            parts.append(_REPLIES_CLOSE + _ITEM_CLOSE if closing else _ITEM_CLOSE)
            continue
        can_reply = comments_open and comment.depth < max_depth
        parts.append(render_comment(comment, can_reply=can_reply, **context))
        children = comment.children
        if children:
            parts.append(_REPLIES_OPEN)
        stack.append((None, bool(children)))
        stack.extend((child, None) for child in reversed(children))
    return mark_safe("".join(parts))
