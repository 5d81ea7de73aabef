"""Revisions of statements: every admin save kept, listed, compared as text, restored."""

import re
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from reversion.models import Version

from editing import revisions
from editing.models import Draft
from statements.models import Statement
from tests import factories
from tests.editing.forms import CHANGE, save_in_admin, statement_form_data
from tests.pages import main_text

pytestmark = pytest.mark.django_db

COMPARE = "/admin/statements/statement/{}/revisions/compare/"
RESTORE = "/admin/statements/statement/{}/revisions/{}/restore/"
CHANGE_PAGE_BUDGET = 15


@pytest.fixture
def statement(editor):
    statement = factories.make_published(
        "Clean air near every school",
        summary="Forty schools stand next to the ring road.",
        body="<p>The council must move the bus depot away from the schools.</p>",
        topics=[factories.make_topic("Air")],
        featured_image=factories.make_image(caption="Children at the school gate"),
        author=editor,
    )
    factories.make_note(statement, editor=editor, text="Reposted with thanks.")
    return statement


def test_every_admin_save_keeps_a_revision_with_who_and_what(editor_client, editor, statement):
    save_in_admin(editor_client, statement, title="Clean air near every school, now")
    save_in_admin(editor_client, statement, summary="Forty-one schools, in fact.")
    listed = revisions.revisions_of(statement)
    # The two saves, after the state the statement was made in (outside the admin).
    assert len(listed) == 3
    assert [v.revision.user for v in listed] == [editor, editor, None]
    assert listed[0].revision.comment == "Changed Summary."
    assert listed[1].revision.comment == "Changed Title."

    held = revisions.content_of(listed[1])
    assert held["title"] == "Clean air near every school, now"
    assert held["summary"] == "Forty schools stand next to the ring road."
    assert held["body"] == statement.body
    assert held["status"] == "published"
    assert held["publish_at"] == statement.publish_at
    assert held["statement_date"] == statement.statement_date
    assert held["organizations"] == [o.pk for o in statement.organizations.all()]
    assert held["topics"] == [t.pk for t in statement.topics.all()]
    assert held["featured_image"] == statement.featured_image_id
    assert [n["text"] for n in held["notes"]] == ["Reposted with thanks."]


def test_the_change_page_lists_the_revisions(editor_client, statement):
    save_in_admin(editor_client, statement, title="First change")
    save_in_admin(editor_client, statement, title="Second change")
    page = editor_client.get(CHANGE.format(statement.pk)).content.decode()
    section = page[page.index('id="revisions-heading"') :]
    assert section.count('name="from"') == 3  # and the state it was made in
    assert "Changed Title." in section
    assert "jordan" in section


