"""“Email me when someone replies”: confirmed first, mailed only once a reply is approved.

A real SMTP server on loopback receives the mails; the commenter follows their
links with the test client, as they would from their mail program.
"""

import pytest
from django.test import Client
from django.urls import reverse

from comments import moderation
from comments.models import Comment
from subscriptions import privacy
from subscriptions.models import ReplyFollow, ReplyNotice
from tests.comments.conftest import make_comment, post_comment

from .conftest import link_to, make_subscriber

pytestmark = pytest.mark.django_db

ASKER = "amara@example.net"


def ask_for_replies(capture, statement, email=ASKER, **overrides):
    """Amara comments with the box ticked; her comment is then approved by a moderator."""
    with capture(execute=True):
        response = post_comment(
            Client(), statement, email=email, name="Amara Okafor", notify_replies="on", **overrides
        )
    assert response.status_code == 303
    comment = Comment.objects.get(email=email)
    with capture(execute=True):
        moderation.approve(Comment.objects.filter(pk=comment.pk))
    return comment


def reply_to(capture, statement, comment, *, email="jo@example.org", approve=True):
    """Jo replies through the form; a moderator approves the reply (or not)."""
    with capture(execute=True):
        response = post_comment(
            Client(), statement, email=email, name="Jo Bloggs", parent=str(comment.pk),
            body="The board meets on the 12th, in the town hall.",
        )  # fmt: skip
    assert response.status_code == 303
    reply = Comment.objects.get(email=email, parent=comment)
    assert reply.status == Comment.Status.PENDING
    if approve:
        with capture(execute=True):
            moderation.approve(Comment.objects.filter(pk=reply.pk))
    return reply


def confirm(smtp, email=ASKER):
    [mail] = smtp.to(email)
    assert mail["Subject"] == "Confirm: email me replies to my comment"
    path = link_to(mail.get_content(), "/subscribe/replies/confirm/")
    reader = Client(enforce_csrf_checks=True)
    assert "Yes, email me replies" in reader.get(path).content.decode()
    assert ReplyFollow.objects.get(email=email).state == ReplyFollow.State.PENDING
    page = reader.post(path)
    assert page.status_code == 200
    assert "You will be mailed replies" in page.content.decode()
    smtp.clear()


def test_the_box_is_on_the_form_and_unticked(statement):
    page = Client().get(statement.get_absolute_url()).content.decode()
    assert 'name="notify_replies"' in page
    assert "Email me when someone replies" in page
    box = page[
        page.index('name="notify_replies"') - 200 : page.index('name="notify_replies"') + 80
    ]
    assert "checked" not in box


