"""With LANGUAGE_CODE es or ar, the statement admin speaks that language: our labels, not only Django's."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories, pages

pytestmark = pytest.mark.django_db

# language → what the statement's form and list must say in it
SAYS = {
    "es": {
        "fieldsets": ["Publicación", "Idioma", "Imagen destacada", "Republicación"],
        "labels": [
            "Título",
            "Fecha de la declaración",
            "Publicar el",
            "Publicada originalmente por",
        ],
        "help": "La fecha en que las organizaciones la emitieron; puede diferir de la fecha de "
        "publicación.",
        "description": "Rellene estos campos al republicar la declaración de una organización "
        "aliada.",
        "status": ["Borrador", "Publicada"],
        "column": "Estado",
        "states": ["Borrador", "Programada", "Publicada"],
        "links": ["Ver", "Vista previa"],
    },
    "ar": {
        "fieldsets": ["النشر", "اللغة", "الصورة البارزة", "إعادة النشر"],
        "labels": ["العنوان", "تاريخ البيان", "النشر في", "الناشر الأصلي"],
        "help": "التاريخ الذي أصدرت فيه المنظمات البيان؛ وقد يختلف عن تاريخ النشر.",
        "description": "املأ هذه الحقول عند إعادة نشر بيان لجهة حليفة.",
        "status": ["مسودة", "منشور"],
        "column": "الحالة",
        "states": ["مسودة", "مجدول", "منشور"],
        "links": ["عرض", "معاينة"],
    },
}

# Our English labels, none of which may be left on the Spanish or Arabic page.
ENGLISH_FORM = [
    "Publishing",
    "Featured image",
    "Repost",
    "Fill these in when reposting",
    "Date of the statement",
    "The date the organizations issued it",
    "Originally published by",
    "Do not email subscribers",
    "One or two sentences for lists",
    "Draft",
    "Published",
]
ENGLISH_LIST = ["Draft", "Scheduled", "Published", "Preview", "Organizations"]


@pytest.fixture(params=["es", "ar"])
def language(request, settings):
    settings.LANGUAGE_CODE = request.param
    return request.param


def _text(response):
    assert response.status_code == 200
    return pages.main_text(response.content)


def _options(html, name):
    """The labels of the <select name=…>'s options."""
    select = html.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def _assert_form_in(language, response):
    text = _text(response)
    says = SAYS[language]
    for words in [*says["fieldsets"], *says["labels"], says["help"], says["description"]]:
        assert words in text, words
    assert _options(response.content.decode(), "status") == says["status"]
    for english in ENGLISH_FORM:
        assert english not in text, english


def test_add_page(editor_client, language):
    _assert_form_in(language, editor_client.get(reverse("admin:statements_statement_add")))


def test_change_page(editor_client, language):
    statement = factories.make_draft("Clean water for every village")
    response = editor_client.get(reverse("admin:statements_statement_change", args=[statement.pk]))
    _assert_form_in(language, response)


def test_changelist(editor_client, language):
    factories.make_draft("Clean water for every village")
    factories.make_published("Rent freeze now")
    factories.make_statement(
        "Schools stay open",
        status="published",
        publish_at=timezone.now() + timedelta(days=3),
    )
    text = _text(editor_client.get(reverse("admin:statements_statement_changelist")))
    says = SAYS[language]
    assert says["column"] in text
    for state in says["states"]:
        # In the status column and in the filter's choices.
        assert text.count(state) >= 2, state
    for link in says["links"]:
        assert link in text, link
    for english in ENGLISH_LIST:
        assert english not in text, english
