"""Drafts of changes to a published statement: kept apart until an editor publishes them.

"Save draft of changes" stores the statement form's content here and leaves
the statement, and so its public page and cached copies, as they are. Staff
preview the draft at its own address. "Publish changes" is an ordinary save
of the statement form (filled in from the draft): statements.derived and
statements.pages do their work as for any edit, the save is a revision, and
the draft is deleted. The draft holds the whole form: the statement's fields
and its editor's notes (each with the id of the note it changes), so notes
too stay as they are on the page until the draft is published.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.dateparse import parse_datetime

from statements import derived
from statements.models import (
    EditorNote,
    Image,
    Organization,
    Statement,
    Topic,
    editor_initials,
)

from . import content
from .models import Draft


def may_draft(statement):
    """Changes to a statement visitors can see wait as a draft; others are saved at once."""
    return statement is not None and statement.pk is not None and statement.is_published


def draft_of(statement):
    """The statement's draft of changes, or None; read with the statement if it was selected."""
    cache = statement._state.fields_cache
    if "draft_of_changes" in cache:  # queryset.select_related(*drafts.WITH_DRAFT)
        return cache["draft_of_changes"]
    return Draft.objects.filter(statement=statement).select_related("saved_by").first()


# For the statement admin's queryset: the draft comes with the statement, no query of its own.
WITH_DRAFT = ["draft_of_changes__saved_by"]


def save_draft(statement, data, user):
    draft, _created = Draft.objects.update_or_create(
        statement=statement, defaults={"content": data, "saved_by": user}
    )
    return draft


def discard(statement):
    return Draft.objects.filter(statement=statement).delete()[0] > 0


def form_initial(draft):
    """The statement form's initial values from the draft (dates as dates)."""
    data = content.from_json(draft.content)
    data.pop("notes", None)  # the notes inline's (notes_for_form)
    return data


def draft_notes(draft):
    """The editor's notes the draft holds, or None for a draft saved before drafts held notes."""
    return draft.content.get("notes")


def notes_for_form(notes, live_notes):
    """How the notes inline opens on a draft's `notes`, given the statement's `live_notes`.

    Returns ({live note pk: initial values, or None where the draft deletes it},
    [initial values of each note the draft adds]). A note the draft changes
    that was deleted since is offered as a new one: nothing typed is lost.
    """
    by_id = {note["id"]: note for note in notes if note.get("id") is not None}
    live_ids = {note.pk for note in live_notes}

    def values(note):
        return {name: note.get(name) for name in content.NOTE_FIELDS}

    changed = {pk: (values(by_id[pk]) if pk in by_id else None) for pk in live_ids}
    added = [values(note) for note in notes if note.get("id") not in live_ids]
    return changed, added


class _NoteOnPreview:
    def __init__(self, text, placement, initials):
        self.text, self.placement, self.initials = text, placement, initials


def preview_notes(draft):
    """{"notes_above": […], "notes_below": […]} as the page will show the draft's notes.

    Empty for a draft that holds no notes (saved before drafts held them): the
    page's own notes are shown then.
    """
    notes = draft_notes(draft)
    if notes is None:
        return {}
    users = (
        get_user_model()
        .objects.filter(pk__in={note.get("editor") for note in notes})
        .select_related("staff_profile")
        .in_bulk()
    )
    shown = []
    for order, note in enumerate(notes):
        user = users.get(note.get("editor"))
        profile = getattr(user, "staff_profile", None) if user else None
        initials = (
            editor_initials(
                profile.initials if profile else "",
                user.first_name,
                user.last_name,
                user.get_username(),
            )
            if user
            else "?"
        )
        shown.append(
            (
                (note.get("position") or 0, order),
                _NoteOnPreview(note["text"], note["placement"], initials),
            )
        )
    shown = [note for _key, note in sorted(shown, key=lambda item: item[0])]
    return {
        "notes_above": [n for n in shown if n.placement == EditorNote.Placement.ABOVE],
        "notes_below": [n for n in shown if n.placement == EditorNote.Placement.BELOW],
    }


def changes_published(statement, seen_saved_at):
    """After "Publish changes" saved the statement: the draft is done.

    Returns True if the draft had been published, discarded or saved again by
    someone else since the editor opened it (`seen_saved_at`, as the form
    carried it): both saves are kept as revisions, and this one is live.
    """
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(statement=statement).first()
        if draft is None:
            return bool(seen_saved_at)
        raced = seen_saved_at and parse_datetime(seen_saved_at) != draft.saved_at
        draft.delete()
        return bool(raced)


def preview(statement, draft):
    """`statement` (unsaved) as it will be once the draft is published, with its derived values."""
    data = content.from_json(draft.content)  # its notes: preview_notes
    # The form keeps whole seconds: the same time, a fraction earlier, would make
    # the live statement this one's "next statement".
    if data.get("publish_at") and data["publish_at"] == statement.publish_at.replace(
        microsecond=0
    ):
        data["publish_at"] = statement.publish_at
    for name in content.FIELDS:
        if name in content.MANY_TO_MANY or name not in data:
            continue
        setattr(statement, Statement._meta.get_field(name).attname, data[name])
    derived.statement_saving(statement)  # body_html and body_text, written nowhere
    statement.labels = {
        kind: list(
            model.objects.filter(pk__in=data.get(kind, []))
            .order_by("name", "pk")
            .values_list("name", "slug")
        )
        for kind, model in (("organizations", Organization), ("topics", Topic))
    }
    if statement.featured_image_id:
        statement.featured_image = Image.objects.filter(pk=statement.featured_image_id).first()
    return statement
