from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponseRedirect, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.urls import resolve
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.csrf import csrf_failure as default_csrf_failure
from django.views.decorators.cache import never_cache

from advocacy.security import client_ip
from statements.models import Statement
from statements.views import StatementDetailView

from . import spam
from .captcha import new_question
from .forms import CommentForm
from .models import Comment
from .moderation import refresh_comment_counts
from .notifications import notify_moderators_after_commit
from .policy import comments_open
from .session import remember_own_comment

RATE_LIMITED_MESSAGE = (
    "You have posted several comments in a short time. Please wait a few minutes, then post "
    "this one again — what you wrote is still here."
)
UNAVAILABLE_MESSAGE = (
    "We cannot accept comments for a moment. Please try again in a few minutes — what you "
    "wrote is still here."
)


@method_decorator(never_cache, name="dispatch")
class QuestionView(View):
    """A fresh question (and CSRF token) for one visitor; never cached."""

    def get(self, request):
        return JsonResponse(
            {
                **new_question(),
                "form_time": spam.form_time_token(),
                "csrf_token": get_token(request),
            }
        )


@method_decorator(never_cache, name="dispatch")
class PostCommentView(View):
    http_method_names = ["post"]

    def post(self, request, slug):
        statement = get_object_or_404(Statement.objects.published(), slug=slug)
        form = CommentForm(statement, data=request.POST)
        if not comments_open(statement):
            form.add_error(None, "Comments are closed on this statement.")
            return self.show_form_again(request, statement, form, status=403)

        duplicate = self.find_duplicate(statement, request.POST)
        if duplicate:
            return self.show_own_comment(request, duplicate, already=True)

        ip = client_ip(request)
        try:
            limited = spam.is_rate_limited(ip)
        except spam.RateLimitUnavailable:
            form.add_error(None, UNAVAILABLE_MESSAGE)
            return self.show_form_again(request, statement, form, status=503)
        if limited:
            form.add_error(None, RATE_LIMITED_MESSAGE)
            return self.show_form_again(request, statement, form, status=429)

        if not form.is_valid():
            # Of two simultaneous posts of one comment, the loser lands here.
            duplicate = self.find_duplicate(statement, request.POST)
            if duplicate:
                return self.show_own_comment(request, duplicate, already=True)
            return self.show_form_again(request, statement, form, status=400)

        with transaction.atomic():
            comment = form.save(commit=False)
            comment.statement = statement
            comment.ip_address = ip
            comment.status = spam.initial_status(comment)
            comment.save()
            if comment.status == Comment.Status.APPROVED:
                refresh_comment_counts([statement.pk])
            elif comment.status == Comment.Status.PENDING:
                notify_moderators_after_commit()
        spam.record_post(ip)
        return self.show_own_comment(request, comment)

    @staticmethod
    def find_duplicate(statement, data):
        email, body = data.get("email", ""), data.get("body", "")
        if not email.strip() or not body.strip():
            return None
        since = timezone.now() - timedelta(seconds=settings.COMMENTS_DUPLICATE_WINDOW_SECONDS)
        return (
            Comment.objects.filter(
                fingerprint=Comment.make_fingerprint(statement.pk, email, body),
                created_at__gte=since,
            )
            .exclude(status=Comment.Status.REMOVED)
            .first()
        )

    @staticmethod
    def show_own_comment(request, comment, *, already=False):
        """Redirect to the comment, remembered as this visitor's, saying what became of it."""
        remember_own_comment(request, comment)
        published = comment.status == Comment.Status.APPROVED
        if already:
            text = "We already have this comment; it is " + (
                "published." if published else "awaiting moderation."
            )
        else:
            text = (
                "Thank you — your comment is published."
                if published
                else "Your comment is awaiting moderation."
            )
        messages.add_message(request, messages.SUCCESS if published else messages.INFO, text)
        return HttpResponseRedirect(comment.get_absolute_url(), status=303)

    @staticmethod
    def show_form_again(request, statement, form, status):
        """The statement page again, at the form, with everything typed kept."""
        form.prepare_retry()
        view = StatementDetailView()
        view.setup(request, slug=statement.slug)
        view.object = Statement.objects.for_detail().get(pk=statement.pk)
        context = view.get_context_data(object=view.object, comment_form=form)
        return view.render_to_response(context, status=status)


def csrf_failure(request, reason=""):
    """A comment post without a valid CSRF token keeps its text.

    Cached statement pages carry no token (it would be someone else's); the
    form's script fetches one. A visitor without JavaScript, or whose token
    expired, gets the form back with what they wrote and a valid token.
    """
    match = resolve(request.path_info)
    if match.view_name != "comments:post":
        return default_csrf_failure(request, reason=reason)
    statement = get_object_or_404(Statement.objects.published(), slug=match.kwargs["slug"])
    form = CommentForm(statement, data=request.POST)
    form.errors  # noqa: B018 - validate now, so the fields show what is wrong
    form.add_error(
        None,
        "For your security we need you to press “Post Comment” once more. "
        "Everything you wrote is kept.",
    )
    return PostCommentView.show_form_again(request, statement, form, status=403)
