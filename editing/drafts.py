"""Drafts of changes to a published statement: kept apart until an editor publishes them.

"Save draft of changes" stores the statement form's content here and leaves
the statement, and so its public page and cached copies, as they are. Staff
preview the draft at its own address. "Publish changes" is an ordinary save
of the statement form (filled in from the draft): statements.derived and
statements.pages do their work as for any edit, the save is a revision, and
the draft is deleted. Editor's notes are not part of a draft: they are
published as they are saved (the form says so when a draft would hold them).
"""

from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from statements import derived
from statements.models import Image, Organization, Statement, Topic

from . import content
from .models import Draft

NOTES_NOT_IN_DRAFTS = _(
    "Editor's notes are not part of a draft of changes: they are published when saved. "
    "Undo the changes to the notes to save a draft, or publish the changes."
)


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
    return content.from_json(draft.content)


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
    data = content.from_json(draft.content)
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
