"""Review before publishing: contributors write and submit, editors publish or return."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from editing import reviews, revisions
from editing.models import Review
from statements.models import Statement
from tests import factories
from tests.editing.forms import CHANGE, statement_form_data
from tests.pages import main_text

pytestmark = pytest.mark.django_db

ADD = "/admin/statements/statement/add/"
REVIEWS = "/admin/editing/review/"


@pytest.fixture
def contributor(db):
    return factories.make_contributor("casey")


@pytest.fixture
def contributor_client(contributor):
    client = Client()
    client.force_login(contributor)
    return client


def new_statement_data(**changes):
    organization = factories.make_organization("Parents for Safe Streets")
    now = timezone.localtime()
    data = {
        "title": "Safe streets around every school",
        "slug": "safe-streets-around-every-school",
        "organizations": [organization.pk],
        "statement_date": "2024-05-01",
        "language": "en",
        "summary": "Crossings now.",
        "body": "<p>Parents have asked for crossings since 2019.</p>",
        "status": "published",  # refused: contributors never publish
        "publish_at_0": now.strftime("%Y-%m-%d"),
        "publish_at_1": now.strftime("%H:%M:%S"),
        "topics": [],
        "featured_image": "",
        "source_name": "",
        "source_url": "",
        "comments_open": "on",
        "editor_notes-TOTAL_FORMS": "0",
        "editor_notes-INITIAL_FORMS": "0",
        "editor_notes-MIN_NUM_FORMS": "0",
        "editor_notes-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def submitted(contributor_client, settings, **changes):
    settings.REVIEWS_NOTIFY_INTERVAL_MINUTES = 15
    response = contributor_client.post(
        ADD, new_statement_data(_submit_review="Submit for review", **changes), follow=True
    )
    assert "Submitted for review" in main_text(response.content.decode())
    return Statement.objects.get(slug="safe-streets-around-every-school")


def test_a_contributor_writes_and_submits_but_cannot_publish(
    contributor_client, contributor, editor, settings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        statement = submitted(contributor_client, settings)
    assert statement.status == Statement.Status.DRAFT
    assert statement.author == contributor
    review = Review.objects.get()
    assert (review.state, review.submitted_by) == (Review.State.WAITING, contributor)
    # The Editors are mailed, with a link to the statement; no tracking, no visitor data.
    (message,) = mail.outbox
    assert message.to == [editor.email]
    assert "Safe streets around every school" in message.body
    assert f"/admin/statements/statement/{statement.pk}/change/" in message.body
    # The admin log and the revision list say who submitted.
    assert "Submitted for review." in [e.get_change_message() for e in LogEntry.objects.all()]
    (revision,) = revisions.revisions_of(statement)
    assert revision.revision.user == contributor
    assert "Submitted for review." in revision.revision.comment


def test_mail_to_editors_is_throttled(contributor_client, editor, settings):
    settings.REVIEWS_NOTIFY_INTERVAL_MINUTES = 15
    first = factories.make_draft("First", author=editor)
    second = factories.make_draft("Second", author=editor)

    Review.objects.create(statement=first)
    assert reviews.notify_editors() == 1
    Review.objects.create(statement=second)
    assert reviews.notify_editors() == 0  # within the interval
    assert len(mail.outbox) == 1
    Review.objects.update(editors_notified_at=timezone.now() - timedelta(minutes=16))
    Review.objects.filter(statement=second).update(editors_notified_at=None)
    assert reviews.notify_editors() == 1
    call_command("send_review_digest", stdout=open("/dev/null", "w"))  # nothing left
    assert len(mail.outbox) == 2


def test_the_review_mail_is_a_task_queued_with_the_review(contributor_client, editor, settings):
    """With the production queue the submit only writes the task; a worker sends the mail."""
    from django_tasks_db.models import DBTaskResult

    from background.tasks import send_review_digest

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    submitted(contributor_client, settings)
    assert mail.outbox == []  # not sent by the editor's request
    queued = DBTaskResult.objects.get()
    assert queued.task_path == send_review_digest.module_path
    assert send_review_digest.call() == 1
    (message,) = mail.outbox
    assert message.subject.endswith("1 statement waiting for review")


def test_a_failing_mail_server_announces_the_review_later(contributor, editor, settings):
    from tests.comments.failing_mail import FailingEmailBackend

    statement = factories.make_draft("Crossings now", author=contributor)
    review = Review.objects.create(statement=statement, submitted_by=contributor)
    settings.EMAIL_BACKEND = "tests.comments.failing_mail.FailingEmailBackend"
    assert reviews.notify_editors() == 0
    assert FailingEmailBackend.attempts >= 1
    review.refresh_from_db()
    assert review.editors_notified_at is None  # not announced: listed again next time

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reviews.notify_editors() == 1
    (message,) = mail.outbox
    assert "Crossings now" in message.body


def test_a_mail_recorded_but_not_sent_goes_once(contributor, editor, settings, monkeypatch):
    """A worker killed between recording the mail and sending it: the next run sends it once."""
    from background import mail as background_mail

    statement = factories.make_draft("Crossings now", author=contributor)
    Review.objects.create(statement=statement, submitted_by=contributor)
    with monkeypatch.context() as crash:
        crash.setattr(background_mail, "deliver", lambda mail_id: None)  # dies before sending
        reviews.notify_editors()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reviews.notify_editors()
    reviews.notify_editors(respect_interval=False)
    assert len(mail.outbox) == 1
    assert "Crossings now" in mail.outbox[0].body


def test_a_contributor_cannot_change_others_or_published_statements(contributor_client):
    published = factories.make_published("Out already")
    response = contributor_client.post(CHANGE.format(published.pk), statement_form_data(published))
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.title == "Out already"


def test_an_editor_approves_and_publishes(
    contributor_client, editor_client, editor, settings, django_capture_on_commit_callbacks
):
    statement = submitted(contributor_client, settings)
    page = editor_client.get(REVIEWS, follow=True)
    assert "Safe streets around every school" in main_text(page.content.decode())
    data = statement_form_data(statement, _approve_publish="Approve and publish")
    response = editor_client.post(CHANGE.format(statement.pk), data, follow=True)
    assert "Approved and published." in main_text(response.content.decode())
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PUBLISHED
    review = Review.objects.get()
    assert (review.state, review.decided_by) == (Review.State.PUBLISHED, editor)
    assert revisions.revisions_of(statement)[0].revision.comment.endswith(
        "Published after review (submitted by casey)."
    )
    assert Client().get(statement.get_absolute_url()).status_code == 200


def test_an_editor_returns_it_with_a_note_only_the_author_reads(
    contributor_client, editor_client, settings
):
    statement = submitted(contributor_client, settings)
    data = statement_form_data(statement, _return_review="Return", review_note="Add the date.")
    response = editor_client.post(CHANGE.format(statement.pk), data, follow=True)
    assert "returned to its author" in main_text(response.content.decode())
    assert Review.objects.get().state == Review.State.RETURNED
    statement.refresh_from_db()
    assert statement.status == Statement.Status.DRAFT
    page = contributor_client.get(CHANGE.format(statement.pk)).content.decode()
    assert "Add the date." in page
    assert "Add the date." not in Client().get(statement.get_absolute_url()).content.decode()


def test_review_actions_that_are_not_theirs_are_refused(contributor_client, editor, settings):
    statement = submitted(contributor_client, settings)
    # A contributor cannot return (or approve) their own statement.
    data = statement_form_data(statement, _return_review="Return")
    assert contributor_client.post(CHANGE.format(statement.pk), data).status_code == 403
    data = statement_form_data(statement, _approve_publish="Approve")
    contributor_client.post(CHANGE.format(statement.pk), data)
    statement.refresh_from_db()
    assert statement.status == Statement.Status.DRAFT
    assert Review.objects.get().state == Review.State.WAITING
    # The review list is the Editors'.
    assert contributor_client.get(REVIEWS + "?state__exact=waiting").status_code == 403
    assert Client().get(CHANGE.format(999999)).status_code == 302


def test_submitting_twice_keeps_one_waiting_review(contributor_client, settings):
    statement = submitted(contributor_client, settings)
    data = statement_form_data(statement, _submit_review="Submit for review")
    contributor_client.post(CHANGE.format(statement.pk), data)
    assert Review.objects.filter(state=Review.State.WAITING).count() == 1
