"""Moderating from the mail: each moderator's own signed, single-use, expiring links."""

import re
import time

import pytest
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.test import Client

from advocacy import roles
from comments import mail_links, notifications
from comments.models import Comment, ModerationLinkUse
from tests import factories, pages
from tests.concurrency import needs_postgresql, run_in_threads

from .conftest import make_comment

pytestmark = pytest.mark.django_db


def links_of(message):
    """{"approve": [paths], "spam": [...], "admin": [...]} of a moderation mail, as sent."""
    found = {}
    for label, key in (("Approve:", "approve"), ("Spam:", "spam"), ("In the admin:", "admin")):
        urls = re.findall(rf"^  {re.escape(label)} (\S+)$", message.body, re.MULTILINE)
        assert all(url.startswith(settings.SITE_URL + "/") for url in urls), urls
        found[key] = [url.removeprefix(settings.SITE_URL) for url in urls]
    return found


def mail_for(user):
    return next(m for m in mail.outbox if m.to == [user.email])


@pytest.fixture
def waiting(statement, moderator):
    """A comment waiting for moderation, and the mail the moderator got about it."""
    comment = make_comment(
        statement, status=Comment.Status.PENDING, name="Sam Ortiz", body="Is the permit public?"
    )
    assert notifications.send_digest() == 1
    return comment, links_of(mail_for(moderator))


def public_text(statement):
    return pages.main_text(Client().get(statement.get_absolute_url()).content)


def test_the_mail_lists_each_comment_with_its_links(statement, moderator):
    first = make_comment(statement, status=Comment.Status.PENDING, name="Ana")
    second = make_comment(statement, status=Comment.Status.PENDING, name="Bo")
    notifications.send_digest()
    links = links_of(mail_for(moderator))
    assert len(links["approve"]) == len(links["spam"]) == 2
    assert links["admin"] == [
        f"/admin/comments/comment/{first.pk}/change/",
        f"/admin/comments/comment/{second.pk}/change/",
    ]
    assert len(set(links["approve"] + links["spam"])) == 4
    assert "works once, and expires after 72 hours" in mail_for(moderator).body


def test_following_a_link_changes_nothing_until_the_button_is_pressed(
    waiting, statement, django_assert_num_queries
):
    comment, links = waiting
    visitor = Client()  # a mail scanner, or the moderator, not logged in
    # The comment with its statement, the user and their two permission queries, the
    # link's use, the menus.
    with django_assert_num_queries(6):
        page = visitor.get(links["approve"][0])
    assert page.status_code == 200
    text = pages.main_text(page.content)
    assert "Sam Ortiz on “Clean water for every village”" in text
    assert "Is the permit public?" in text
    assert "Nothing changes until you press the button." in text
    assert page["Cache-Control"].startswith("max-age=0")
    assert page["Referrer-Policy"] == "same-origin"
    assert '<button type="submit">Approve</button>' in page.content.decode()
    visitor.get(links["spam"][0])
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert "Is the permit public?" not in public_text(statement)


def test_approving_from_the_mail_publishes_and_logs_it_as_the_moderator(
    waiting, statement, moderator
):
    comment, links = waiting
    response = Client().post(links["approve"][0])
    assert response.status_code == 200
    assert "The comment is approved and published." in pages.main_text(response.content)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.moderated_by == moderator
    entry = LogEntry.objects.get(object_id=str(comment.pk))
    assert (entry.user, entry.action_flag) == (moderator, CHANGE)
    assert entry.change_message == "Approved from the moderation mail"
    # The cached statement page follows: the comment and its count are shown.
    assert "Is the permit public?" in public_text(statement)
    statement.refresh_from_db()
    assert statement.comment_count == 1


def test_marking_spam_from_the_mail(waiting, statement, moderator):
    comment, links = waiting
    response = Client().post(links["spam"][0])
    assert response.status_code == 200
    assert "The comment is marked as spam." in pages.main_text(response.content)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.SPAM
    assert LogEntry.objects.get().change_message == "Marked as spam from the moderation mail"
    assert "Is the permit public?" not in public_text(statement)


def test_a_link_works_once(waiting):
    comment, links = waiting
    assert Client().post(links["approve"][0]).status_code == 200
    again = Client().post(links["approve"][0])
    assert again.status_code == 410
    assert "This link was already used." in pages.main_text(again.content)
    assert Client().get(links["approve"][0]).status_code == 410
    assert LogEntry.objects.count() == 1
    assert ModerationLinkUse.objects.count() == 1


def test_the_other_link_is_refused_once_the_comment_was_moderated(waiting, moderator):
    comment, links = waiting
    Client().post(links["approve"][0])
    spam = Client().post(links["spam"][0])
    assert spam.status_code == 409
    assert "it is now “Approved”" in pages.main_text(spam.content)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED


