"""Moderators: their group's rights, the comment list, bulk actions, the log and the counts."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comments import moderation
from comments.models import Comment
from tests import factories, pages

from .conftest import make_comment, post_comment

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:comments_comment_changelist"


def changelist(client, query=""):
    return client.get(reverse(CHANGELIST) + query)


def bulk(client, action, comments, query=""):
    return client.post(
        reverse(CHANGELIST) + query,
        {"action": action, "_selected_action": [c.pk for c in comments], "index": 0},
        follow=True,
    )


def public_text(statement):
    return pages.main_text(Client().get(statement.get_absolute_url()).content)


# -- the group's rights ----------------------------------------------------------


def test_moderators_group_has_exactly_the_comment_rights():
    codenames = set(
        Group.objects.get(name="Moderators").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert codenames == {
        ("statements", "view_statement"),
        ("comments", "view_comment"),
        ("comments", "change_comment"),
        ("comments", "delete_comment"),
        ("comments", "view_blockedterm"),
        ("comments", "add_blockedterm"),
        ("comments", "change_blockedterm"),
        ("comments", "delete_blockedterm"),
    }


def test_moderators_read_statements_but_cannot_add_or_change_them(moderator_client):
    statement = factories.make_published("Read only for moderators")
    change_url = reverse("admin:statements_statement_change", args=[statement.pk])
    assert moderator_client.get(reverse("admin:statements_statement_add")).status_code == 403
    page = moderator_client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()  # read-only view
    response = moderator_client.post(
        change_url, {"title": "Changed by a moderator", "slug": statement.slug}
    )
    assert response.status_code == 403
    statement.refresh_from_db()
    assert statement.title == "Read only for moderators"


def test_moderators_cannot_see_users(moderator_client, moderator):
    assert moderator_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert (
        moderator_client.get(reverse("admin:auth_user_change", args=[moderator.pk])).status_code
        == 403
    )
    index = moderator_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:comments_comment_changelist") in index
    assert reverse("admin:auth_user_changelist") not in index


def test_nobody_adds_comments_in_the_admin(moderator_client):
    assert moderator_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_editors_keep_their_rights(editor_client):
    assert editor_client.get(reverse("admin:statements_statement_add")).status_code == 200


# -- the list ----------------------------------------------------------------------


@pytest.fixture
def three_comments(statement):
    return {
        "pending": make_comment(
            statement,
            status=Comment.Status.PENDING,
            body="Words waiting for a moderator.",
            name="Pat Pending",
            email="pat@example.com",
            website="https://pat.example",
            ip_address="203.0.113.5",
        ),
        "approved": make_comment(statement, body="Words already approved."),
        "spam": make_comment(statement, status=Comment.Status.SPAM, body="Words of spam."),
    }


def test_comment_list_opens_on_pending_with_what_a_moderator_needs(
    moderator_client, statement, three_comments
):
    page = changelist(moderator_client)
    assert page.status_code == 200
    text = pages.main_text(page.content)
    html = page.content.decode()
    assert "Words waiting for a moderator." in html
    assert "Words already approved." not in html
    assert "Words of spam." not in html
    for shown in ("Pat Pending", "pat@example.com", "https://pat.example", "203.0.113.5"):
        assert shown in html
    assert statement.title in html
    assert "Pending" in text


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?status__exact=approved", {"approved"}),
        ("?status__exact=spam", {"spam"}),
        ("?status__exact=all", {"pending", "approved", "spam"}),
        ("?status__exact=removed", set()),
    ],
)
def test_status_filter(moderator_client, three_comments, query, shown):
    html = changelist(moderator_client, query).content.decode()
    for name, comment in three_comments.items():
        assert (comment.body in html) == (name in shown), name


def test_search(moderator_client, three_comments):
    html = changelist(moderator_client, "?status__exact=all&q=pat%40example.com").content.decode()
    assert "Words waiting for a moderator." in html
    assert "Words already approved." not in html


def test_a_nul_in_the_list_query_is_no_server_error(moderator_client, three_comments):
    response = changelist(moderator_client, "?q=a%00b")
    assert response.status_code < 500


# -- bulk actions -------------------------------------------------------------------


def test_bulk_approve_logs_counts_and_publishes(moderator_client, moderator, statement):
    waiting = [
        make_comment(statement, status=Comment.Status.PENDING, body=f"Waiting {i}.")
        for i in range(2)
    ]
    assert "No responses yet" in public_text(statement)

    response = bulk(moderator_client, "approve", waiting)
    assert response.status_code == 200
    assert "2 comments approved." in response.content.decode()

    for comment in waiting:
        comment.refresh_from_db()
        assert comment.status == Comment.Status.APPROVED
        assert comment.moderated_by == moderator
        assert comment.moderated_at is not None
    entries = LogEntry.objects.filter(user=moderator, action_flag=CHANGE)
    assert sorted(int(e.object_id) for e in entries) == sorted(c.pk for c in waiting)
    assert {e.get_change_message() for e in entries} == {"Approved"}

    statement.refresh_from_db()
    assert statement.comment_count == 2
    text = public_text(statement)
    assert "2 Responses" in text
    assert "Waiting 0." in text and "Waiting 1." in text


def test_one_comment_message_is_singular(moderator_client, statement):
    comment = make_comment(statement, status=Comment.Status.PENDING)
    response = bulk(moderator_client, "approve", [comment])
    assert "1 comment approved." in response.content.decode()


def test_spam_and_remove_take_a_comment_off_the_page(moderator_client, moderator, statement):
    kept = make_comment(statement, body="This one stays.")
    spam = make_comment(statement, body="This one is spam after all.")
    removed = make_comment(statement, body="This one is removed.")
    assert "3 Responses" in public_text(statement)

    response = bulk(moderator_client, "mark_spam", [spam], "?status__exact=approved")
    assert "1 comment marked as spam." in response.content.decode()
    response = bulk(moderator_client, "remove", [removed], "?status__exact=approved")
    assert "1 comment removed." in response.content.decode()

    statement.refresh_from_db()
    assert statement.comment_count == 1
    text = public_text(statement)
    assert "1 Response" in text
    assert kept.body in text
    assert spam.body not in text and removed.body not in text
    assert LogEntry.objects.filter(user=moderator).count() == 2


def test_restore_puts_a_removed_comment_back_in_the_queue(moderator_client, statement):
    removed = make_comment(statement, status=Comment.Status.REMOVED, body="Back to the queue.")
    pending = make_comment(statement, status=Comment.Status.PENDING)
    response = bulk(moderator_client, "restore", [removed], "?status__exact=removed")
    assert "1 comment restored to the queue." in response.content.decode()
    removed.refresh_from_db()
    assert removed.status == Comment.Status.PENDING
    # Restore only touches removed comments.
    response = bulk(moderator_client, "restore", [pending])
    assert "0 comments restored to the queue." in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == Comment.Status.PENDING


def test_an_action_that_changes_nothing_says_so_and_logs_nothing(
    moderator_client, moderator, statement
):
    approved = make_comment(statement)
    response = bulk(moderator_client, "approve", [approved], "?status__exact=approved")
    assert "0 comments approved." in response.content.decode()
    assert not LogEntry.objects.filter(user=moderator).exists()


def test_changing_the_status_in_the_form_keeps_the_count_and_the_words(
    moderator_client, moderator, statement
):
    comment = make_comment(statement, status=Comment.Status.PENDING, body="Original words.")
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    assert moderator_client.get(url).status_code == 200
    response = moderator_client.post(
        url, {"status": "approved", "body": "Words changed by someone else.", "_save": "Save"}
    )
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == Comment.Status.APPROVED
    assert comment.body == "Original words."
    assert comment.moderated_by == moderator
    statement.refresh_from_db()
    assert statement.comment_count == 1
    assert LogEntry.objects.filter(user=moderator, object_id=str(comment.pk)).exists()


def test_set_status_counts_each_statement():
    first, second = factories.make_published(), factories.make_published()
    comments = [make_comment(s, status=Comment.Status.PENDING) for s in (first, second, second)]
    changed = moderation.approve(Comment.objects.filter(pk__in=[c.pk for c in comments]))
    assert changed == 3
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.comment_count, second.comment_count) == (1, 2)
    assert moderation.remove(Comment.objects.filter(statement=second)) == 2
    second.refresh_from_db()
    assert second.comment_count == 0


# -- end to end ---------------------------------------------------------------------


def test_a_visitor_comments_a_moderator_approves_everyone_sees_it(client, statement, moderator):
    response = post_comment(client, statement, body="Count me in for the vigil on Friday.")
    assert response.status_code == 303
    visitor_page = client.get(response["Location"]).content.decode()
    assert "Your comment is awaiting moderation." in visitor_page
    assert "Count me in for the vigil on Friday." in visitor_page
    assert "Count me in" not in public_text(statement)

    staff = Client()
    staff.force_login(moderator)
    queue = changelist(staff).content.decode()
    assert "Count me in for the vigil on Friday." in queue
    comment = Comment.objects.get()
    assert "1 comment approved." in bulk(staff, "approve", [comment]).content.decode()

    for viewer in (client, Client()):
        page = viewer.get(statement.get_absolute_url()).content.decode()
        text = pages.main_text(page)
        assert "1 Response" in text
        assert "Count me in for the vigil on Friday." in text
        assert "awaiting moderation" not in page


# -- deleting -----------------------------------------------------------------------


def test_deleting_selected_comments_updates_the_count_and_the_cached_page(
    moderator_client, statement
):
    kept = make_comment(statement, body="These words stay on the page.")
    deleted = make_comment(statement, body="These words are deleted for good.")
    reply = make_comment(statement, body="A reply to the deleted words.", parent=deleted)
    assert deleted.body in public_text(statement)  # and the page is now cached

    response = moderator_client.post(
        reverse(CHANGELIST) + "?status__exact=approved",
        {"action": "delete_selected", "_selected_action": [deleted.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Successfully deleted 1 comment." in response.content.decode()

    assert not Comment.objects.filter(pk=deleted.pk).exists()
    statement.refresh_from_db()
    assert statement.comment_count == 2
    text = public_text(statement)
    assert deleted.body not in text
    assert kept.body in text and reply.body in text  # the reply stays, now top level
    assert "2 Responses" in text


def test_deleting_one_comment_from_its_page_updates_the_count_and_the_cached_page(
    moderator_client, statement
):
    comment = make_comment(statement, body="Deleted from its own admin page.")
    assert comment.body in public_text(statement)
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    response = moderator_client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    statement.refresh_from_db()
    assert statement.comment_count == 0
    text = public_text(statement)
    assert comment.body not in text
    assert "No responses yet" in text
