from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.template.defaultfilters import linebreaks_filter
from django.utils.html import urlize
from django.utils.safestring import mark_safe

from comments.forms import CommentForm
from comments.policy import comments_open
from comments.session import own_comment_ids

register = template.Library()


@register.filter(needs_autoescape=True)
def comment_text(body, autoescape=True):
    """A comment as escaped plain text: paragraphs, and links that pass no credit."""
    linked = urlize(body, trim_url_limit=60, nofollow=True, autoescape=True)
    linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return mark_safe(linebreaks_filter(linked, autoescape=False))  # escaped by urlize


@register.filter
def is_web_address(value):
    """Only http(s) addresses become links; anything else stored (an import, the shell) is text."""
    value = value or ""
    return value.lower().startswith(("http://", "https://")) and bool(urlsplit(value).netloc)


def build_thread(comments):
    """Nest comments under their parents; orphans (parent hidden) become top level."""
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.children = []
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
        "thread": build_thread(comments),
        "comment_count": statement.comment_count,
        "form": form,
        "comments_open": is_open,
        "max_depth": settings.COMMENTS_MAX_DEPTH,
        "messages": context.get("messages"),
    }
