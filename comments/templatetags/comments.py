import re
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.html import escape, urlize
from django.utils.safestring import SafeData, mark_safe

from comments.forms import CommentForm
from comments.policy import comments_open
from comments.session import own_comment_ids

register = template.Library()

# Everything urlize can turn into a link has one of these: a scheme (http:// or
# https://), "www.", the "@" of an address, or one of the endings it knows
# (.com, .org, …). Text without any is returned by urlize merely escaped, so it
# skips urlize, the costliest part of showing a comment; the output is the same.
_MAYBE_LINK = re.compile(r"https?://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)


def comment_date_text(value):
    r"""What `value|date:"F j, Y \a\t H:i"` shows, e.g. "March 5, 2026 at 09:07".

    `value` is already in local time. Spelled out because it runs for every
    comment: Django's date formatting costs about 30 µs a call, this about 5.
    """
    return (
        f"{MONTHS[value.month]} {value.day}, {value.year:04d} "
        f"at {value.hour:02d}:{value.minute:02d}"
    )


@register.filter(needs_autoescape=True)
def comment_text(body, autoescape=True):
    """A comment as escaped plain text: paragraphs, and links that pass no credit."""
    if isinstance(body, SafeData) or _MAYBE_LINK.search(body):
        linked = urlize(body, trim_url_limit=60, nofollow=True, autoescape=True)
        linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    else:
        linked = escape(body)
    return mark_safe(linebreaks_filter(linked, autoescape=False))  # escaped above


@register.filter
def is_web_address(value):
    """Only http(s) addresses become links; anything else stored (an import, the shell) is text."""
    value = value or ""
    return value.lower().startswith(("http://", "https://")) and bool(urlsplit(value).netloc)


def build_thread(comments):
    """Nest comments under their parents; orphans (parent hidden) become top level.

    Also gives each comment what its template prints, worked out once here
    rather than by filters for every comment: `ref`, the id as text (never
    localized, e.g. with thousand separators), and its date as the `date`
    filter would show it in the current time zone: `created_iso` (format "c")
    and `created_text` (see comment_date_text).
    """
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.children = []
        comment.ref = str(comment.pk)
        created = timezone.localtime(comment.created_at)
        comment.created_iso = created.isoformat()
        comment.created_text = comment_date_text(created)
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        (parent.children if parent else roots).append(comment)

    def set_depth(nodes, depth):
        for node in nodes:
            node.depth = depth
            set_depth(node.children, depth + 1)

    set_depth(roots, 1)
    return roots


@register.inclusion_tag("comments/comment_section.html", takes_context=True)
def comment_section(context, statement):
    request = context["request"]
    own_ids = own_comment_ids(request)
    comments = list(
        statement.comments.visible_to(own_ids).only(
            "pk", "parent_id", "name", "website", "body", "status", "created_at", "statement_id"
        )
    )
    is_open = comments_open(statement)
    form = context.get("comment_form")
    if form is None and is_open:
        initial = {}
        reply_to = request.GET.get("replytocom", "")
        if reply_to.isdigit() and len(reply_to) < 12:
            initial["parent"] = int(reply_to)
        form = CommentForm(statement, initial=initial)
    return {
        "request": request,
        "statement": statement,
        # Every comment's Reply link starts with it: resolved once, not per comment.
        "statement_url": statement.get_absolute_url(),
        "thread": build_thread(comments),
        "comment_count": statement.comment_count,
        "form": form,
        "comments_open": is_open,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
        "messages": context.get("messages"),
    }
