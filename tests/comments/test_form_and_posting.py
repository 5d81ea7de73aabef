"""Leave a Reply: the form, a real post through the client, and nothing ever lost."""

import re
import time
from datetime import timedelta

import pytest
from captcha.models import CaptchaStore
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from comments import spam
from comments.captcha import question_in_words
from comments.models import Comment
from tests import factories, pages

from .conftest import (
    BODY,
    EMAIL,
    NAME,
    WEBSITE,
    assert_fresh_question,
    assert_typed_text_kept,
    comment_data,
    fetch_question,
    form_values,
    make_comment,
    post_comment,
    post_url,
)

pytestmark = pytest.mark.django_db

AWAITING = "Your comment is awaiting moderation."


def errors_of(response):
    """The error summary's lines, as read out."""
    html = response.content.decode()
    match = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return pages.main_text(f"<main>{match[0]}</main>")


# -- the form ------------------------------------------------------------------


def test_statement_page_shows_the_form_without_a_question_key(client, statement):
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    text = pages.main_text(response.content)
    for line in (
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
        "Comment *",
        "Name *",
        "Email *",
        "Website",
        "Solve : *",
        "Post Comment",
    ):
        assert line in text
    values = form_values(response)
    # The page is shared by every visitor: it must not hand them all one question.
    assert values["captcha_0"] == ""
    assert CaptchaStore.objects.count() == 0


def test_two_visitors_get_the_same_page_but_for_the_csrf_token(statement):
    """Nothing per visitor is frozen into the page a cache would share."""

    def shared_part(client):
        html = client.get(statement.get_absolute_url()).content.decode()
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
        return re.sub(r'name="form_time" value="[^"]*"', "", html)

    make_comment(statement, body="An approved comment everyone sees.")
    assert shared_part(Client()) == shared_part(Client())


def test_the_question_is_read_out_in_words(client, statement):
    response = client.post(post_url(statement), comment_data(None))
    store = assert_fresh_question(response)
    html = response.content.decode()
    answer_box = pages.attrs_of(html, "input", name="captcha_1")[0]
    assert "id_captcha_1_spoken" in answer_box["aria-describedby"].split()
    spoken = re.search(r'id="id_captcha_1_spoken"[^>]*>([^<]*)<', html)[1]
    assert spoken == question_in_words(store.challenge)
    assert answer_box["inputmode"] == "numeric"
    # The digits and signs are hidden from screen readers, which read the words.
    assert re.search(r'<span class="question__text"[^>]*aria-hidden="true"', html)


def test_every_visible_field_has_a_real_label(client, statement):
    html = client.get(statement.get_absolute_url()).content.decode()
    label_targets = {attrs["for"] for _, attrs in pages.elements(html, "label")}
    form = html[html.index('class="comment-form"') :]
    fields = [
        attrs
        for tag, attrs in pages.elements(form)
        if tag in {"input", "textarea"} and attrs.get("type") not in {"hidden", "submit"}
    ]
    assert {f["name"] for f in fields} >= {"body", "name", "email", "website", "captcha_1"}
    for field in fields:
        assert field["id"] in label_targets, field["name"]


def test_good_post_redirects_to_the_new_comment_awaiting_moderation(client, statement):
    response = post_comment(client, statement)
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert response["Location"] == f"{statement.get_absolute_url()}#comment-{comment.pk}"
    assert (comment.body, comment.name, comment.email, comment.website) == (
        BODY,
        NAME,
        EMAIL,
        WEBSITE,
    )
    assert comment.status == Comment.Status.PENDING
    assert comment.statement == statement
    assert comment.ip_address == "127.0.0.1"

    page = client.get(response["Location"])
    text = pages.main_text(page.content)
    assert AWAITING in page.content.decode()
    assert f'id="comment-{comment.pk}"' in page.content.decode()
    assert "The permit must be withdrawn." in text
    # A pending comment is not counted: the heading speaks of the visitor's own comment.
    assert "Your comment" in text
    assert "Response" not in text and "No responses yet" not in text

    stranger = Client().get(statement.get_absolute_url())
    assert "The permit must be withdrawn." not in stranger.content.decode()
    assert NAME not in stranger.content.decode()
    assert AWAITING not in stranger.content.decode()


