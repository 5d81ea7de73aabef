"""Redirects staff add by hand, and what the middleware does with addresses it does not know."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redirects.models import Redirect
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_editor_adds_a_redirect_in_the_admin_and_it_answers(editor_client, client):
    factories.make_published("Housing now", slug="housing-now")
    response = editor_client.post(
        "/admin/redirects/redirect/add/",
        {"old_path": "/campaigns/housing", "new_url": "/statements/housing-now/", "note": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.get("/campaigns/housing")
    assert (response.status_code, response["Location"]) == (301, "/statements/housing-now/")
    listing = editor_client.get("/admin/redirects/redirect/").content.decode()
    assert "/campaigns/housing" in listing


def test_the_admin_refuses_addresses_that_are_not_paths(editor_client):
    response = editor_client.post(
        "/admin/redirects/redirect/add/",
        {"old_path": "campaigns", "new_url": "//evil.example/", "note": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "starting with “/”" in page
    assert "single “/”" in page
    assert Redirect.objects.count() == 0


def test_a_moderator_cannot_edit_redirects(moderator_client):
    assert moderator_client.get("/admin/redirects/redirect/").status_code == 403


def test_a_page_that_exists_costs_no_redirect_lookup(client):
    statement = factories.make_published("Here", slug="here")
    Redirect.objects.create(old_path="/statements/here/", new_url="/elsewhere/")
    client.get(statement.get_absolute_url())  # cached now
    with CaptureQueriesContext(connection) as queries:
        assert client.get(statement.get_absolute_url()).status_code == 200
    assert not [q for q in queries if "redirects_redirect" in q["sql"]]


def test_an_unknown_address_is_still_a_404(client):
    assert client.get("/2019/01/nothing-here/").status_code == 404
    assert client.get("/?p=999").status_code == 200  # the home page, as before


@pytest.mark.parametrize("path", ["/archive/%2500/", "/x/%00/", "/%25E2%2582%25AC/"])
def test_encoded_and_null_characters_are_a_404_not_a_500(client, path):
    Redirect.objects.create(old_path="/€/", new_url="/elsewhere/")
    response = client.get(path)
    assert response.status_code in (400, 404)


def test_a_unicode_old_address_matches_in_either_spelling(client):
    Redirect.objects.create(
        old_path="/2023/05/d%c3%a9claration/", new_url="/statements/declaration/"
    )
    for path in ("/2023/05/d%c3%a9claration/", "/2023/05/déclaration/"):
        assert client.get(path)["Location"] == "/statements/declaration/"
