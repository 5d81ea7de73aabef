"""DatabaseUnavailableMiddleware, in-process: a database error is a 503 wherever it is raised.

test_faults.py stops a real PostgreSQL under a real gunicorn; these tests make
one database call fail on purpose, on whichever database the suite runs on.
"""

import pytest
from captcha.models import CaptchaStore
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from statements.views import HomeView
from tests import factories

pytestmark = pytest.mark.django_db


def outage(error=OperationalError):
    """The error a database that is away raises here (on SQLite: a busy database)."""
    if connection.vendor == "sqlite":
        return error("database is locked")
    return error("server closed the connection unexpectedly")


def assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert "Back in a moment" in response.content.decode()


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_database_error_in_a_view_is_a_503(client, monkeypatch, error):
    def broken(self):
        raise outage(error)

    monkeypatch.setattr(HomeView, "get_queryset", broken)
    assert_friendly_503(client.get("/"))


def test_other_errors_stay_500s(monkeypatch):
    def broken(self):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(HomeView, "get_queryset", broken)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_database_lost_while_saving_the_session_after_a_comment_is_a_503(settings, monkeypatch):
    """The comment is committed, then the session save fails: a 503, not a 500 trace."""
    settings.COMMENTS_MIN_SECONDS = 0
    cache.clear()
    statement = factories.make_published("Clean water for every village")
    visitor = Client(raise_request_exception=False)

    def post():
        question = visitor.get(reverse("comments:question")).json()
        answer = CaptchaStore.objects.get(hashkey=question["key"]).response
        form = {
            "body": "Posted as the database went away.",
            "name": "Rosa Quintero-Valdés",
            "email": "rosa.quintero@example.net",
            "form_time": question["form_time"],
            "captcha_0": question["key"],
            "captcha_1": answer,
        }
        return visitor.post(reverse("comments:post", args=[statement.slug]), form)

    def lost(self, must_create=False):
        raise outage()

    with monkeypatch.context() as patch:
        patch.setattr(SessionStore, "save", lost)
        assert_friendly_503(post())

    # The visitor goes back and posts again, as the page says: one comment, acknowledged.
    again = post()
    assert again.status_code == 303
    assert Comment.objects.filter(body="Posted as the database went away.").count() == 1
    cache.clear()


def test_an_sql_error_on_sqlite_stays_a_500(monkeypatch):
    """On SQLite an OperationalError is usually a bug in a query; it must not hide as a 503."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL reports SQL errors as ProgrammingError, not OperationalError")

    def broken(self):
        raise OperationalError("no such column: statements_statement.nothing")

    monkeypatch.setattr(HomeView, "get_queryset", broken)
    assert Client(raise_request_exception=False).get("/").status_code == 500


def test_a_comment_posted_during_an_outage_comes_back_on_the_503_page(monkeypatch):
    """The 503 page cannot show the statement, but it shows what the visitor wrote."""
    from comments.views import PostCommentView

    statement = factories.make_published("Clean water for every village")

    def broken(self):
        raise outage()

    monkeypatch.setattr(PostCommentView, "get_object", broken)
    body = "Line one of what I wrote <b>with markup</b>.\n\nAnd a second paragraph."
    response = Client(raise_request_exception=False).post(
        reverse("comments:post", args=[statement.slug]),
        {"body": body, "name": "Ama Owusu", "email": "ama@example.org", "website": ""},
    )
    assert_friendly_503(response)
    html = response.content.decode()
    assert "Line one of what I wrote &lt;b&gt;with markup&lt;/b&gt;." in html
    assert "Ama Owusu" in html
    assert "<b>with markup</b>" not in html
    assert not Comment.objects.exists()