def test_wrong_answer_keeps_everything_typed_and_gives_a_new_question(client, statement):
    parent = make_comment(statement, name="Amara Okafor")
    question = fetch_question(client)
    wrong = str((int(question["answer"]) + 1) % 101)
    data = comment_data(
        question,
        parent=str(parent.pk),
        body="First line with <tags> & “quotes”.\n\nSecond paragraph — ünïcödé.",
        name="O'Brien <Ana>",
        website="https://example.org/a?b=1&c=2",
    )
    data["captcha_1"] = wrong
    response = client.post(post_url(statement), data)

    assert response.status_code == 400
    # The statement page itself, the form back in it.
    assert pages.attrs_of(response.content, "h1", class_="statement__title")
    assert statement.title in pages.main_text(response.content)
    assert_typed_text_kept(response, data)
    assert_fresh_question(response, old_key=question["key"])
    assert not CaptchaStore.objects.filter(hashkey=question["key"]).exists()
    assert "That answer was not right. Here is a new question." in errors_of(response)
    assert "Replying to Amara Okafor." in pages.main_text(response.content)
    assert Comment.objects.count() == 1  # only the parent
    assert "no-store" in response["Cache-Control"]


def test_after_a_wrong_answer_the_new_question_posts_the_kept_comment(client, statement):
    data = comment_data(fetch_question(client), captcha_1="not a number")
    first = client.post(post_url(statement), data)
    assert first.status_code == 400
    kept = form_values(first)
    answer = CaptchaStore.objects.get(hashkey=kept["captcha_0"]).response
    second = client.post(
        post_url(statement), {**kept, "body": kept["body"].lstrip("\n"), "captcha_1": answer}
    )
    assert second.status_code == 303
    assert Comment.objects.get().body == BODY


def test_errors_sit_next_to_their_field_and_are_summed_up(client, statement):
    response = post_comment(client, statement, email="not-an-email", name="")
    assert response.status_code == 400
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary"[^>]*>', html)[0]
    assert 'id="comment-errors"' in summary and 'tabindex="-1"' in summary
    assert 'role="alert"' in summary
    for name in ("email", "name"):
        field = pages.attrs_of(html, "input", name=name)[0]
        assert field["aria-invalid"] == "true"
        assert f"id_{name}_error" in field["aria-describedby"].split()
        assert f'id="id_{name}_error"' in html
        assert f'href="#id_{name}"' in summary + html[html.index(summary) :]
    text = errors_of(response)
    assert "Email: Enter a valid email address." in text
    assert "Name: This field is required." in text


# -- single use, expiry, no script -------------------------------------------


def test_replay_of_a_solved_question_fails_with_the_text_kept(client, statement):
    question = fetch_question(client)
    assert client.post(post_url(statement), comment_data(question)).status_code == 303
    data = comment_data(question, body="A different comment, same solved question.")
    response = client.post(post_url(statement), data)
    assert response.status_code == 400
    assert_typed_text_kept(response, data)
    assert_fresh_question(response, old_key=question["key"])
    assert "expired or was already used" in errors_of(response)
    assert Comment.objects.count() == 1


def test_expired_question_fails_with_a_clear_message_and_the_text_kept(client, statement):
    question = fetch_question(client)
    CaptchaStore.objects.filter(hashkey=question["key"]).update(
        expiration=timezone.now() - timedelta(minutes=1)
    )
    data = comment_data(question)
    response = client.post(post_url(statement), data)
    assert response.status_code == 400
    assert "That question has expired or was already used. Here is a new one." in errors_of(
        response
    )
    assert_typed_text_kept(response, data)
    assert_fresh_question(response, old_key=question["key"])
    assert not Comment.objects.exists()


def test_unknown_question_key_fails(client, statement):
    data = comment_data(fetch_question(client), captcha_0="f" * 40, captcha_1="4")
    response = client.post(post_url(statement), data)
    assert response.status_code == 400
    assert "expired or was already used" in errors_of(response)
    assert_typed_text_kept(response, data)
    assert not Comment.objects.exists()


def test_without_javascript_the_first_post_brings_the_question(client, statement, settings):
    settings.COMMENTS_MIN_SECONDS = 3
    page = client.get(statement.get_absolute_url())
    # The visitor fills in the page's form (a minute of writing) and presses Post Comment.
    data = {
        **form_values(page),
        "body": BODY,
        "name": NAME,
        "email": EMAIL,
        "website": WEBSITE,
        "form_time": spam.form_time_token(shown_at=time.time() - 60),
    }
    assert data["captcha_0"] == data["captcha_1"] == ""
    response = client.post(post_url(statement), data)
    assert response.status_code == 400
    # Only the question is asked for: no other, alarming message.
    summary = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S)[0]
    assert summary.count("<li>") == 1
    assert "Please answer the question." in errors_of(response)
    assert_typed_text_kept(response, data)
    store = assert_fresh_question(response)
    kept = form_values(response)

    # They read the question, answer it, and press Post Comment again.
    kept["form_time"] = spam.form_time_token(store.hashkey, shown_at=time.time() - 5)
    again = client.post(
        post_url(statement),
        {**kept, "body": kept["body"].lstrip("\n"), "captcha_1": store.response},
    )
    assert again.status_code == 303
    assert Comment.objects.get().body == BODY


