from datetime import timedelta

import pytest
from django.utils import timezone

from statements.models import EditorNote, Statement
from tests import factories

pytestmark = pytest.mark.django_db


# --- what visitors may see ----------------------------------------------------


def test_published_is_only_published_statements_whose_time_has_come():
    past = factories.make_published("In the past", days_ago=3)
    just_now = factories.make_statement(
        "Just now", publish_at=timezone.now() - timedelta(seconds=1)
    )
    factories.make_draft("A draft")
    factories.make_draft("A draft dated in the future", publish_at=timezone.now() + timedelta(1))
    factories.make_scheduled("Scheduled for next week", days_ahead=7)
    factories.make_statement("In a minute", publish_at=timezone.now() + timedelta(minutes=1))

    assert set(Statement.objects.published()) == {past, just_now}


def test_published_newest_first():
    older = factories.make_published("Older", days_ago=10)
    newest = factories.make_published("Newest", days_ago=1)
    middle = factories.make_published("Middle", days_ago=5)

    assert list(Statement.objects.published()) == [newest, middle, older]


def test_scheduled_statement_appears_by_itself_when_its_time_comes(monkeypatch):
    statement = factories.make_scheduled("Appears tomorrow", days_ahead=1)
    assert statement not in Statement.objects.published()
    assert statement in Statement.objects.scheduled()

    later = timezone.now() + timedelta(days=2)
    monkeypatch.setattr(timezone, "now", lambda: later)

    assert statement in Statement.objects.published()
    assert statement not in Statement.objects.scheduled()


def test_scheduled_and_drafts_querysets():
    published = factories.make_published()
    scheduled = factories.make_scheduled()
    draft = factories.make_draft()
    future_draft = factories.make_draft(publish_at=timezone.now() + timedelta(days=5))

    assert list(Statement.objects.scheduled()) == [scheduled]
    assert set(Statement.objects.drafts()) == {draft, future_draft}
    assert published not in Statement.objects.drafts()


@pytest.mark.parametrize(
    ("make", "state", "is_published"),
    [
        (factories.make_published, "published", True),
        (factories.make_scheduled, "scheduled", False),
        (factories.make_draft, "draft", False),
    ],
)
def test_state_property(make, state, is_published):
    statement = make()
    assert statement.state == state
    assert statement.is_published is is_published


def test_a_draft_dated_in_the_past_is_still_a_draft():
    statement = factories.make_draft(publish_at=timezone.now() - timedelta(days=30))
    assert statement.state == "draft"
    assert not statement.is_published


# --- slugs ----------------------------------------------------------------------


def test_slug_from_a_unicode_title():
    statement = factories.make_statement("U.S. − Hands Off Kazakhstan!")
    assert statement.slug == "us-hands-off-kazakhstan"


def test_slug_transliterates_accented_letters():
    statement = factories.make_statement("Solidarité avec les grévistes")
    assert statement.slug == "solidarite-avec-les-grevistes"


def test_slug_of_a_title_without_latin_letters_falls_back():
    statement = factories.make_statement("Нет войне")
    assert statement.slug == "statement"
    assert statement.slug.isascii()
    second = factories.make_statement("Руки прочь")
    assert second.slug == "statement-2"


def test_slug_is_unique():
    first = factories.make_statement("Stop the Evictions")
    second = factories.make_statement("Stop the evictions!")
    third = factories.make_statement("STOP THE EVICTIONS")

    assert [first.slug, second.slug, third.slug] == [
        "stop-the-evictions",
        "stop-the-evictions-2",
        "stop-the-evictions-3",
    ]


def test_slug_given_by_staff_is_kept_and_kept_on_later_saves():
    statement = factories.make_statement("A long title nobody wants in the address", slug="short")
    statement.title = "A changed title"
    statement.save()
    statement.refresh_from_db()
    assert statement.slug == "short"


