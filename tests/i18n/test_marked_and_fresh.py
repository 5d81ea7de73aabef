"""CI fails when a template shows text not marked for translation, or a catalogue is stale."""

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.template import engines
from django.template.base import Lexer, TokenType

from tests.i18n.test_catalogues import msgids

BASE = Path(settings.BASE_DIR)
APPS = [
    "advocacy",
    "background",
    "statements",
    "comments",
    "editing",
    "redirects",
    "pages",
    "branding",
    "wordpress",
]
HOLE = "\x00"  # where a template expression stood
# Visible text: what is left once tags, comments, scripts and expressions are gone.
SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
COMMENT = re.compile(r"<!--.*?-->", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
SHOWN_ATTRIBUTE = re.compile(r'\b(?:alt|title|placeholder|aria-label)="([^"]*)"', re.I)
# Not words: symbols, punctuation, entities, and names that are not translated.
NOT_WORDS = re.compile(r"&[a-z]+;|&#\d+;|\b(?:Atom|RSS|JavaScript)\b", re.I)


def unmarked_text(text):
    """The pieces of `text` (markup, expressions as HOLE) a person would read."""
    shown = SHOWN_ATTRIBUTE.findall(text)
    text = TAG.sub(" ", COMMENT.sub(" ", SCRIPT.sub(" ", text)))
    found = []
    for piece in [*text.split(HOLE), *shown]:
        words = html.unescape(NOT_WORDS.sub(" ", piece.replace(HOLE, " "))).strip()
        if re.search(r"[^\W\d_]", words):
            found.append(words)
    return found


def jinja2_text(source):
    env = engines["jinja2"].env
    text, in_trans, last_block = [], 0, None
    for _line, kind, value in env.lex(source):
        if kind == "whitespace":
            continue
        if kind == "data" and not in_trans:
            text.append(value)
        elif kind in ("variable_begin", "block_begin", "comment_begin"):
            text.append(HOLE)
        if kind == "name" and last_block == "block_begin":
            in_trans += {"trans": 1, "endtrans": -1}.get(value, 0)
        last_block = kind if kind == "block_begin" else None
    return "".join(text)


# Admin blocks that hold class names or markup attributes, not text.
NOT_SHOWN_BLOCKS = {"block bodyclass", "block extrastyle", "block extrahead"}


def django_text(source):
    text, in_trans, hidden = [], 0, False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            if token.contents.strip() in NOT_SHOWN_BLOCKS:
                hidden = True
            elif token.contents.startswith("endblock"):
                hidden = False
        if token.token_type == TokenType.TEXT and not in_trans and not hidden:
            text.append(token.contents)
        else:
            text.append(HOLE)
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in ("blocktranslate", "blocktrans"):
                in_trans += 1
            elif name in ("endblocktranslate", "endblocktrans"):
                in_trans -= 1
    return "".join(text)


def templates():
    for path in sorted((BASE / "templates").rglob("*.html")):
        yield path, jinja2_text
    for app in APPS:
        for path in sorted((BASE / app / "templates").rglob("*")):
            if path.suffix in (".html", ".txt"):
                yield path, django_text


@pytest.mark.parametrize(
    ("path", "reader"),
    list(templates()),
    ids=lambda p: str(p.relative_to(BASE)) if isinstance(p, Path) else "",
)
def test_template_shows_no_unmarked_text(path, reader):
    assert unmarked_text(reader(path.read_text(encoding="utf-8"))) == []


def test_the_checker_finds_unmarked_text():
    assert unmarked_text(jinja2_text('<p title="Share">{{ _("Copy") }} now</p>')) == [
        "now",
        "Share",
    ]
    assert unmarked_text(jinja2_text("<p>{% trans %}Kept{% endtrans %} — 3</p>")) == []
    assert unmarked_text(django_text("{% load i18n %}{% translate 'Hi' %} there")) == ["there"]


def test_catalogues_are_fresh(tmp_path):
    """Re-extract into a copy of the checkout: the same msgids as the committed catalogues."""
    if shutil.which("xgettext") is None:
        # Running the site needs no gettext (Babel compiles the catalogues); extracting does.
        if os.environ.get("REQUIRE_GETTEXT", "").strip() == "1":
            pytest.fail("REQUIRE_GETTEXT=1 but xgettext is missing: apt-get install gettext")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=BASE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if not files:
        pytest.skip("not a git checkout")
    for name in files:
        source = BASE / name
        if source.is_file() and not name.startswith(("tests/", "bench/", "docs/")):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, tmp_path / name)
    env = {**os.environ, "DEBUG": "1", "ENV_FILE": os.devnull}
    for domain in ("django", "djangojs"):
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "--all", "--add-location=file"]
            + ["--no-obsolete", "-v0", "-d", domain],
            cwd=tmp_path,
            env=env,
            check=True,
        )
        for language in ("es", "ar"):
            po = Path("locale") / language / "LC_MESSAGES" / f"{domain}.po"
            committed, fresh = set(msgids(BASE / po)), set(msgids(tmp_path / po))
            assert fresh - committed == set(), f"new messages: run `make messages`, translate {po}"
            assert committed - fresh == set(), (
                f"messages no longer used: run `make messages` ({po})"
            )