def test_no_box_ticked_no_mail_and_nothing_stored(
    smtp, statement, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert post_comment(Client(), statement, email=ASKER).status_code == 303
    assert ReplyFollow.objects.count() == 0
    assert smtp.to(ASKER) == []


def test_an_approved_reply_is_mailed_once_after_the_address_is_confirmed(
    smtp, statement, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    comment = ask_for_replies(capture, statement)
    confirm(smtp)

    reply = reply_to(capture, statement, comment, approve=False)
    assert smtp.to(ASKER) == []  # held: nobody hears of it
    with capture(execute=True):
        moderation.approve(Comment.objects.filter(pk=reply.pk))
    [mail] = smtp.to(ASKER)
    # Python folds an encoded subject onto its own line; mail programs unfold it.
    subject = str(mail["Subject"]).strip()
    assert subject == "Jo Bloggs replied to your comment on “Clean water for every village”"
    text = mail.get_content()
    assert "The board meets on the 12th, in the town hall." in text
    assert f"http://testserver{reply.get_absolute_url()}" in text
    assert "jo@example.org" not in text  # the replier's address is never shown
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Approved again (removed, restored, approved) or the task run twice: no second mail.
    with capture(execute=True):
        moderation.remove(Comment.objects.filter(pk=reply.pk))
        moderation.approve(Comment.objects.filter(pk=reply.pk))
    assert len(smtp.to(ASKER)) == 1
    assert ReplyNotice.objects.get().sent_at is not None


def test_held_and_spam_replies_mail_nobody(smtp, statement, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    comment = ask_for_replies(capture, statement)
    confirm(smtp)
    spam = reply_to(capture, statement, comment, email="spam@example.org", approve=False)
    with capture(execute=True):
        moderation.mark_spam(Comment.objects.filter(pk=spam.pk))
    reply_to(capture, statement, comment, email="held@example.org", approve=False)
    assert smtp.to(ASKER) == []
    assert ReplyNotice.objects.count() == 0


def test_unconfirmed_addresses_get_no_reply_mail(
    smtp, statement, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    comment = ask_for_replies(capture, statement)
    smtp.clear()  # the confirmation mail, left unanswered
    reply_to(capture, statement, comment)
    assert smtp.to(ASKER) == []


def test_a_confirmed_subscriber_needs_no_second_confirmation(
    smtp, statement, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    make_subscriber(ASKER)
    comment = ask_for_replies(capture, statement)
    assert smtp.to(ASKER) == []  # no confirmation mail: the address is confirmed
    assert ReplyFollow.objects.get().state == ReplyFollow.State.CONFIRMED
    reply_to(capture, statement, comment)
    assert len(smtp.to(ASKER)) == 1


def test_one_click_unsubscribe_for_the_thread_and_a_link_for_all(
    smtp, statement, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    first = ask_for_replies(capture, statement)
    confirm(smtp)
    second = make_comment(statement, name="Amara Okafor", email=ASKER, body="And the well?")
    ReplyFollow.objects.create(comment=second, email=ASKER, state=ReplyFollow.State.CONFIRMED)
    reply_to(capture, statement, first)
    [mail] = smtp.to(ASKER)

    # RFC 8058: the mail program POSTs, with no cookie and no CSRF token.
    one_click = str(mail["List-Unsubscribe"]).strip().strip("<>")
    response = Client(enforce_csrf_checks=True).post(
        one_click.removeprefix("http://testserver"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    states = dict(ReplyFollow.objects.values_list("comment_id", "state"))
    assert states == {first.pk: "unsubscribed", second.pk: "confirmed"}

    smtp.clear()
    reply_to(capture, statement, first, email="kim@example.org")
    assert smtp.to(ASKER) == []  # that thread is quiet now
    reply = reply_to(capture, statement, second, email="lee@example.org")
    [mail] = smtp.to(ASKER)
    everything = link_to(mail.get_content(), "/subscribe/replies/stop-all/")
    assert Client(enforce_csrf_checks=True).post(everything).status_code == 200
    assert set(ReplyFollow.objects.values_list("state", flat=True)) == {"unsubscribed"}
    smtp.clear()
    reply_to(capture, statement, reply, email="max@example.org")
    assert smtp.to(ASKER) == []


def test_a_staff_reply_is_mailed_at_once(
    smtp, statement, moderator, django_capture_on_commit_callbacks
):
    from comments.posting import post_staff_reply

    capture = django_capture_on_commit_callbacks
    comment = ask_for_replies(capture, statement)
    confirm(smtp)
    with capture(execute=True):
        post_staff_reply(comment, "We will bring the petition.", moderator)
    [mail] = smtp.to(ASKER)
    assert "We will bring the petition." in mail.get_content()


def test_a_bad_link_is_a_404_and_changes_nothing(
    smtp, statement, django_capture_on_commit_callbacks
):
    ask_for_replies(django_capture_on_commit_callbacks, statement)
    for name in ("replies-confirm", "replies-stop", "replies-stop-all"):
        path = reverse(f"subscriptions:{name}", args=["1.0123456789abcdef:forged"])
        assert Client().post(path).status_code == 404
    assert ReplyFollow.objects.get().state == ReplyFollow.State.PENDING


def test_export_and_erase_include_reply_notifications(
    smtp, statement, django_capture_on_commit_callbacks
):
    comment = ask_for_replies(django_capture_on_commit_callbacks, statement)
    [follow] = privacy.export_reply_follows(ASKER)
    assert (follow["comment"], follow["state"]) == (comment.pk, "pending")
    privacy.erase(ASKER)
    assert ReplyFollow.objects.count() == 0
    assert privacy.export_reply_follows(ASKER) == []
