"""Helpers for the comment tests: a visitor's question, a post, and reading the form back."""

from html.parser import HTMLParser

import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from comments.moderation import refresh_comment_counts
from tests import factories

BODY = "We stand with the river communities.\n\nThe permit must be withdrawn."
NAME = "Rosa Quintero-Valdés"
EMAIL = "rosa.quintero@example.net"
WEBSITE = "https://rosa.example.net/blog"


@pytest.fixture(autouse=True)
def _clear_cache():
    """The rate limit lives in the cache: every test starts with a clean count."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def statement(db):
    return factories.make_published("Clean water for every village")


def post_url(statement):
    return reverse("comments:post", args=[statement.slug])


def fetch_question(client):
    """What the page's script fetches, plus the answer the server stored for it."""
    response = client.get(reverse("comments:question"))
    assert response.status_code == 200
    data = response.json()
    data["answer"] = CaptchaStore.objects.get(hashkey=data["key"]).response
    return data


def comment_data(question=None, **overrides):
    """A complete, valid comment form; `question` from fetch_question (None: no script)."""
    data = {
        "body": BODY,
        "name": NAME,
        "email": EMAIL,
        "website": WEBSITE,
        "parent": "",
        "homepage": "",
        "form_time": question["form_time"] if question else "",
        "captcha_0": question["key"] if question else "",
        "captcha_1": question["answer"] if question else "",
    }
    data.update(overrides)
    return data


def post_comment(client, statement, headers=None, **overrides):
    """Fetch a question as the script does, answer it, and post the form."""
    data = comment_data(fetch_question(client), **overrides)
    return client.post(post_url(statement), data, headers=headers)


def make_comment(statement, *, status=Comment.Status.APPROVED, **fields):
    """A comment stored directly (as if already moderated), with the count kept in step."""
    n = Comment.objects.count() + 1
    fields.setdefault("name", f"Commenter {n}")
    fields.setdefault("email", f"commenter{n}@example.com")
    fields.setdefault("body", f"Comment number {n} on this statement.")
    comment = Comment.objects.create(statement=statement, status=status, **fields)
    refresh_comment_counts([statement.pk])
    statement.refresh_from_db()
    return comment


class _FormReader(HTMLParser):
    """The values of the comment form's fields, as the browser would show them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values = {}
        self.in_form = False
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "form" and "comment-form" in attrs.get("class", "").split():
            self.in_form = True
        if not self.in_form:
            return
        if tag == "input" and "name" in attrs:
            self.values[attrs["name"]] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self.values[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self.in_form = False

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(response):
    reader = _FormReader()
    reader.feed(response.content.decode())
    return reader.values


def assert_typed_text_kept(response, data):
    """Everything the visitor typed is back in the form; the answer box is empty."""
    values = form_values(response)
    for field in ("name", "email", "website", "parent"):
        assert values[field] == data[field], field
    # A textarea's first newline is eaten by the HTML parser, as in a browser.
    assert values["body"].lstrip("\n").replace("\r\n", "\n") == data["body"]
    assert values["captcha_1"] == ""
    return values


def assert_fresh_question(response, old_key=None):
    """The form carries a new, stored, unexpired question (its text shown in text mode)."""
    key = form_values(response)["captcha_0"]
    assert key, "the form came back without a question"
    assert key != old_key
    store = CaptchaStore.objects.get(hashkey=key)
    assert store.challenge in response.content.decode()
    return store
