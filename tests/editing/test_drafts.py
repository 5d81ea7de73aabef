"""Drafts of changes to a published statement: saved apart, previewed by staff, published."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from editing import revisions
from editing.models import Draft
from tests import factories
from tests.editing.forms import CHANGE, save_in_admin, statement_form_data
from tests.pages import main_text

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
    [revision] = revisions.revisions_of(statement)
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
    assert len(revisions.revisions_of(statement)) == 2
    statement.refresh_from_db()
    assert statement.title == "Second publisher"


def test_a_draft_cannot_hold_changes_to_the_notes(editor_client, statement):
    response = save_draft(editor_client, statement, **{"editor_notes-0-text": "Changed note."})
    assert response.status_code == 200
    assert "not part of a draft of changes" in response.content.decode()
    assert not Draft.objects.exists()
    assert statement.editor_notes.get().text == "Reposted with thanks."


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