def test_a_comment_moderated_in_the_admin_meanwhile_refuses_the_links(waiting, editor):
    comment, links = waiting
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.REMOVED)
    response = Client().post(links["approve"][0])
    assert response.status_code == 409
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED


def _signed_hours_ago(comment, user, hours):
    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time() - hours * 3600))

    return Earlier(salt=mail_links.SALT).sign_object(
        {"c": comment.pk, "u": user.pk, "a": "approve", "s": comment.status}, compress=True
    )


def test_an_expired_link_is_refused(statement, moderator, settings):
    settings.COMMENTS_MODERATION_LINK_HOURS = 24
    comment = make_comment(statement, status=Comment.Status.PENDING)
    fresh = mail_links.url(_signed_hours_ago(comment, moderator, 23))
    old = mail_links.url(_signed_hours_ago(comment, moderator, 25))
    refused = Client().post(old.removeprefix(settings.SITE_URL))
    assert refused.status_code == 410
    assert "This link has expired" in pages.main_text(refused.content)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert Client().post(fresh.removeprefix(settings.SITE_URL)).status_code == 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-3],  # cut short by a mail program
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # tampered signature
        lambda token: "not-a-token",
        lambda token: signing.TimestampSigner(salt="another").sign_object({"c": 1}),
    ],
)
def test_a_bad_link_gets_a_clear_400_page(waiting, mangle):
    comment, links = waiting
    token = links["approve"][0].removeprefix("/comments/moderate/").rstrip("/")
    bad = f"/comments/moderate/{mangle(token)}/"
    for response in (Client().get(bad), Client().post(bad)):
        assert response.status_code == 400
        assert "This link is not complete or not valid." in pages.main_text(response.content)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_token_for_another_action_is_refused(statement, moderator):
    comment = make_comment(statement, status=Comment.Status.PENDING)
    token = signing.TimestampSigner(salt=mail_links.SALT).sign_object(
        {"c": comment.pk, "u": moderator.pk, "a": "delete", "s": "pending"}, compress=True
    )
    assert Client().post(f"/comments/moderate/{token}/").status_code == 400
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_moderator_who_lost_the_right_cannot_use_the_mail(waiting, moderator):
    comment, links = waiting
    moderator.groups.remove(Group.objects.get(name=roles.MODERATORS))
    response = Client().post(links["approve"][0])
    assert response.status_code == 403
    assert "may not moderate comments" in pages.main_text(response.content)
    assert "Is the permit public?" not in pages.main_text(response.content)
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_deactivated_moderator_cannot_use_the_mail(waiting, moderator):
    comment, links = waiting
    moderator.is_active = False
    moderator.save()
    assert Client().post(links["approve"][0]).status_code == 403
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING


def test_a_deleted_comment_gets_a_404_page(waiting):
    comment, links = waiting
    comment.delete()
    response = Client().post(links["approve"][0])
    assert response.status_code == 404
    assert "This comment no longer exists." in pages.main_text(response.content)


def test_the_link_acts_in_the_name_of_the_mails_moderator_whoever_is_logged_in(
    waiting, moderator, editor_client
):
    comment, links = waiting
    assert editor_client.post(links["approve"][0]).status_code == 200
    assert LogEntry.objects.get().user == moderator


def test_each_moderator_gets_their_own_links(statement, moderator):
    other = factories.make_moderator("quinn")
    comment = make_comment(statement, status=Comment.Status.PENDING)
    notifications.send_digest()
    other_links = links_of(mail_for(other))
    Client().post(other_links["approve"][0])
    comment.refresh_from_db()
    assert comment.moderated_by == other


def test_an_address_that_is_no_moderator_account_gets_the_admin_links_only(
    statement, moderator, settings
):
    settings.COMMENTS_MODERATOR_EMAILS = ["desk@example.org", moderator.email]
    make_comment(statement, status=Comment.Status.PENDING)
    notifications.send_digest()
    desk = next(m for m in mail.outbox if m.to == ["desk@example.org"])
    assert links_of(desk)["approve"] == []
    assert len(links_of(desk)["admin"]) == 1
    assert "Approve and Spam links are yours" not in desk.body
    assert len(links_of(mail_for(moderator))["approve"]) == 1


def test_two_clicks_at_once_act_once(transactional_db, statement, moderator):
    needs_postgresql()
    comment = make_comment(statement, status=Comment.Status.PENDING)
    path = mail_links.url(mail_links.make(comment, moderator, "approve")).removeprefix(
        settings.SITE_URL
    )
    statuses = []
    run_in_threads(*[lambda: statuses.append(Client().post(path).status_code)] * 2)
    assert sorted(statuses) == [200, 410]
    assert LogEntry.objects.count() == 1
