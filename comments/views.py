from django.contrib import messages
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.urls import resolve, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, TemplateView
from django.views.generic.detail import SingleObjectMixin, SingleObjectTemplateResponseMixin

from advocacy.numbers import whole_number
from advocacy.security import client_ip
from statements.models import Statement
from statements.views import InStatementLanguageMixin, StatementPageMixin

from . import mail_links, spam
from .captcha import new_question
from .forms import CommentForm
from .models import Comment
from .policy import comments_open
from .posting import Result, post_comment
from .session import own_comment_ids, remember_own_comment

# What the visitor is told, with the form and everything typed kept, when a post is refused.
STATUS_OF_REFUSAL = {
    Result.CLOSED: 403,
    Result.RATE_LIMITED: 429,
    Result.UNAVAILABLE: 503,
    Result.INVALID: 400,
}


@method_decorator(never_cache, name="dispatch")
class QuestionView(View):
    """A fresh question (and CSRF token) for one visitor; never cached."""

    def get(self, request):
        question = new_question(client_ip(request))
        return JsonResponse(
            {
                **question,
                "form_time": spam.form_time_token(question["key"]),
                "csrf_token": get_token(request),
            }
        )


@method_decorator(never_cache, name="dispatch")
class RespondPageView(InStatementLanguageMixin, DetailView):
    """The comment form on a page of its own, with its question: for visitors without JavaScript.

    The statement page is shared by the cache, so its form has no question
    until a script fetches one; this page is never cached and has both the
    question and the visitor's CSRF token from the start.
    """

    template_name = "comments/respond_page.html"
    context_object_name = "statement"

    def get_queryset(self):
        return Statement.objects.published().for_detail()

    def get_context_data(self, **kwargs):
        statement = self.object
        initial = {}
        reply_to = whole_number(self.request.GET.get("replytocom"))
        if reply_to is not None:
            initial["parent"] = reply_to
        is_open = comments_open(statement)
        form = CommentForm(statement, initial=initial)
        if is_open:
            form.ask(client_ip(self.request))
        return super().get_context_data(form=form, is_open=is_open, page_cacheable=False, **kwargs)


@method_decorator(never_cache, name="dispatch")
class PostCommentView(
    StatementPageMixin, SingleObjectTemplateResponseMixin, SingleObjectMixin, View
):
    """Posts a comment (comments.posting decides) and maps the outcome to a response."""

    http_method_names = ["post"]
    # Set by csrf_failure(): show the form again, with the text, and post nothing.
    csrf_failed = False

    def get_queryset(self):
        return Statement.objects.published().for_detail()

    def post(self, request, slug):
        self.object = statement = self.get_object()
        form = CommentForm(statement, data=request.POST)
        if self.csrf_failed:
            form.errors  # noqa: B018 - validate now, so the fields show what is wrong
            form.add_error(
                None,
                _(
                    "For your security we need you to press “Post Comment” once more. "
                    "Everything you wrote is kept."
                ),
            )
            return self.show_form_again(form, status=403)
        outcome = post_comment(statement, form, client_ip(request), own_comment_ids(request))
        if outcome.stored:
            return self.show_own_comment(
                outcome.comment, already=outcome.result is Result.ALREADY_POSTED
            )
        return self.show_form_again(form, status=STATUS_OF_REFUSAL[outcome.result])

    def show_own_comment(self, comment, *, already=False):
        """Redirect to the comment, remembered as this visitor's, saying what became of it."""
        remember_own_comment(self.request, comment)
        published = comment.status == Comment.Status.APPROVED
        if already:
            text = (
                _("We already have this comment; it is published.")
                if published
                else _("We already have this comment; it is awaiting moderation.")
            )
        else:
            text = (
                _("Thank you — your comment is published.")
                if published
                else _("Your comment is awaiting moderation.")
            )
        messages.add_message(self.request, messages.SUCCESS if published else messages.INFO, text)
        return HttpResponseRedirect(comment.get_absolute_url(), status=303)

    def show_form_again(self, form, status):
        """The statement page again, at the form, with everything typed kept."""
        form.prepare_retry(client_ip(self.request))
        context = self.get_context_data(object=self.object, comment_form=form)
        return self.render_to_response(context, status=status)


@method_decorator(never_cache, name="dispatch")
class ModerateFromMailView(TemplateView):
    """A moderation mail's Approve or Spam link (comments.mail_links decides).

    GET shows the comment and a button; only the button's POST acts, since mail
    scanners follow links. A refused link gets a page saying why, with a 4xx.
    """

    http_method_names = ["get", "post"]
    template_name = "comments/moderate.html"

    def get(self, request, token):
        try:
            link = mail_links.read(token)
        except mail_links.LinkRefused as refused:
            return self.refused(refused)
        return self.show(link.comment, action=link.action, state="confirm")

    def post(self, request, token):
        try:
            link = mail_links.use(token)
        except mail_links.LinkRefused as refused:
            return self.refused(refused)
        return self.show(link.comment, action=link.action, state="done")

    def refused(self, refused):
        return self.show(
            refused.comment, state="refused", message=refused.message, status=refused.status
        )

    def show(self, comment, *, state, action="", message="", status=200):
        context = self.get_context_data(
            comment=comment,
            action=action,
            state=state,
            message=message,
            admin_url=reverse("admin:comments_comment_change", args=[comment.pk])
            if comment
            else reverse("admin:comments_comment_changelist"),
        )
        response = self.render_to_response(context, status=status)
        # The token is in the address: no other site learns it from a Referer.
        # (same-origin, not no-referrer: with no-referrer the browser sends the
        # button's POST with "Origin: null", which the CSRF check refuses.)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex"
        return response


def csrf_failure(request, reason=""):
    """A comment post without a valid CSRF token keeps its text.

    Cached statement pages carry no token (it would be someone else's); the
    form's script fetches one. A visitor without JavaScript, or whose token
    expired, gets the form back with what they wrote and a valid token.
    """
    match = resolve(request.path_info)
    if match.view_name != "comments:post":
        return default_csrf_failure(request, reason=reason)
    return PostCommentView.as_view(csrf_failed=True)(request, **match.kwargs)
