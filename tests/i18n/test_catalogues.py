"""The Spanish and Arabic catalogues: complete, and what a visitor reads in them."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from comments.captcha import question_in_words

LOCALE = Path(settings.BASE_DIR) / "locale"


def msgids(po):
    """msgid → list of msgstr of a .po file (through msgcat's one-line form)."""
    text = subprocess.run(
        ["msgcat", "--no-wrap", "--no-location", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries = {}
    for block in text.split("\n\n")[1:]:
        ids = re.findall(r'^msgid "(.*)"$', block, re.M)
        strs = re.findall(r'^msgstr(?:\[\d\])? "(.*)"$', block, re.M)
        if ids and not block.startswith("#~"):
            entries[ids[0]] = strs
    return entries


@pytest.mark.parametrize("language", ["es", "ar"])
@pytest.mark.parametrize(("domain", "at_least"), [("django", 300), ("djangojs", 5)])
def test_every_message_is_translated(language, domain, at_least):
    entries = msgids(LOCALE / language / "LC_MESSAGES" / f"{domain}.po")
    assert len(entries) >= at_least
    missing = [msgid for msgid, strs in entries.items() if not all(strs)]
    assert missing == []


@pytest.mark.parametrize(
    ("language", "one", "three"),
    [
        ("en", "1 Response", "3 Responses"),
        ("es", "1 respuesta", "3 respuestas"),
        ("ar", "رد واحد (1)", "3 ردود"),
    ],
)
def test_response_count_plural(language, one, three):
    with translation.override(language):
        assert translation.ngettext("%(num)d Response", "%(num)d Responses", 1) % {"num": 1} == one
        assert (
            translation.ngettext("%(num)d Response", "%(num)d Responses", 3) % {"num": 3} == three
        )


@pytest.mark.parametrize(
    ("language", "spoken"),
    [
        ("en", "thirty divided by ten equals"),
        ("es", "30 dividido entre 10 es igual a"),
        ("ar", "30 مقسومًا على 10 يساوي"),
    ],
)
def test_spoken_question_in_the_site_language(language, spoken):
    with translation.override(language):
        assert question_in_words("30 \u2044 10 =") == spoken


@pytest.mark.parametrize(("language", "text"), [("es", "Deje una respuesta"), ("ar", "اترك ردًا")])
def test_jinja2_template_strings_are_translated(language, text):
    with translation.override(language):
        assert translation.gettext("Leave a Reply") == text


@pytest.mark.django_db
def test_admin_scripts_get_their_catalogue(editor_client, settings):
    settings.LANGUAGE_CODE = "es"
    script = editor_client.get("/admin/jsi18n/").content.decode()
    assert "Restaurar los cambios sin guardar" in script


def test_admin_is_translated_too():
    with translation.override("es"):
        assert translation.gettext("Log in") == "Iniciar sesión"
    with translation.override("ar"):
        assert translation.gettext("Log in") == "ادخل"
