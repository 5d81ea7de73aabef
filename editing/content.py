"""A statement's content as editors write it: taken as plain data, and put back.

Revisions store it, a restore and a published draft of changes put it back.
Putting it back is an ordinary edit: the statement's save (statements.derived
derives body_html, labels, search vectors) and the m2m and note signals
(statements.pages refreshes the cached pages), exactly as an admin save does.
What is derived or counted (body_html, labels, comment_count) is never part
of it: it is worked out again from what is put back.
"""

from django.utils.dateparse import parse_date, parse_datetime

from statements.models import EditorNote, Image, Organization, Statement, Topic

# What editors write on the statement form, in the form's order.
FIELDS = [
    "title",
    "slug",
    "organizations",
    "statement_date",
    "summary",
    "body",
    "status",
    "publish_at",
    "author",
    "topics",
    "comments_open",
    "featured_image",
    "source_name",
    "source_url",
    "language",
    "translation_of",
    "do_not_email",
]
MANY_TO_MANY = {"organizations": Organization, "topics": Topic}
NOTE_FIELDS = ["text", "editor", "placement", "position"]


def field_value(statement, name):
    """The value of one content field as revisions store it (attname values, pk lists)."""
    if name in MANY_TO_MANY:
        return sorted(obj.pk for obj in getattr(statement, name).all())
    return getattr(statement, Statement._meta.get_field(name).attname)


def snapshot(statement):
    """{field: value} and the notes, as plain data (JSON-serializable but for dates)."""
    data = {name: field_value(statement, name) for name in FIELDS}
    data["notes"] = [
        {name: getattr(note, EditorNote._meta.get_field(name).attname) for name in NOTE_FIELDS}
        for note in statement.editor_notes.all()
    ]
    return data


def apply(statement, data):
    """Make `statement` hold `data` (from snapshot or a revision) through its ordinary save.

    What no longer exists is left out rather than refused: an organization,
    topic or image deleted since, a slug another statement took meanwhile.
    Returns the names of what could not be put back, for the editor to read.
    """
    missing = []
    for name in FIELDS:
        if name in MANY_TO_MANY or name not in data:
            continue
        attname = Statement._meta.get_field(name).attname
        value = data[name]
        if name == "slug" and (
            Statement.objects.exclude(pk=statement.pk).filter(slug=value).exists()
        ):
            missing.append("slug")
            continue
        if name == "featured_image" and value and not Image.objects.filter(pk=value).exists():
            missing.append("featured_image")
            value = None
        if name == "translation_of" and value and not Statement.objects.filter(pk=value).exists():
            missing.append("translation_of")
            value = None
        setattr(statement, attname, value)
    statement.save()
    for name, model in MANY_TO_MANY.items():
        if name not in data:
            continue
        existing = set(model.objects.filter(pk__in=data[name]).values_list("pk", flat=True))
        if len(existing) < len(set(data[name])):
            missing.append(name)
        getattr(statement, name).set(existing)
    if "notes" in data:
        _apply_notes(statement, data["notes"])
    return missing


def _apply_notes(statement, notes):
    wanted = [{**note} for note in notes]
    current = list(statement.editor_notes.all())
    # Notes are matched by position in the list: the same number of notes are
    # edited in place (one save each), the rest added or deleted.
    for note, values in zip(current, wanted, strict=False):
        changed = False
        for name in NOTE_FIELDS:
            attname = EditorNote._meta.get_field(name).attname
            if name in values and getattr(note, attname) != values[name]:
                setattr(note, attname, values[name])
                changed = True
        if changed:
            note.save()
    for note in current[len(wanted) :]:
        note.delete()
    for values in wanted[len(current) :]:
        EditorNote.objects.create(
            statement=statement,
            **{EditorNote._meta.get_field(name).attname: values[name] for name in NOTE_FIELDS},
        )


def from_form(cleaned_data):
    """The content the statement form was filled in with (its cleaned values), as data."""
    data = {}
    for name in FIELDS:
        if name not in cleaned_data:
            continue
        value = cleaned_data[name]
        if name in MANY_TO_MANY:
            value = sorted(obj.pk for obj in value)
        elif hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    return data


def from_json(data):
    """`data` as stored in JSON (dates as text), with its dates as dates again."""
    data = dict(data)
    if isinstance(data.get("publish_at"), str):
        data["publish_at"] = parse_datetime(data["publish_at"])
    if isinstance(data.get("statement_date"), str):
        data["statement_date"] = parse_date(data["statement_date"])
    return data