def test_compare_shows_the_changed_words_of_the_text_not_the_html(editor_client, statement):
    save_in_admin(editor_client, statement)
    save_in_admin(
        editor_client,
        statement,
        body="<p>The council must move the <strong>lorry</strong> depot away from the schools.</p>",
    )
    new, old, _made = revisions.revisions_of(statement)
    response = editor_client.get(COMPARE.format(statement.pk), {"from": old.pk, "to": new.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<del>bus</del>" in page
    assert "<ins>lorry</ins>" in page
    assert "&lt;strong&gt;" not in page and "&lt;p&gt;" not in page
    # Unchanged fields are shown too, by name, as readers see them.
    assert "Air" in page and "Children at the school gate" in page


def test_restore_is_a_new_revision_and_goes_live_like_any_edit(client, editor_client, statement):
    save_in_admin(editor_client, statement)
    client.get(statement.get_absolute_url())  # the public page is now cached
    save_in_admin(
        editor_client,
        statement,
        title="A title nobody wanted",
        body="<p>Everything rewritten.</p>",
        topics=[],
        **{"editor_notes-0-DELETE": "on"},
    )
    assert statement.editor_notes.count() == 0
    older = revisions.revisions_of(statement)[1]

    page = editor_client.get(RESTORE.format(statement.pk, older.pk))
    assert page.status_code == 200
    # The confirmation compares what is live now (left) with the revision (right).
    assert "<del>nobody</del>" in page.content.decode()
    assert re.search(r"<ins>[^<]*bus depot", page.content.decode())
    response = editor_client.post(
        RESTORE.format(statement.pk, older.pk),
        {"seen_latest": revisions.latest_id(statement)},
        follow=True,
    )
    assert "is restored, as a new revision" in main_text(response.content.decode())
    statement.refresh_from_db()
    assert statement.title == "Clean air near every school"
    assert "bus depot" in statement.body_html  # derived again by the ordinary save
    assert [t.name for t in statement.topics.all()] == ["Air"]
    assert statement.labels["topics"] == [["Air", "air"]]
    assert [n.text for n in statement.editor_notes.all()] == ["Reposted with thanks."]
    listed = revisions.revisions_of(statement)
    assert len(listed) == 4  # nothing lost (the state it was made in, two saves, the restore)
    assert listed[0].revision.comment.startswith("Restored the revision of")
    # Visitors see the restored statement at once (the cached page was refreshed).
    assert "bus depot" in main_text(client.get(statement.get_absolute_url()).content.decode())


def test_a_raced_restore_keeps_both_revisions_and_says_so(editor_client, statement):
    save_in_admin(editor_client, statement, title="One")
    first = revisions.revisions_of(statement)[0]
    seen = first.pk
    save_in_admin(editor_client, statement, title="Two, by another editor")
    response = editor_client.post(
        RESTORE.format(statement.pk, first.pk), {"seen_latest": seen}, follow=True
    )
    assert "Another editor saved this statement" in main_text(response.content.decode())
    assert len(revisions.revisions_of(statement)) == 4  # with the state it was made in
    statement.refresh_from_db()
    assert statement.title == "One"


@pytest.mark.parametrize(
    "url",
    [
        RESTORE.format("{pk}", "999999"),
        RESTORE.format("{pk}", "not-a-number"),
        COMPARE.format("{pk}") + "?from=999999&to=1",
        COMPARE.format("{pk}") + "?from=abc&to=",
        RESTORE.format("999999", "1"),
        COMPARE.format("999999"),
    ],
)
def test_a_revision_that_does_not_exist_is_a_404(editor_client, statement, url):
    save_in_admin(editor_client, statement)
    assert editor_client.get(url.format(pk=statement.pk)).status_code == 404


def test_another_statements_revision_is_a_404(editor_client, statement):
    other = factories.make_published("Another statement")
    save_in_admin(editor_client, other)
    save_in_admin(editor_client, statement)
    theirs = revisions.revisions_of(other)[0]
    mine = revisions.revisions_of(statement)[0]
    assert editor_client.get(RESTORE.format(statement.pk, theirs.pk)).status_code == 404
    compare = COMPARE.format(statement.pk) + f"?from={theirs.pk}&to={mine.pk}"
    assert editor_client.get(compare).status_code == 404


def test_moderators_may_compare_but_not_restore(client, editor_client, moderator, statement):
    save_in_admin(editor_client, statement, title="One")
    save_in_admin(editor_client, statement, title="Two")
    older = revisions.revisions_of(statement)[1]
    client.force_login(moderator)
    assert client.get(COMPARE.format(statement.pk)).status_code == 200
    assert client.get(RESTORE.format(statement.pk, older.pk)).status_code == 403
    assert client.post(RESTORE.format(statement.pk, older.pk)).status_code == 403
    statement.refresh_from_db()
    assert statement.title == "Two"


def test_revisions_are_pruned_only_when_a_setting_says_so(editor_client, statement, settings):
    for n in range(4):
        save_in_admin(editor_client, statement, title=f"Change {n}")
    assert len(revisions.revisions_of(statement)) == 5  # with the state it was made in
    settings.REVISIONS_KEEP = 2
    save_in_admin(editor_client, statement, title="Change 4")
    assert [v.revision.comment for v in revisions.revisions_of(statement)] == [
        "Changed Title."
    ] * 2
    assert revisions.content_of(revisions.revisions_of(statement)[1])["title"] == "Change 3"


def test_change_page_queries_do_not_grow_with_100_revisions(editor_client, statement):
    save_in_admin(editor_client, statement)
    one = revisions.revisions_of(statement)[0]
    for n in range(98):  # with the state it was made in and that save: 100
        # Copies of a real revision: the change page reads them as it reads any.
        revision = one.revision
        revision.pk = None
        revision._state.adding = True
        revision.comment = f"Change {n}"
        revision.save()
        Version.objects.create(
            revision=revision,
            object_id=one.object_id,
            content_type=one.content_type,
            db=one.db,
            format=one.format,
            serialized_data=one.serialized_data,
            object_repr=one.object_repr,
        )
    assert len(revisions.revisions_of(statement)) == 100
    # … and a draft of changes waiting, which the page opens on, notes included.
    note = statement.editor_notes.get()
    draft_note = {"id": note.pk, "text": "A draft note", "editor": note.editor_id}
    draft_note.update(placement="below", position=0)
    added = {**draft_note, "id": None, "text": "An added note"}
    Draft.objects.create(
        statement=statement, content={"title": "A draft title", "notes": [draft_note, added]}
    )
    with CaptureQueriesContext(connection) as queries:
        response = editor_client.get(CHANGE.format(statement.pk))
    assert response.status_code == 200
    assert response.content.decode().count('name="from"') == 100
    assert 'value="A draft title"' in response.content.decode()
    assert "A draft note</textarea>" in response.content.decode()
    assert "An added note</textarea>" in response.content.decode()
    assert len(queries) <= CHANGE_PAGE_BUDGET, "\n".join(q["sql"] for q in queries)


def test_revisions_add_no_query_to_the_public_page(client, editor_client, statement, settings):
    settings.PAGE_CACHE_SECONDS = 0
    with CaptureQueriesContext(connection) as before:
        client.get(statement.get_absolute_url())
    for n in range(3):
        save_in_admin(editor_client, statement, title=f"Change {n}")
    with CaptureQueriesContext(connection) as after:
        client.get(statement.get_absolute_url())
    assert len(after) == len(before)
    assert not [q for q in after if "reversion" in q["sql"]]


def test_a_save_outside_the_admin_makes_no_revision(statement):
    statement.title = "Changed in the shell"
    statement.save()
    assert revisions.revisions_of(Statement.objects.get(pk=statement.pk)) == []


def test_form_data_helper_posts_what_the_page_holds(statement):
    # The helper must keep up with the form, or every test above would save less than it says.
    data = statement_form_data(statement)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", data["publish_at_0"])


def test_compare_shows_a_figures_own_credit(editor_client, statement):
    photo = factories.make_image(credit="© Harbour Archive")
    img = f'<img src="{photo.file.url}" data-file="{photo.pk}"'
    save_in_admin(editor_client, statement, body=f"<figure>{img}></figure>")
    save_in_admin(editor_client, statement, body=f'<figure>{img} data-credit="Ana Ruiz"></figure>')
    new, old, _made = revisions.revisions_of(statement)
    page = editor_client.get(COMPARE.format(statement.pk), {"from": old.pk, "to": new.pk})
    text = main_text(page.content.decode())
    assert "credit: Ana Ruiz" in text


def test_compare_names_languages_translations_and_yes_or_no(editor_client, statement):
    original = factories.make_published("Aire limpio junto a cada escuela", language="es")
    save_in_admin(editor_client, statement)
    save_in_admin(
        editor_client, statement, translation_of=original.pk, do_not_email="on", language="en"
    )
    new, old, _made = revisions.revisions_of(statement)
    page = editor_client.get(COMPARE.format(statement.pk), {"from": old.pk, "to": new.pk})
    text = main_text(page.content.decode())
    assert "Aire limpio junto a cada escuela" in text  # the translation, by its title
    assert "English" in text
    assert "False" not in text and "True" not in text


# --- every path an editor saves by -------------------------------------------------------


def made_by(version, user, since):
    """The revision says who saved it, and when (during this test)."""
    return version.revision.user == user and version.revision.date_created >= since


def test_the_state_before_the_first_admin_edit_is_kept_first(editor_client, editor, statement):
    # Made without the admin (an import, the shell, the demo): no revision yet.
    assert revisions.revisions_of(statement) == []
    before = timezone.now()
    save_in_admin(editor_client, statement, title="A title nobody wanted")
    edit, first = revisions.revisions_of(statement)
    assert made_by(edit, editor, before)
    assert revisions.content_of(first)["title"] == "Clean air near every school"
    assert [n["text"] for n in revisions.content_of(first)["notes"]] == ["Reposted with thanks."]
    assert first.revision.user is None  # nobody saved it in the admin
    # Dated when that state was saved.
    assert first.revision.date_created < edit.revision.date_created
    assert first.revision.comment.startswith("As it was before its first revision")
    # So the first edit can be undone too.
    editor_client.post(RESTORE.format(statement.pk, first.pk))
    statement.refresh_from_db()
    assert statement.title == "Clean air near every school"
    assert len(revisions.revisions_of(statement)) == 3


def test_a_refused_save_keeps_no_revision(editor_client, statement):
    response = editor_client.post(
        CHANGE.format(statement.pk), statement_form_data(statement, title="")
    )
    assert response.status_code == 200
    assert revisions.revisions_of(statement) == []


def test_publishing_a_draft_of_changes_keeps_a_revision_with_who_and_when(
    editor_client, editor, statement
):
    save_in_admin(editor_client, statement)
    data = statement_form_data(statement, title="Clean air, the draft")
    data["_save_draft"] = "Save draft of changes"
    editor_client.post(CHANGE.format(statement.pk), data)
    before = timezone.now()
    draft = Draft.objects.get()
    data = statement_form_data(statement, title="Clean air, the draft")
    data.update({"_continue": "Publish changes", "draft_saved_at": draft.saved_at.isoformat()})
    editor_client.post(CHANGE.format(statement.pk), data)
    latest = revisions.revisions_of(statement)[0]
    assert made_by(latest, editor, before)
    assert revisions.content_of(latest)["title"] == "Clean air, the draft"


def test_restoring_keeps_a_revision_with_who_and_when(editor_client, editor, statement):
    save_in_admin(editor_client, statement, title="One")
    save_in_admin(editor_client, statement, title="Two")
    before = timezone.now()
    older = revisions.revisions_of(statement)[1]
    editor_client.post(RESTORE.format(statement.pk, older.pk))
    latest = revisions.revisions_of(statement)[0]
    assert made_by(latest, editor, before)
    assert revisions.content_of(latest)["title"] == "One"


def test_scheduling_keeps_a_revision_and_coming_due_needs_no_save(
    client, editor_client, editor, statement
):
    due = timezone.localtime(timezone.now() + timedelta(seconds=2))
    before = timezone.now()
    save_in_admin(
        editor_client,
        statement,
        publish_at_0=due.strftime("%Y-%m-%d"),
        publish_at_1=due.strftime("%H:%M:%S"),
    )
    assert statement.state == "scheduled"
    latest = revisions.revisions_of(statement)[0]
    # Who scheduled it, when, and for when: what coming due publishes.
    assert made_by(latest, editor, before)
    held = revisions.content_of(latest)
    assert (held["status"], held["publish_at"]) == ("published", statement.publish_at)
    count = len(revisions.revisions_of(statement))
    time.sleep(max(0, (statement.publish_at - timezone.now()).total_seconds()) + 0.1)
    assert client.get(statement.get_absolute_url()).status_code == 200  # due: published
    assert len(revisions.revisions_of(statement)) == count  # by no save of its own
