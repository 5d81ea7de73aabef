"""With LANGUAGE_CODE es or ar, what a visitor and a moderator read is in that language."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from comments import notifications
from comments.models import Comment
from tests import factories, pages
from tests.comments.conftest import comment_data, fetch_question, make_comment, post_url

pytestmark = pytest.mark.django_db

# language → what the pages must say in it
SAYS = {
    "es": {
        "skip": "Saltar al contenido",
        "latest": "Últimas declaraciones",
        "reply": "Deje una respuesta",
        "post": "Publicar comentario",
        "date": "2 de marzo de 2026",
        "not_posted": "Su comentario aún no se ha publicado",
        "required": "Este campo es obligatorio.",
        "answer": "Por favor, responda a la pregunta.",
        "spoken_word": "es igual a",
        "one": "1 respuesta",
        "three": "3 respuestas",
        "mail": "2 comentarios esperan moderación en",
        "subject": "2 comentarios pendientes de moderación",
        "dir": "ltr",
    },
    "ar": {
        "skip": "تخطَّ إلى المحتوى",
        "latest": "أحدث البيانات",
        "reply": "اترك ردًا",
        "post": "نشر التعليق",
        "date": "2 مارس 2026",
        "not_posted": "لم يُنشر تعليقك بعد",
        "required": "هذا الحقل مطلوب.",
        "answer": "يُرجى الإجابة عن السؤال.",
        "spoken_word": "يساوي",
        "one": "رد واحد (1)",
        "three": "3 ردود",
        "mail": "تعليقان (2) بانتظار المراجعة على",
        "subject": "تعليقان (2) بانتظار المراجعة",
        "dir": "rtl",
    },
}


@pytest.fixture(params=["es", "ar"])
def language(request, settings):
    settings.LANGUAGE_CODE = request.param
    return request.param


@pytest.fixture
def statement(db):
    return factories.make_published(
        "Clean water for every village", statement_date=datetime.date(2026, 3, 2)
    )


def test_home_page(client, language, statement):
    html = client.get(reverse("statements:home")).content.decode()
    says = SAYS[language]
    assert f'<html lang="{language}" dir="{says["dir"]}">' in html
    assert says["skip"] in html
    assert says["latest"] in html


def test_statement_page_with_its_date_and_the_comment_form(client, language, statement):
    html = client.get(statement.get_absolute_url()).content.decode()
    text = pages.main_text(html)
    says = SAYS[language]
    assert says["reply"] in text
    assert says["post"] in html
    assert says["date"] in text
    assert "Leave a Reply" not in text


def test_comment_form_errors(client, language, statement):
    response = client.post(post_url(statement), comment_data(None, name="", body=""))
    text = pages.main_text(response.content)
    says = SAYS[language]
    assert says["not_posted"] in text
    assert says["required"] in text
    assert says["answer"] in text


def test_question_spoken_in_the_language(client, language):
    question = fetch_question(client)
    assert question["spoken"].endswith(SAYS[language]["spoken_word"])
    assert "\u2044" in question["question"] or question["question"][0].isdigit()
    assert "equals" not in question["spoken"]


@pytest.mark.parametrize(("count", "key"), [(1, "one"), (3, "three")])
def test_response_count_plural_on_the_page(client, language, statement, count, key):
    for _ in range(count):
        make_comment(statement)
    text = pages.main_text(client.get(statement.get_absolute_url()).content)
    assert SAYS[language][key] in text


def test_moderation_mail(language, statement):
    factories.make_moderator("morgan")
    make_comment(statement, status=Comment.Status.PENDING)
    make_comment(statement, status=Comment.Status.PENDING)
    notifications.send_digest(respect_interval=False, raise_errors=True)
    assert len(mail.outbox) == 1
    says = SAYS[language]
    assert says["mail"] in mail.outbox[0].body
    assert says["subject"] in mail.outbox[0].subject
