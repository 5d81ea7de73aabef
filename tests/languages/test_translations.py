"""Statements in several languages: each page links the others, in its own language and direction."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from statements.models import Statement
from tests import factories
from tests.pages import attrs_of, elements, main_text

pytestmark = pytest.mark.django_db


def _page(statement):
    response = Client().get(statement.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def _alternates(html):
    return {
        a["hreflang"]: a["href"]
        for a in attrs_of(html, "link", rel="alternate")
        if "hreflang" in a
    }


@pytest.fixture
def trio():
    english = factories.make_published("Water is a right", language="en", days_ago=3)
    arabic = factories.make_published(
        "الماء حق", language="ar", translation_of=english, days_ago=2
    )
    spanish = factories.make_published(
        "El agua es un derecho", language="es", translation_of=english, days_ago=1
    )
    return english, arabic, spanish


def test_each_translation_links_the_others_with_hreflang_and_x_default(trio):
    english, arabic, spanish = trio
    html = _page(arabic)
    base = "http://testserver"
    assert _alternates(html) == {
        "en": base + english.get_absolute_url(),
        "es": base + spanish.get_absolute_url(),
        "ar": base + arabic.get_absolute_url(),
        "x-default": base + english.get_absolute_url(),
    }
    also = attrs_of(html, "nav", class_="also-in")
    assert also, "no 'Also in' list"
    links = [a for a in attrs_of(html, "a") if a.get("hreflang")]
    assert [(a["href"], a["lang"]) for a in links] == [
        (english.get_absolute_url(), "en"),
        (spanish.get_absolute_url(), "es"),
    ]
    english_html = _page(english)
    assert "العربيّة" in main_text(english_html)
    assert "Español" in main_text(english_html)


def test_an_arabic_statement_gets_an_arabic_right_to_left_page_on_an_english_site(trio, settings):
    assert settings.LANGUAGE_CODE == "en"
    _, arabic, _ = trio
    html = _page(arabic)
    (_, root), *_ = elements(html, "html")
    assert (root["lang"], root["dir"]) == ("ar", "rtl")
    (article,) = attrs_of(html, "article", class_="statement")
    assert (article["lang"], article["dir"]) == ("ar", "rtl")
    # The interface around it speaks Arabic too (its catalogue ships with the site).
    assert "بحث" in html  # the search button
    # The English original stays an English, left-to-right page.
    (_, root), *_ = elements(_page(trio[0]), "html")
    assert (root["lang"], root["dir"]) == ("en", "ltr")


def test_a_language_the_interface_lacks_marks_the_statement_only(settings):
    persian = factories.make_published("آب حق است", language="fa")
    html = _page(persian)
    (_, root), *_ = elements(html, "html")
    assert (root["lang"], root["dir"]) == ("en", "ltr")
    (article,) = attrs_of(html, "article", class_="statement")
    assert (article["lang"], article["dir"]) == ("fa", "rtl")
    assert "Search" in html


def test_unpublished_translations_are_not_linked(trio):
    english, arabic, spanish = trio
    spanish.status = Statement.Status.DRAFT
    spanish.save()
    factories.make_scheduled("Französisch", language="de", translation_of=english)
    assert set(_alternates(_page(english))) == {"en", "ar", "x-default"}


def test_a_statement_alone_has_no_alternates():
    html = _page(factories.make_published("Only in English"))
    assert _alternates(html) == {}
    assert not attrs_of(html, "nav", class_="also-in")


def test_publishing_a_translation_refreshes_the_cached_pages_of_the_others(settings):
    settings.PAGE_CACHE_SECONDS = 300
    english = factories.make_published("Housing for all", language="en")
    assert "Español" not in main_text(_page(english))  # cached now
    spanish = factories.make_draft("Vivienda para todos", language="es", translation_of=english)
    spanish.status = Statement.Status.PUBLISHED
    spanish.save()
    assert "Español" in main_text(_page(english))


def test_a_translation_of_a_translation_joins_the_original():
    english = factories.make_published("Original", language="en")
    spanish = factories.make_published("Traducción", language="es", translation_of=english)
    arabic = factories.make_published("ترجمة", language="ar", translation_of=spanish)
    arabic.refresh_from_db()
    assert arabic.translation_of_id == english.pk
    assert set(_alternates(_page(spanish))) == {"en", "es", "ar", "x-default"}


def test_the_statement_page_costs_the_same_queries_with_or_without_translations(trio, settings):
    settings.PAGE_CACHE_SECONDS = 0
    english, _, _ = trio
    client = Client()
    client.get(english.get_absolute_url())  # warm the prepared statements

    with CaptureQueriesContext(connection) as with_translations:
        client.get(english.get_absolute_url())
    alone = factories.make_published("Alone")
    client.get(alone.get_absolute_url())
    with CaptureQueriesContext(connection) as without:
        client.get(alone.get_absolute_url())
    assert len(with_translations) == len(without)
