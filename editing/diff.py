"""Two states of a statement side by side, as readers read them: text, not HTML source.

Each field becomes text (the body as its paragraphs, a picture as its alt
text, organizations and topics by name), and changed words are marked with
<del> on the old side and <ins> on the new one.
"""

import difflib
import re

from django.contrib.auth import get_user_model
from django.utils import formats, timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from statements import languages
from statements.models import EditorNote, Image, Organization, Statement, Topic
from statements.rendering import body_as_text

from . import content

_TOKENS = re.compile(r"\s+|[^\s]+")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r'\balt="([^"]*)"', re.IGNORECASE)
_CREDIT = re.compile(r'\bdata-credit="([^"]*)"', re.IGNORECASE)


class _Names:
    """The names of everything two states refer to, looked up once per model."""

    def __init__(self, states):
        def ids(name):
            found = set()
            for state in states:
                value = state.get(name)
                found.update(value if isinstance(value, list) else [value])
            return found - {None}

        user_ids = ids("author") | {n.get("editor") for s in states for n in s.get("notes", [])}
        self.names = {
            "organizations": dict(
                Organization.objects.filter(pk__in=ids("organizations")).values_list("pk", "name")
            ),
            "topics": dict(Topic.objects.filter(pk__in=ids("topics")).values_list("pk", "name")),
            "featured_image": {
                image.pk: str(image)
                for image in Image.objects.filter(pk__in=ids("featured_image"))
            },
            "translation_of": dict(
                Statement.objects.filter(pk__in=ids("translation_of")).values_list("pk", "title")
            ),
            "user": {
                user.pk: user.get_full_name() or user.get_username()
                for user in get_user_model().objects.filter(pk__in=user_ids - {None})
            },
        }

    def name(self, kind, pk):
        if pk is None:
            return ""
        return self.names[kind].get(pk, _("(deleted, #%s)") % pk)


def _body_text(body):
    def picture(match):
        alt = _ALT.search(match.group(0))
        credit = _CREDIT.search(match.group(0))
        described = _("Picture: %s") % (alt.group(1) if alt else "")
        if credit:  # the figure's own credit (statements.figures)
            described += "; " + _("credit: %s") % credit.group(1)
        return " [" + described + "] "

    return body_as_text(_IMG.sub(picture, body or ""))


def _as_text(name, state, names):
    value = state.get(name)
    if name == "body":
        return _body_text(value)
    if name in content.MANY_TO_MANY:
        return ", ".join(names.name(name, pk) for pk in value or [])
    if name == "featured_image":
        return names.name("featured_image", value)
    if name == "author":
        return names.name("user", value)
    if name == "status":
        return str(dict(Statement.Status.choices).get(value, value or ""))
    if name == "publish_at":
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value else ""
    if name == "statement_date":
        return formats.date_format(value, "DATE_FORMAT") if value else ""
    if name == "translation_of":
        return names.name("translation_of", value)
    if name == "language":
        return languages.display_name(value) if value else ""
    if isinstance(value, bool):  # comments open, do not email
        return _("Yes") if value else _("No")
    return "" if value is None else str(value)


def _notes_text(state, names):
    placements = dict(EditorNote.Placement.choices)
    return "\n\n".join(
        f"{note.get('text', '')}\n— {names.name('user', note.get('editor'))}, "
        f"{placements.get(note.get('placement'), '')}"
        for note in state.get("notes", [])
    )


def mark_changes(old, new):
    """(old_html, new_html): the two texts escaped, changed words in <del> and <ins>."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part = conditional_escape("".join(a[i1:i2]))
        new_part = conditional_escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if old_part:
            left.append(format_html("<del>{}</del>", old_part))
        if new_part:
            right.append(format_html("<ins>{}</ins>", new_part))
    return mark_safe("".join(left)), mark_safe("".join(right))  # each part escaped above


class Row:
    def __init__(self, label, old, new):
        self.label = label
        self.changed = old != new
        self.old, self.new = mark_changes(old, new)


def compare(old_state, new_state):
    """One Row per field of the statement form, and one for the editor's notes."""
    names = _Names([old_state, new_state])
    rows = [
        Row(
            str(Statement._meta.get_field(name).verbose_name).capitalize(),
            _as_text(name, old_state, names),
            _as_text(name, new_state, names),
        )
        for name in content.FIELDS
    ]
    rows.append(
        Row(
            str(EditorNote._meta.verbose_name_plural).capitalize(),
            _notes_text(old_state, names),
            _notes_text(new_state, names),
        )
    )
    return rows
