"""Lists, feeds and search by language; the admin links translations and refuses a second one."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test import Client

from statements.models import Statement
from tests import factories
from tests.pages import attrs_of, main_text

pytestmark = pytest.mark.django_db


def test_the_languages_index_counts_published_statements_per_language(settings):
    settings.PAGE_CACHE_SECONDS = 0
    factories.make_published("One", language="en")
    factories.make_published("Two", language="en")
    factories.make_published("Uno", language="es")
    factories.make_draft("Draft", language="ar")
    response = Client().get("/languages/")
    assert response.status_code == 200
    text = main_text(response.content.decode())
    assert "English 2 statements" in text
    assert "Español 1 statement" in text
    assert "العربيّة" not in text
    assert attrs_of(response.content, "a", href="/languages/es/", lang="es")


def test_a_language_list_shows_only_that_language():
    factories.make_published("Derechos humanos", language="es")
    factories.make_published("Human rights", language="en")
    response = Client().get("/languages/es/")
    assert response.status_code == 200
    text = main_text(response.content.decode())
    assert "Derechos humanos" in text
    assert "Human rights" not in text
    assert Client().get("/languages/xx/").status_code == 404
    assert Client().get("/languages/es/?page=9").status_code == 404


def test_a_language_feed_carries_its_language_and_only_its_statements():
    factories.make_published("Derechos humanos", language="es")
    factories.make_published("Human rights", language="en")
    rss = ET.fromstring(Client().get("/languages/es/feed/rss/").content)
    assert rss.findtext("channel/language") == "es"
    assert [i.findtext("title") for i in rss.iter("item")] == ["Derechos humanos"]
    atom = Client().get("/languages/es/feed/atom/")
    assert atom.status_code == 200
    assert b'xml:lang="es"' in atom.content
    assert Client().get("/languages/xx/feed/rss/").status_code == 404


def test_a_new_language_list_appears_when_a_statement_is_published_in_it(settings):
    settings.PAGE_CACHE_SECONDS = 300
    factories.make_published("Human rights", language="en")
    assert "Türkçe" not in main_text(Client().get("/languages/").content.decode())
    factories.make_published("İnsan hakları", language="tr")
    assert "Türkçe" in main_text(Client().get("/languages/").content.decode())


def test_cards_in_lists_carry_the_statement_language():
    factories.make_published("الماء حق", language="ar", summary="ملخص")
    html = Client().get("/").content.decode()
    assert attrs_of(html, "h2", class_="card__title", lang="ar", dir="rtl")
    assert attrs_of(html, "p", class_="card__summary", lang="ar", dir="rtl")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL text search")
def test_search_reads_each_language_with_its_own_stemming():
    factories.make_published(
        "Las trabajadoras migrantes", language="es", body="<p>Derechos laborales.</p>"
    )
    factories.make_published("Migrant workers", language="en", body="<p>Labour rights.</p>")
    factories.make_published("حقوق الإنسان", language="ar", body="<p>نص</p>")
    found = lambda q, **kw: list(  # noqa: E731
        Statement.objects.published().search(q, **kw).values_list("title", flat=True)
    )
    # Spanish stemming: "trabajadores" finds "trabajadoras"; English stemming would not.
    assert found("trabajadores") == ["Las trabajadoras migrantes"]
    assert found("workers") == ["Migrant workers"]
    # Arabic: the article "ال" is stripped.
    assert found("الحقوق") == ["حقوق الإنسان"]
    assert found("trabajadores", language="en") == []
    response = Client().get("/search/", {"q": "trabajadores", "language": "es"})
    assert "Las trabajadoras migrantes" in main_text(response.content.decode())


def test_search_can_be_limited_to_a_language():
    factories.make_published("Water rights", language="en")
    factories.make_published("Water rights (es)", language="es")
    response = Client().get("/search/", {"q": "water", "language": "es"})
    text = main_text(response.content.decode())
    assert "Water rights (es)" in text
    assert "Water rights " not in text.replace("Water rights (es)", "")
    # An unknown language is ignored, not an error.
    assert Client().get("/search/", {"q": "water", "language": "<x>"}).status_code == 200


def test_the_admin_refuses_a_second_translation_in_the_same_language(editor_client):
    english = factories.make_published("Original", language="en")
    factories.make_published("Primera", language="es", translation_of=english)
    organization = factories.make_organization()
    response = editor_client.post(
        "/admin/statements/statement/add/",
        {
            "title": "Segunda",
            "slug": "segunda",
            "organizations": [organization.pk],
            "statement_date": "2026-01-02",
            "language": "es",
            "translation_of": english.pk,
            "status": "draft",
            "publish_at_0": "2026-01-02",
            "publish_at_1": "10:00",
            "editor_notes-TOTAL_FORMS": "0",
            "editor_notes-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "is already the español version of this statement" in response.content.decode()
    assert not Statement.objects.filter(slug="segunda").exists()


def test_a_language_sitemap_lists_only_that_language():
    spanish = factories.make_published("Derechos humanos", language="es")
    english = factories.make_published("Human rights", language="en")
    response = Client().get("/languages/es/sitemap.xml")
    assert response.status_code == 200
    body = response.content.decode()
    assert spanish.get_absolute_url() in body
    assert english.get_absolute_url() not in body
    assert Client().get("/languages/xx/sitemap.xml").status_code == 404
    everything = Client().get("/sitemap.xml").content.decode()
    assert spanish.get_absolute_url() in everything and english.get_absolute_url() in everything