def test_slug_of_a_very_long_title_fits_the_field():
    statement = factories.make_statement(("Solidarity " * 23).strip())  # 252 characters
    assert len(statement.slug) <= Statement._meta.get_field("slug").max_length
    assert statement.slug.startswith("solidarity-solidarity")
    assert not statement.slug.endswith("-")


# --- previous / next --------------------------------------------------------------


def neighbours(statement):
    """(previous slug, next slug): the page's query and the annotation must agree."""
    previous, next_ = Statement.objects.get(pk=statement.pk).neighbours()
    found = (previous and previous.slug, next_ and next_.slug)
    annotated = Statement.objects.with_neighbours().get(pk=statement.pk)
    assert found == (annotated.previous_slug, annotated.next_slug)
    return found


def test_previous_and_next_skip_drafts_and_scheduled():
    oldest = factories.make_published("Oldest", days_ago=10)
    factories.make_draft("Draft between", publish_at=timezone.now() - timedelta(days=8))
    middle = factories.make_published("Middle", days_ago=6)
    factories.make_statement(
        "Scheduled in the future",
        publish_at=timezone.now() + timedelta(days=1),
    )
    factories.make_draft("Draft between 2", publish_at=timezone.now() - timedelta(days=4))
    newest = factories.make_published("Newest", days_ago=2)

    assert neighbours(middle) == (oldest.slug, newest.slug)
    assert neighbours(oldest) == (None, middle.slug)
    assert neighbours(newest) == (middle.slug, None)


def test_previous_and_next_with_the_same_publish_time():
    moment = timezone.now() - timedelta(days=1)
    first = factories.make_statement("Same time A", publish_at=moment)
    second = factories.make_statement("Same time B", publish_at=moment)
    third = factories.make_statement("Same time C", publish_at=moment)

    assert neighbours(second) == (first.slug, third.slug)
    assert neighbours(first) == (None, second.slug)
    assert neighbours(third) == (second.slug, None)


def test_a_lone_statement_has_no_neighbours():
    assert neighbours(factories.make_published("Alone", days_ago=1)) == (None, None)


# --- editor's notes -------------------------------------------------------------


def test_note_initials_come_from_the_staff_profile():
    editor = factories.make_editor(initials="jb", first_name="Someone", last_name="Else")
    note = factories.make_note(factories.make_statement(), editor=editor)
    assert note.initials == "jb"


def test_note_initials_fall_back_to_the_editors_name_then_username():
    named = factories.make_user("rivera", staff=True, first_name="Alex", last_name="Rivera")
    unnamed = factories.make_user("quinn", staff=True)
    statement = factories.make_statement()

    assert factories.make_note(statement, editor=named).initials == "ar"
    assert factories.make_note(statement, editor=unnamed).initials == "qu"


def test_notes_above_and_below_the_body_in_position_order():
    statement = factories.make_statement()
    editor = factories.make_editor()
    second_above = factories.make_note(statement, editor=editor, text="Second", position=2)
    below = factories.make_note(
        statement, editor=editor, text="Below", placement=EditorNote.Placement.BELOW
    )
    first_above = factories.make_note(statement, editor=editor, text="First", position=1)

    shown = statement.page_relations()

    def as_shown(notes):
        return [(note.text, note.initials) for note in notes]

    assert as_shown(shown["notes_above"]) == as_shown([first_above, second_above])
    assert as_shown(shown["notes_below"]) == as_shown([below])


def test_a_note_is_above_the_body_by_default():
    note = factories.make_note(factories.make_statement())
    assert note.placement == EditorNote.Placement.ABOVE


# --- reposts --------------------------------------------------------------------


def test_repost_canonical_url_is_the_original():
    repost = factories.make_statement(
        source_name="Allied Network", source_url="https://allies.example.org/statement/7"
    )
    own = factories.make_statement()

    assert repost.is_repost
    assert repost.canonical_url == "https://allies.example.org/statement/7"
    assert not own.is_repost
    assert own.canonical_url is None
