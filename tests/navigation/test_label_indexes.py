"""/topics/ and /organizations/: every topic and organization with published statements, counted."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.pages import main_text

pytestmark = pytest.mark.django_db


def test_topics_are_listed_with_their_published_statements_counted(settings):
    settings.PAGE_CACHE_SECONDS = 0
    housing = factories.make_topic("Housing")
    water = factories.make_topic("Water")
    factories.make_topic("Transport")  # nothing published: not listed
    factories.make_published("Rent freeze now", topics=[housing, water])
    factories.make_published("Clean taps", topics=[water])
    factories.make_draft("Not yet", topics=[housing])
    factories.make_scheduled("Next week", topics=[housing])
    with CaptureQueriesContext(connection) as queries:
        response = Client().get("/topics/")
    assert response.status_code == 200
    text = main_text(response.content.decode())
    assert "Housing 1 statement" in text
    assert "Water 2 statements" in text
    assert "Transport" not in text
    assert 'href="/topics/housing/"' in response.content.decode()
    assert len(queries) <= 3, "\n".join(q["sql"] for q in queries)


def test_organizations_are_listed_and_the_cached_index_follows_a_publication():
    union = factories.make_organization("Tenants Union")
    visitor = Client()
    assert "Tenants Union" not in main_text(visitor.get("/organizations/").content.decode())
    factories.make_published("We strike", organizations=[union])
    text = main_text(visitor.get("/organizations/").content.decode())
    assert "Tenants Union 1 statement" in text
    union.name = "Tenants' Union of the City"
    union.save()
    text = main_text(visitor.get("/organizations/").content.decode())
    assert "Tenants' Union of the City 1 statement" in text


def test_an_empty_site_says_so():
    response = Client().get("/topics/")
    assert response.status_code == 200
    assert "No statements have been published yet." in main_text(response.content.decode())
