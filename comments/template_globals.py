"""What the public templates call to show comments (a Jinja2 extension, see settings)."""

from django.conf import settings
from jinja2 import pass_context
from jinja2.ext import Extension

from advocacy.numbers import whole_number
from advocacy.security import client_ip

from .forms import CommentForm
from .models import Comment
from .policy import comments_open
from .session import own_comment_ids
from .thread import build_thread, thread_steps


@pass_context
def comment_section(context, statement):
    """What templates/comments/comment_section.html shows under a statement.

    The form is the view's when it shows one again after a post (with its
    errors and what the visitor typed), otherwise a new one, answering the
    comment in `?replytocom=` if there is one.
    """
    request = context["request"]
    comments = Comment.objects.thread_of(statement, own_comment_ids(request))
    is_open = comments_open(statement)
    form = context.get("comment_form")
    if form is None and is_open:
        initial = {}
        reply_to = whole_number(request.GET.get("replytocom"))
        if reply_to is not None:
            initial["parent"] = reply_to
        form = CommentForm(statement, initial=initial)
        if reply_to is not None:
            # A reply link's page is never cached (one per comment): the question
            # is in it from the start, for browsers that run no script.
            form.ask(client_ip(request))
    return {
        "thread": thread_steps(
            build_thread(comments), comments_open=is_open, max_depth=settings.COMMENTS_MAX_DEPTH
        ),
        "count": statement.comment_count,
        # Only the visitor's own comments are shown unapproved.
        "own_pending_count": sum(1 for c in comments if c.status != Comment.Status.APPROVED),
        "form": form,
        "is_open": is_open,
    }


class CommentGlobals(Extension):
    def __init__(self, environment):
        super().__init__(environment)
        environment.globals["comment_section"] = comment_section