def test_without_javascript_a_post_without_a_form_time_is_held(client, statement):
    response = client.post(post_url(statement), comment_data(None))
    assert response.status_code == 400
    assert_fresh_question(response)
    assert form_values(response)["form_time"]


@pytest.mark.parametrize("padding", ["  {}  ", "0{}", " 00{}\t", "\u3000{}"])
def test_answer_with_spaces_and_leading_zeros_is_accepted(client, statement, padding):
    question = fetch_question(client)
    data = comment_data(question, captcha_1=padding.format(question["answer"]))
    assert client.post(post_url(statement), data).status_code == 303
    assert Comment.objects.count() == 1


# -- double submits ------------------------------------------------------------


def test_a_double_click_stores_one_comment(client, statement):
    data = comment_data(fetch_question(client))
    first = client.post(post_url(statement), data)
    second = client.post(post_url(statement), data)
    assert first.status_code == second.status_code == 303
    comment = Comment.objects.get()
    assert second["Location"].endswith(f"#comment-{comment.pk}")


def test_a_resubmitted_post_with_a_fresh_question_stores_one_comment(client, statement):
    first = post_comment(client, statement)
    # Same comment again, a little reformatted, with a new question answered.
    second = post_comment(client, statement, body="  " + BODY.upper().replace("\n\n", "\n"))
    assert first.status_code == second.status_code == 303
    comment = Comment.objects.get()
    assert first["Location"] == second["Location"] == comment.get_absolute_url()
    page = client.get(second["Location"])
    assert "We already have this comment" in page.content.decode()


def test_the_same_words_on_another_statement_are_another_comment(client, statement):
    other = factories.make_published("Another statement")
    assert post_comment(client, statement).status_code == 303
    assert post_comment(client, other).status_code == 303
    assert Comment.objects.count() == 2


# -- hostile and broken input --------------------------------------------------


BAD_INPUT = {
    "NUL in comment": {"body": "Hello\x00world"},
    "NUL in name": {"name": "Ro\x00sa"},
    "NUL in email": {"email": "rosa\x00@example.net"},
    "NUL in website": {"website": "https://exa\x00mple.org"},
    "NUL in answer": {"captcha_1": "1\x00"},
    "NUL in question key": {"captcha_0": "abc\x00def"},
    "NUL in reply target": {"parent": "1\x00"},
    "NUL in form time": {"form_time": "1\x00"},
    "100 KB comment": {"body": "x" * 100_000},
    "comment over 5000": {"body": "y" * 5001},
    "name over 100": {"name": "n" * 101},
    "website over 200": {"website": "https://example.org/" + "p" * 200},
    "javascript: website": {"website": "javascript:alert(1)"},
    "mixed-case javascript: website": {"website": "JaVaScRiPt:alert(document.cookie)"},
    "javascript:// website": {"website": "javascript://example.org/%0aalert(1)"},
    "data: website": {"website": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="},
    "ftp website": {"website": "ftp://example.org/file"},
    "bad email": {"email": "rosa at example"},
    "email without domain": {"email": "rosa@"},
    "bell in comment": {"body": "Ring\x07ring"},
    "escape in name": {"name": "Rosa\x1b[31m"},
    "DEL in comment": {"body": "Delete\x7fme"},
    "empty comment": {"body": "   "},
    "missing name": {"name": ""},
    "reply target that does not exist": {"parent": "999999"},
    "reply target not a number": {"parent": "first"},
}


@pytest.mark.parametrize("overrides", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_a_form_error_and_nothing_is_stored(client, statement, overrides):
    response = post_comment(client, statement, **overrides)
    assert response.status_code == 400
    assert "Your comment has not been posted yet" in response.content.decode()
    assert not Comment.objects.exists()
    assert_fresh_question(response)


def test_control_characters_get_a_message_next_to_the_field(client, statement):
    response = post_comment(client, statement, body="Line\x0bfeed")
    field_error = re.search(r'id="id_body_error">([^<]*)<', response.content.decode())[1]
    assert "control characters" in field_error


def test_tabs_and_newlines_are_fine(client, statement):
    body = "Column\tone\r\nnext line\n\nnew paragraph"
    assert post_comment(client, statement, body=body).status_code == 303
    assert Comment.objects.get().body == body


def test_missing_csrf_token_is_refused_and_nothing_stored(statement):
    client = Client(enforce_csrf_checks=True)
    response = post_comment(client, statement)
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_the_token_from_the_question_endpoint_lets_a_cached_page_post(statement):
    """The shared page's token may be stale; the script puts the visitor's own in."""
    client = Client(enforce_csrf_checks=True)
    question = fetch_question(client)
    data = comment_data(question, csrfmiddlewaretoken=question["csrf_token"])
    assert client.post(post_url(statement), data).status_code == 303
    assert Comment.objects.count() == 1


def test_posting_to_a_draft_or_unknown_statement_is_not_found(client):
    draft = factories.make_draft("Not yet public")
    assert post_comment(client, draft).status_code == 404
    assert client.post(post_url(draft).replace(draft.slug, "no-such-one")).status_code == 404
    assert not Comment.objects.exists()


def test_get_on_the_post_url_is_not_allowed(client, statement):
    assert client.get(post_url(statement)).status_code == 405


# -- the database holds the limits too -----------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "n" * 10_000), ("body", "b" * 10_000), ("website", "https://e.org/" + "w" * 300)],
)
def test_the_database_refuses_overlong_fields(statement, field, value):
    fields = {"name": "Rosa", "email": EMAIL, "body": "Hello", field: value}
    # SQLite stores any length, so the check constraint refuses it; PostgreSQL's
    # varchar(n) refuses an overlong name or website itself (a DataError).
    expected = (
        IntegrityError if connection.vendor == "sqlite" or field == "body" else DatabaseError
    )
    with pytest.raises(expected), transaction.atomic():
        Comment.objects.create(statement=statement, **fields)
    assert not Comment.objects.exists()


def test_the_length_constraints_exist_in_the_database():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Comment._meta.db_table)
    for name in ("body", "name", "website", "email"):
        assert constraints[f"comment_{name}_max_length"]["check"], name


