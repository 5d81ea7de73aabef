"""A moderator's reply from the admin: the organization's name, a Staff mark, published at once."""

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests import pages

from .conftest import make_comment

pytestmark = pytest.mark.django_db

REPLY = "Thank you, Amara. The board meets on the 12th; we will be there."


def reply_url(comment):
    return reverse("admin:comments_comment_reply", args=[comment.pk])


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def public_page(statement):
    return Client().get(statement.get_absolute_url())


@pytest.fixture
def question(statement):
    return make_comment(statement, name="Amara Okafor", body="When does the water board meet?")


def staff_items(response):
    return pages.attrs_of(response.content, "li", class_="comment--staff")


def test_the_change_page_has_a_reply_form(moderator_client, question, settings):
    page = moderator_client.get(change_url(question))
    text = pages.main_text(page.content)
    assert f"Reply as {settings.SITE_NAME}" in text
    assert "Published at once on the statement’s page" in text
    form = pages.attrs_of(page.content, "form", action=reply_url(question))
    assert form and form[0]["method"] == "post"
    assert pages.attrs_of(page.content, "textarea", name="body", id="id_body")


def test_a_staff_reply_is_published_at_once_with_the_name_and_mark(
    moderator_client, moderator, question, statement, settings
):
    settings.SITE_NAME = "River Rights Coalition"
    assert len(staff_items(public_page(statement))) == 0  # and now cached
    response = moderator_client.post(reply_url(question), {"body": REPLY}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(question)
    assert "Your reply is published." in response.content.decode()
    reply = Comment.objects.get(by_staff=True)
    assert (reply.parent, reply.status, reply.moderated_by) == (
        question,
        Comment.Status.APPROVED,
        moderator,
    )
    page = public_page(statement)  # the cached page was refreshed
    [item] = staff_items(page)
    assert item["id"] == f"comment-{reply.pk}"
    text = pages.main_text(page.content)
    pages.assert_in_order(
        text,
        [
            "Amara Okafor",
            "When does the water board meet?",
            "River Rights Coalition",
            "Staff",
            REPLY,
        ],
    )
    # Nested under the comment it answers; named for screen readers with its mark.
    html = page.content.decode()
    question_at = html.index(f'id="comment-{question.pk}"')
    replies_at = html.index("comment-list--replies", question_at)
    assert question_at < replies_at < html.index(f'id="comment-{reply.pk}"')
    [article] = pages.attrs_of(
        page.content,
        "article",
        **{"aria-labelledby": f"comment-{reply.pk}-author comment-{reply.pk}-staff"},
    )
    assert article
    assert moderator.email not in html
    statement.refresh_from_db()
    assert statement.comment_count == 2
    entry = LogEntry.objects.get(object_id=str(reply.pk))
    assert (entry.user, entry.action_flag, entry.change_message) == (
        moderator,
        ADDITION,
        "Staff reply",
    )


def test_the_reply_shows_the_sites_present_name(moderator_client, question, statement):
    from branding.models import SINGLE_ROW, SiteSettings

    moderator_client.post(reply_url(question), {"body": REPLY})
    # Renamed in the admin's site settings (branding), after the reply was posted.
    SiteSettings(pk=SINGLE_ROW, name="The Renamed Coalition").save()
    assert "The Renamed Coalition Staff" in pages.main_text(public_page(statement).content)


def test_replying_to_a_waiting_comment_approves_it(moderator_client, moderator, statement):
    waiting = make_comment(statement, status=Comment.Status.PENDING, body="Is it true?")
    page = moderator_client.get(change_url(waiting))
    assert "Replying approves this comment too." in pages.main_text(page.content)
    moderator_client.post(reply_url(waiting), {"body": "Yes, it is."})
    waiting.refresh_from_db()
    assert waiting.status == Comment.Status.APPROVED
    text = pages.main_text(public_page(statement).content)
    pages.assert_in_order(text, ["Is it true?", "Yes, it is."])
    assert [e.change_message for e in LogEntry.objects.order_by("pk")] == [
        "Approved on replying",
        "Staff reply",
    ]
    assert LogEntry.objects.order_by("pk").first().action_flag == CHANGE


@pytest.mark.parametrize(
    ("body", "error", "kept"),
    [
        ("   \n  ", "This field is required.", ""),
        ("x" * 5001, "Ensure this value has at most 5000 characters", "x" * 5001),
        ("Thanks \x07 for asking", "control characters", "Thanks"),
    ],
)
def test_a_bad_reply_keeps_the_text_and_stores_nothing(
    moderator_client, question, body, error, kept, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        response = moderator_client.post(reply_url(question), {"body": body})
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    [textarea] = pages.attrs_of(response.content, "textarea", name="body")
    assert textarea["aria-invalid"] == "true"
    assert f"{kept}</textarea>" in html if kept == "x" * 5001 else kept in html
    assert Comment.objects.count() == 1
    assert LogEntry.objects.count() == 0


def test_spam_and_removed_comments_get_no_reply(moderator_client, statement):
    spam = make_comment(statement, status=Comment.Status.SPAM)
    page = moderator_client.get(change_url(spam))
    assert not pages.attrs_of(page.content, "form", action=reply_url(spam))
    response = moderator_client.post(reply_url(spam), {"body": REPLY}, follow=True)
    assert "Only published or waiting comments can be answered." in response.content.decode()
    assert not Comment.objects.filter(by_staff=True).exists()


def test_only_moderators_reply(editor_client, question):
    assert editor_client.post(reply_url(question), {"body": REPLY}).status_code == 403
    assert Client().post(reply_url(question), {"body": REPLY}).status_code == 302  # to log in
    assert not Comment.objects.filter(by_staff=True).exists()


def test_the_reply_page_without_javascript(
    moderator_client, question, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        page = moderator_client.get(reply_url(question))
    assert page.status_code == 200
    assert "When does the water board meet?" in pages.main_text(page.content)
