"""A single comment's admin page: Approve / Spam / Remove, and blocking a spammer from there."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from comments.models import BlockedTerm, Comment
from tests import factories, pages

from .conftest import EMAIL, make_comment, post_comment

pytestmark = pytest.mark.django_db


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def moderate_url(comment):
    return reverse("admin:comments_comment_moderate", args=[comment.pk])


def block_url(comment):
    return reverse("admin:comments_comment_block", args=[comment.pk])


def buttons(response):
    return [
        (attrs["value"], attrs.get("class", ""))
        for attrs in pages.attrs_of(response.content, "button", name="action")
    ]


def public_text(statement):
    return pages.main_text(Client().get(statement.get_absolute_url()).content)


@pytest.fixture
def spammy(statement):
    return make_comment(
        statement,
        status=Comment.Status.PENDING,
        name="Cheap Pills",
        email="Pills+77@Mailer.example",
        website="https://www.pills.example/buy",
        body="Great post! Visit https://cheap-meds.example/x and https://www.pills.example/y",
    )


def test_a_waiting_comments_page_has_the_three_buttons(moderator_client, statement):
    comment = make_comment(statement, status=Comment.Status.PENDING)
    page = moderator_client.get(change_url(comment))
    assert page.status_code == 200
    assert [value for value, _ in buttons(page)] == ["approve", "mark_spam", "remove"]
    assert "Moderate this comment" in pages.main_text(page.content)
    form = pages.attrs_of(page.content, "form", action=moderate_url(comment))
    assert form and form[0]["method"] == "post"


def test_an_approved_comment_offers_spam_and_remove_only(moderator_client, statement):
    comment = make_comment(statement)
    assert [v for v, _ in buttons(moderator_client.get(change_url(comment)))] == [
        "mark_spam",
        "remove",
    ]


def test_approve_button_publishes_and_logs(moderator_client, moderator, statement):
    comment = make_comment(statement, status=Comment.Status.PENDING, body="Count me in.")
    public_text(statement)  # cached now, without the comment
    response = moderator_client.post(moderate_url(comment), {"action": "approve"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(comment)
    assert "The comment is approved and published." in response.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == (Comment.Status.APPROVED, moderator)
    entry = LogEntry.objects.get()
    assert (entry.user, entry.action_flag, entry.change_message) == (moderator, CHANGE, "Approved")
    assert "Count me in." in public_text(statement)


def test_remove_button_takes_a_comment_off_the_page(moderator_client, statement):
    comment = make_comment(statement, body="Off topic here.")
    assert "Off topic here." in public_text(statement)
    moderator_client.post(moderate_url(comment), {"action": "remove"})
    comment.refresh_from_db()
    assert comment.status == Comment.Status.REMOVED
    assert "Off topic here." not in public_text(statement)
    statement.refresh_from_db()
    assert statement.comment_count == 0


def test_the_buttons_need_a_post_csrf_and_the_right(statement, moderator, editor_client):
    comment = make_comment(statement, status=Comment.Status.PENDING)
    assert editor_client.post(moderate_url(comment), {"action": "approve"}).status_code == 403
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(moderator)
    assert checked.post(moderate_url(comment), {"action": "approve"}).status_code == 403
    assert checked.get(moderate_url(comment)).status_code == 405
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING
    assert LogEntry.objects.count() == 0


def test_an_unknown_action_is_a_400(moderator_client, statement):
    comment = make_comment(statement, status=Comment.Status.PENDING)
    response = moderator_client.post(moderate_url(comment), {"action": "delete"})
    assert response.status_code == 400
    assert Comment.objects.filter(pk=comment.pk, status=Comment.Status.PENDING).exists()


def test_marking_spam_offers_the_address_and_link_domains(
    moderator_client, spammy, django_assert_num_queries
):
    response = moderator_client.post(moderate_url(spammy), {"action": "mark_spam"})
    assert response.status_code == 302
    assert response["Location"] == block_url(spammy)
    spammy.refresh_from_db()
    assert spammy.status == Comment.Status.SPAM
    # Session and user, the comment, the permission checks, the blocked terms, and the
    # site settings (branding: read once, the cache being cold in a test).
    with django_assert_num_queries(8):
        page = moderator_client.get(block_url(spammy))
    offered = [a["value"] for a in pages.attrs_of(page.content, "input", name="term")]
    # The address without its +tag; the domains without "www."; never the mail provider's.
    assert offered == [
        "email:pills@mailer.example",
        "domain:pills.example",
        "domain:cheap-meds.example",
    ]
    assert all(
        "checked" not in a for a in pages.attrs_of(page.content, "input", name="term")
    )  # nothing is blocked unless chosen
    assert len(pages.attrs_of(page.content, "label", class_="vCheckboxLabel")) == 3


def test_blocking_the_chosen_terms_sends_the_next_comment_to_spam(
    moderator_client, moderator, spammy, statement, client
):
    moderator_client.post(moderate_url(spammy), {"action": "mark_spam"})
    response = moderator_client.post(
        block_url(spammy),
        {"term": ["domain:pills.example", "domain:forged.example"]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == change_url(spammy)
    assert "Added to the blocklist: pills.example." in response.content.decode()
    assert list(BlockedTerm.objects.values_list("kind", "value")) == [("domain", "pills.example")]
    entry = LogEntry.objects.get(action_flag=ADDITION)
    assert (entry.user, entry.object_repr) == (
        moderator,
        "Domain (of the email or website): pills.example",
    )
    # A visitor posting with a link to that domain (a subdomain, even) goes straight to spam.
    visitor = Client()
    post_comment(visitor, statement, website="https://shop.pills.example/", email=EMAIL)
    assert Comment.objects.filter(email=EMAIL).get().status == Comment.Status.SPAM


def test_terms_already_blocked_are_not_offered_again(moderator_client, spammy):
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.EMAIL, value="PILLS@mailer.example")
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="pills.example.")
    BlockedTerm.objects.create(kind=BlockedTerm.Kind.DOMAIN, value="cheap-meds.example")
    response = moderator_client.post(moderate_url(spammy), {"action": "mark_spam"})
    # Nothing left to offer: back on the comment's page.
    assert response["Location"] == change_url(spammy)


def test_a_moderator_without_the_blocklist_right_is_not_offered_it(statement, spammy):
    clerk = factories.make_user("clerk", staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_comment", "change_comment"])
    )
    client = Client()
    client.force_login(clerk)
    response = client.post(moderate_url(spammy), {"action": "mark_spam"})
    assert response["Location"] == change_url(spammy)
    assert client.get(block_url(spammy)).status_code == 403
    assert client.post(block_url(spammy), {"term": "domain:pills.example"}).status_code == 403
    assert not BlockedTerm.objects.exists()


def test_no_such_comment_is_a_404(moderator_client):
    assert (
        moderator_client.post(
            "/admin/comments/comment/999/moderate/", {"action": "approve"}
        ).status_code
        == 404
    )