# -- the timer and the honeypot --------------------------------------------------


def test_filled_honeypot_is_refused_with_the_text_kept(client, statement):
    question = fetch_question(client)
    data = comment_data(question, homepage="http://spam.example")
    response = client.post(post_url(statement), data)
    assert response.status_code == 400
    assert "Leave this field empty" in errors_of(response)
    assert_typed_text_kept(response, data)
    assert not Comment.objects.exists()


def test_honeypot_is_hidden_from_people(client, statement):
    html = client.get(statement.get_absolute_url()).content.decode()
    trap = re.search(r'<div class="field field--trap"[^>]*>', html)
    assert trap and 'aria-hidden="true"' in trap[0]
    assert pages.attrs_of(html, "input", name="homepage")[0]["tabindex"] == "-1"


def test_posting_too_fast_is_refused_with_the_text_kept(client, statement, settings):
    settings.COMMENTS_MIN_SECONDS = 30
    question = fetch_question(client)
    data = comment_data(question)
    response = client.post(post_url(statement), data)
    assert response.status_code == 400
    assert "quicker than a person types" in errors_of(response)
    assert_typed_text_kept(response, data)
    assert not Comment.objects.exists()
    # A minute of writing later the same comment goes through.
    later_question = fetch_question(client)
    shown = spam.form_time_token(later_question["key"], shown_at=time.time() - 60)
    later = client.post(post_url(statement), comment_data(later_question, form_time=shown))
    assert later.status_code == 303


@pytest.mark.parametrize("form_time", ["", "1700000000", "1700000000:forged-signature"])
def test_missing_or_forged_form_time_is_refused(client, statement, form_time):
    response = post_comment(client, statement, form_time=form_time)
    assert response.status_code == 400
    assert not Comment.objects.exists()


# -- closing ---------------------------------------------------------------------


def test_closed_statement_shows_closed_and_refuses_posts(client, statement):
    statement.comments_open = False
    statement.save()
    page = client.get(statement.get_absolute_url())
    assert "Comments are closed." in pages.main_text(page.content)
    assert "Leave a Reply" not in page.content.decode()
    assert not form_values(page)

    response = post_comment(client, statement)
    assert response.status_code == 403
    assert "Comments are closed." in pages.main_text(response.content)
    assert not Comment.objects.exists()


def test_closed_statement_gives_back_what_was_typed(client, statement):
    question = fetch_question(client)
    statement.comments_open = False
    statement.save()
    response = client.post(post_url(statement), comment_data(question))
    assert response.status_code == 403
    # The visitor can still copy their words.
    assert "The permit must be withdrawn." in response.content.decode()


def test_comments_close_after_the_configured_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = factories.make_published("Old statement", days_ago=31)
    recent = factories.make_published("Recent statement", days_ago=29)
    assert "Comments are closed." in pages.main_text(client.get(old.get_absolute_url()).content)
    assert post_comment(client, old).status_code == 403
    assert "Leave a Reply" in client.get(recent.get_absolute_url()).content.decode()
    assert post_comment(client, recent).status_code == 303
    assert list(Comment.objects.values_list("statement", flat=True)) == [recent.pk]

    settings.COMMENTS_CLOSE_AFTER_DAYS = 0  # off: never closes by age
    assert "Leave a Reply" in client.get(old.get_absolute_url()).content.decode()
