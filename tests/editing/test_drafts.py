"""Drafts of changes to a published statement: saved apart, previewed by staff, published."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.utils import timezone

from editing import content, revisions
from editing.models import Draft
from statements.figures import figure_markup
from statements.models import Statement
from tests import factories
from tests.editing.forms import CHANGE, form_on_page, save_in_admin, statement_form_data
from tests.pages import main_text, meta

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/statements/statement/{}/draft/preview/"


@pytest.fixture
def statement(editor):
    statement = factories.make_published(
        "Clean air near every school",
        summary="Forty schools stand next to the ring road.",
        body="<p>The council must move the bus depot.</p>",
        author=editor,
    )
    factories.make_note(statement, editor=editor, text="Reposted with thanks.")
    return statement


def save_draft(client, statement, **changes):
    data = statement_form_data(statement, **changes)
    data["_save_draft"] = "Save draft of changes"
    return client.post(CHANGE.format(statement.pk), data)


def page_text(statement):
    """The public page as a visitor gets it (from the page cache, once stored)."""
    return main_text(Client().get(statement.get_absolute_url()).content.decode())


def test_a_draft_of_changes_leaves_the_published_statement_as_it_is(editor_client, statement):
    assert "bus depot" in page_text(statement)  # now cached for visitors
    response = save_draft(
        editor_client,
        statement,
        title="Clean air near every school and nursery",
        body="<p>The council must move the lorry depot.</p>",
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.title == "Clean air near every school"
    assert "bus depot" in statement.body_html
    assert "bus depot" in page_text(statement)
    draft = Draft.objects.get(statement=statement)
    assert draft.content["title"] == "Clean air near every school and nursery"
    assert revisions.revisions_of(statement) == []  # nothing was saved
    assert LogEntry.objects.get().get_change_message() == "Saved a draft of changes."

    # The form opens on the draft, and says so.
    page = editor_client.get(CHANGE.format(statement.pk)).content.decode()
    assert 'value="Clean air near every school and nursery"' in page
    assert "You are editing a draft of changes." in page
    assert 'name="_discard_draft"' in page


def test_staff_preview_the_draft_with_the_preview_banner(editor_client, statement):
    save_draft(editor_client, statement, body="<p>The council must move the lorry depot.</p>")
    response = editor_client.get(PREVIEW.format(statement.pk))
    assert response.status_code == 200
    text = main_text(response.content.decode())
    assert "lorry depot" in text and "bus depot" not in text
    assert "visitors still see the published statement" in text
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    # Visitors are sent to the login; staff who may not change statements are refused.
    visitor = Client()
    assert visitor.get(PREVIEW.format(statement.pk)).status_code == 302
    visitor.force_login(factories.make_moderator())
    assert visitor.get(PREVIEW.format(statement.pk)).status_code == 403


def test_a_preview_without_a_draft_is_a_404(editor_client, statement):
    assert editor_client.get(PREVIEW.format(statement.pk)).status_code == 404
    assert editor_client.get(PREVIEW.format(999999)).status_code == 404


def test_publish_changes_is_an_ordinary_save_and_ends_the_draft(editor_client, statement):
    page_text(statement)  # cached
    save_draft(editor_client, statement, body="<p>The council must move the lorry depot.</p>")
    draft = Draft.objects.get(statement=statement)
    data = statement_form_data(statement, body=draft.content["body"])
    data.update({"_continue": "Publish changes", "draft_saved_at": draft.saved_at.isoformat()})
    response = editor_client.post(CHANGE.format(statement.pk), data, follow=True)
    assert "was changed successfully" in main_text(response.content.decode())
    assert "Another editor" not in main_text(response.content.decode())
    statement.refresh_from_db()
    assert "lorry depot" in statement.body_html
    assert "lorry depot" in page_text(statement)  # the cached page was refreshed
    assert not Draft.objects.filter(statement=statement).exists()
    # The publish, after the state the statement was made in (editing.revisions).
    revision, _made = revisions.revisions_of(statement)
    assert revision.revision.comment == "Published the draft of changes: Changed Body."


def test_two_editors_publishing_one_draft_keep_both_revisions_and_are_told(
    editor_client, statement
):
    save_draft(editor_client, statement, title="Draft title")
    draft = Draft.objects.get(statement=statement)
    seen = draft.saved_at.isoformat()
    for title in ["First publisher", "Second publisher"]:
        data = statement_form_data(statement, title=title)
        data.update({"_continue": "Publish changes", "draft_saved_at": seen})
        response = editor_client.post(CHANGE.format(statement.pk), data, follow=True)
    assert "Another editor published" in main_text(response.content.decode())
    assert len(revisions.revisions_of(statement)) == 3  # and the state it was made in
    statement.refresh_from_db()
    assert statement.title == "Second publisher"


def every_part_changed(statement, editor):
    """A form that changes every part of the statement (and the images it shows)."""
    photo = factories.make_image(
        alt_text="Children at the school gate", caption="The gate at 8.30", credit="© School Run"
    )
    figure = figure_markup(photo, credit="Ana Ruiz for the parents")
    organization = factories.make_organization("Parents for Clean Air")
    topic = factories.make_topic("Air quality")
    publish_at = timezone.localtime(statement.publish_at - timedelta(hours=3))
    return statement_form_data(
        statement,
        title="Clean air near every school and nursery",
        summary="Sixty schools stand next to the ring road.",
        body=f"<p>The council must move the lorry depot.</p>{figure}",
        organizations=[*statement.organizations.values_list("pk", flat=True), organization.pk],
        topics=[topic.pk],
        featured_image=photo.pk,
        statement_date="2026-11-30",
        publish_at_0=publish_at.strftime("%Y-%m-%d"),
        publish_at_1=publish_at.strftime("%H:%M:%S"),
        **{
            "editor_notes-0-text": "Reposted with thanks to the parents' group.",
            "editor_notes-TOTAL_FORMS": "2",
            "editor_notes-1-statement": statement.pk,
            "editor_notes-1-editor": editor.pk,
            "editor_notes-1-placement": "below",
            "editor_notes-1-position": "1",
            "editor_notes-1-text": "Updated on 30 November with the new figures.",
        },
    )


CHANGED_ON_THE_PAGE = [
    "Clean air near every school and nursery",
    "Parents for Clean Air",
    "November 30, 2026",
    "lorry depot",
    "Ana Ruiz for the parents",
    "The gate at 8.30",
    "© School Run",
    "Reposted with thanks to the parents' group.",
    "Updated on 30 November with the new figures.",
    "Air quality",
]


def test_a_draft_holds_every_part_and_none_goes_live_until_published(
    editor_client, editor, statement
):
    live_page = page_text(statement)  # now cached for visitors
    live = content.snapshot(statement)
    data = every_part_changed(statement, editor)
    data["_save_draft"] = "Save draft of changes"
    assert editor_client.post(CHANGE.format(statement.pk), data).status_code == 302

    # Nothing is live: not the statement, its notes, nor the page.
    statement = Statement.objects.get(pk=statement.pk)
    assert content.snapshot(statement) == live
    assert page_text(statement) == live_page
    assert Client().get(statement.get_absolute_url()).content.decode().count("Parents") == 0
    assert revisions.revisions_of(statement) == []

    # The preview shows every part.
    response = editor_client.get(PREVIEW.format(statement.pk))
    preview = main_text(response.content.decode())
    for words in CHANGED_ON_THE_PAGE:
        assert words in preview
    assert "Reposted with thanks." not in preview and "bus depot" not in preview
    assert meta(response.content.decode())["description"] == (
        "Sixty schools stand next to the ring road."
    )

    # The form opens on the draft, notes included; publishing it makes every part live.
    page = editor_client.get(CHANGE.format(statement.pk)).content.decode()
    form = form_on_page(page)
    assert form["editor_notes-TOTAL_FORMS"] == "2"
    assert form["editor_notes-0-text"] == "Reposted with thanks to the parents' group."
    assert form["editor_notes-1-text"] == "Updated on 30 November with the new figures."
    assert form["summary"] == "Sixty schools stand next to the ring road."
    form["_continue"] = "Publish changes"
    response = editor_client.post(CHANGE.format(statement.pk), form, follow=True)
    assert "was changed successfully" in main_text(response.content.decode())
    published = page_text(statement)
    for words in CHANGED_ON_THE_PAGE:
        assert words in published
    assert not Draft.objects.exists()
    # The publish, after the state the statement was made in (editing.revisions).
    revision, _made = revisions.revisions_of(statement)
    notes = revisions.content_of(revision)["notes"]
    assert [note["text"] for note in notes] == [
        "Reposted with thanks to the parents' group.",
        "Updated on 30 November with the new figures.",
    ]


def test_a_note_deleted_in_a_draft_stays_live_until_published(editor_client, statement):
    response = save_draft(editor_client, statement, **{"editor_notes-0-DELETE": "on"})
    assert response.status_code == 302
    assert "Reposted with thanks." in page_text(statement)
    assert "Reposted with thanks." not in main_text(
        editor_client.get(PREVIEW.format(statement.pk)).content.decode()
    )
    form = form_on_page(editor_client.get(CHANGE.format(statement.pk)).content.decode())
    assert form["editor_notes-0-DELETE"] == "on"  # ticked, as the draft has it
    form["_continue"] = "Publish changes"
    editor_client.post(CHANGE.format(statement.pk), form)
    assert not statement.editor_notes.exists()
    assert "Reposted with thanks." not in page_text(statement)


def test_discarding_the_draft(editor_client, statement):
    save_draft(editor_client, statement, title="Draft title")
    data = statement_form_data(statement, title="")
    data["_discard_draft"] = "Discard the draft"
    response = editor_client.post(CHANGE.format(statement.pk), data, follow=True)
    assert "draft of changes is discarded" in main_text(response.content.decode())
    assert not Draft.objects.exists()
    assert 'value="Clean air near every school"' in response.content.decode()


def test_a_statement_visitors_cannot_see_is_saved_at_once(editor_client):
    draft_statement = factories.make_draft("Not out yet")
    page = editor_client.get(CHANGE.format(draft_statement.pk)).content.decode()
    assert 'name="_save_draft"' not in page
    save_in_admin(editor_client, draft_statement, title="Still not out", _save_draft="1")
    assert draft_statement.title == "Still not out"
    assert not Draft.objects.exists()
