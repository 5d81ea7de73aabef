"""A visitor without JavaScript gets the question before the first submit (Tor Browser, safest)."""

import pytest
from captcha.models import CaptchaStore
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests import factories
from tests.pages import attrs_of

from .conftest import BODY, EMAIL, NAME, assert_fresh_question, form_values, make_comment

pytestmark = pytest.mark.django_db


def respond_url(statement):
    return reverse("comments:respond", args=[statement.slug])


def test_the_shared_statement_page_links_to_a_form_with_its_question(statement, settings):
    settings.PAGE_CACHE_SECONDS = 300
    response = Client().get(statement.get_absolute_url())
    html = response.content.decode()
    # The page stays shareable: no question, no token of anyone's in it.
    assert form_values(response)["captcha_0"] == ""
    assert form_values(response)["csrfmiddlewaretoken"] == ""
    assert "<noscript>" in html
    assert attrs_of(html, "a", href=respond_url(statement))


def test_without_javascript_the_comment_page_has_the_question_and_posts_first_time(statement):
    client = Client(enforce_csrf_checks=True)
    page = client.get(respond_url(statement))
    assert page.status_code == 200
    assert "no-cache" in page["Cache-Control"] and "private" in page["Cache-Control"]
    store = assert_fresh_question(page)
    values = form_values(page)
    assert values["csrfmiddlewaretoken"]
    assert values["form_time"]
    # The browser posts what the page holds, with what the visitor typed and answered.
    values.update(body=BODY, name=NAME, email=EMAIL, captcha_1=store.response)
    response = client.post(reverse("comments:post", args=[statement.slug]), values)
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.body, comment.status) == (BODY, Comment.Status.PENDING)


def test_a_reply_without_javascript_gets_its_question_too(statement):
    parent = make_comment(statement, name="Amal")
    page = Client().get(statement.get_absolute_url(), {"replytocom": parent.pk})
    assert_fresh_question(page)
    assert form_values(page)["parent"] == str(parent.pk)
    own_page = Client().get(respond_url(statement), {"replytocom": parent.pk})
    assert "Replying to Amal." in own_page.content.decode()
    assert form_values(own_page)["parent"] == str(parent.pk)


def test_the_comment_page_speaks_the_statement_language():
    arabic = factories.make_published("الماء حق", language="ar")
    html = Client().get(respond_url(arabic)).content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "اترك ردًا" in html  # "Leave a Reply"


def test_closed_and_unknown_statements(statement):
    closed = factories.make_published("Closed", comments_open=False)
    html = Client().get(respond_url(closed)).content.decode()
    assert "Comments are closed." in html
    assert not CaptchaStore.objects.exists()
    draft = factories.make_draft("Draft")
    assert Client().get(respond_url(draft)).status_code == 404
    assert Client().get("/comments/statements/nothing-here/respond/").status_code == 404
