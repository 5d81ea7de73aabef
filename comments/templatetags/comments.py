from django import template
from django.conf import settings

from advocacy.numbers import whole_number
from comments.forms import CommentForm
from comments.models import Comment
from comments.policy import comments_open
from comments.rendering import build_thread, render_thread
from comments.session import own_comment_ids

register = template.Library()


@register.inclusion_tag("comments/comment_section.html", takes_context=True)
def comment_section(context, statement):
    request = context["request"]
    own_ids = own_comment_ids(request)
    comments = list(statement.comments.visible_to(own_ids).thread_rows())
    is_open = comments_open(statement)
    form = context.get("comment_form")
    if form is None and is_open:
        initial = {}
        reply_to = whole_number(request.GET.get("replytocom"))
        if reply_to is not None:
            initial["parent"] = reply_to
        form = CommentForm(statement, initial=initial)
    return {
        "request": request,
        "statement": statement,
        "thread": render_thread(
            build_thread(comments),
            statement_url=statement.get_absolute_url(),
            comments_open=is_open,
            max_depth=settings.COMMENTS_MAX_DEPTH,
        ),
        "comment_count": statement.comment_count,
        # Only the visitor's own comments are shown unapproved.
        "own_pending_count": sum(1 for c in comments if c.status != Comment.Status.APPROVED),
        "form": form,
        "comments_open": is_open,
        "page_cacheable": context.get("page_cacheable", False),
        "messages": context.get("messages"),
    }
