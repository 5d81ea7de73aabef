"""Mail to moderators: after the commit, at most one per interval, never at a comment's cost."""

import logging
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from comments import notifications
from comments.models import Comment
from tests import factories

from .conftest import make_comment, post_comment
from .failing_mail import FailingEmailBackend

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(client, statement, django_capture_on_commit_callbacks):
    """Post a comment and run what waits for the commit (the mail), as production does."""

    def post(**overrides):
        with django_capture_on_commit_callbacks(execute=True):
            return post_comment(client, statement, **overrides)

    return post


def move_last_mail_back(minutes):
    Comment.objects.exclude(moderators_notified_at=None).update(
        moderators_notified_at=timezone.now() - timedelta(minutes=minutes)
    )


def test_a_waiting_comment_mails_the_moderators_once(post, moderator, statement, settings):
    other_moderator = factories.make_moderator("quinn")
    factories.make_editor("not-a-moderator")
    response = post(body="Please add the translation in Spanish.", name="Lucía")
    assert response.status_code == 303
    # One mail each: its Approve / Spam links act in that moderator's name.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([moderator.email, other_moderator.email])
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = mail.outbox[0]
    assert "1 comment awaiting moderation" in message.subject
    assert "Lucía" in message.body
    assert statement.title in message.body
    assert "Please add the translation in Spanish." in message.body
    assert settings.SITE_URL + "/" in message.body
    assert "status__exact=pending" in message.body
    assert mail.outbox[0].body != mail.outbox[1].body  # each its own links
    assert Comment.objects.get().moderators_notified_at is not None


def test_the_mail_is_sent_only_after_the_commit(client, statement, moderator):
    # Without running the on-commit callbacks (the transaction never committed) nothing goes.
    assert post_comment(client, statement).status_code == 303
    assert mail.outbox == []


def test_no_flood_one_mail_per_interval_then_the_digest_sends_the_rest(post, moderator, settings):
    settings.COMMENTS_NOTIFY_INTERVAL_MINUTES = 15
    post(body="First comment of the morning.")
    post(body="Second comment, a minute later.")
    post(body="Third comment, also waiting.")
    assert len(mail.outbox) == 1
    assert "Second comment" not in mail.outbox[0].body

    # Within the interval, the command (run from cron) sends nothing either.
    call_command("send_moderation_digest", stdout=StringIO())
    assert len(mail.outbox) == 1

    move_last_mail_back(16)
    call_command("send_moderation_digest", stdout=StringIO())
    assert len(mail.outbox) == 2
    digest = mail.outbox[1]
    assert "Second comment, a minute later." in digest.body
    assert "Third comment, also waiting." in digest.body
    assert "First comment of the morning." not in digest.body
    assert "3 comments awaiting moderation" in digest.subject
    assert not Comment.objects.filter(moderators_notified_at=None).exists()

    # Nothing new: no mail.
    move_last_mail_back(16)
    call_command("send_moderation_digest", stdout=StringIO())
    assert len(mail.outbox) == 2


def test_the_digest_command_reports_what_it_sent(moderator, statement, capsys):
    make_comment(statement, status=Comment.Status.PENDING)
    make_comment(statement, status=Comment.Status.PENDING)
    call_command("send_moderation_digest")
    assert "Announced 2 waiting comment(s)" in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_no_mail_for_approved_spam_or_removed_comments(moderator, statement):
    for status in (Comment.Status.APPROVED, Comment.Status.SPAM, Comment.Status.REMOVED):
        make_comment(statement, status=status)
    assert notifications.send_digest() == 0
    assert mail.outbox == []


def test_configured_addresses_replace_the_group(post, moderator, settings):
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@example.org"]
    post()
    assert mail.outbox[0].to == ["desk@example.org"]


def test_inactive_moderators_get_no_mail(post, settings):
    factories.make_moderator("gone", is_active=False)
    active = factories.make_moderator("here")
    post()
    assert mail.outbox[0].to == [active.email]


def test_a_failing_mail_server_loses_nothing(post, moderator, settings, caplog):
    settings.EMAIL_BACKEND = "tests.comments.failing_mail.FailingEmailBackend"
    FailingEmailBackend.attempts = 0
    with caplog.at_level(logging.ERROR, logger="comments.notifications"):
        response = post(body="My words must survive a broken mail server.")
    assert response.status_code == 303
    assert FailingEmailBackend.attempts == 1
    comment = Comment.objects.get()
    assert comment.body == "My words must survive a broken mail server."
    assert comment.status == Comment.Status.PENDING
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and "Could not mail moderators" in errors[0].getMessage()
    assert errors[0].exc_info  # the traceback is in the log
    # Not marked as announced: the next mail lists it again.
    assert comment.moderators_notified_at is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_digest() == 1
    assert "My words must survive" in mail.outbox[0].body


def test_the_visitor_still_sees_their_comment_when_mail_fails(client, post, moderator, settings):
    settings.EMAIL_BACKEND = "tests.comments.failing_mail.FailingEmailBackend"
    response = post()
    page = client.get(response["Location"]).content.decode()
    assert "Your comment is awaiting moderation." in page


def test_the_mail_is_a_task_queued_with_the_comment(client, statement, moderator, settings):
    """With the production queue the post only writes the task; a worker sends the mail."""
    from django_tasks_db.models import DBTaskResult

    from background.tasks import send_moderation_digest

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert post_comment(client, statement).status_code == 303
    assert mail.outbox == []  # not sent by the request
    queued = DBTaskResult.objects.get()
    assert queued.task_path == send_moderation_digest.module_path
    assert queued.status == "READY"


def test_a_failing_mail_server_leaves_no_copy_for_the_other_moderators(
    post, moderator, settings, caplog
):
    from background.models import OutgoingMail

    other = factories.make_moderator("quinn")
    settings.EMAIL_BACKEND = "tests.comments.failing_mail.FailingEmailBackend"
    FailingEmailBackend.attempts = 0
    with caplog.at_level(logging.ERROR, logger="comments.notifications"):
        post(body="Listed again, to everyone, once the server is back.")
    assert FailingEmailBackend.attempts == 1  # it stopped at the first refusal
    # Neither moderator's copy waits to be sent on its own: the next mail lists it.
    assert not OutgoingMail.objects.filter(key__startswith=notifications.DIGEST_KEY).exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.send_digest() == 1
    assert notifications.send_digest(respect_interval=False) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([moderator.email, other.email])
