"""The subscribers' CSV: asked for in the admin, built by the worker, downloaded by its owner."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import storages
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from background.tasks import periodic_checks
from exports import runs
from exports.models import Export
from subscriptions.models import Subscriber
from tests import factories

pytestmark = pytest.mark.django_db

SUBSCRIBERS = "admin:subscriptions_subscriber_changelist"
EXPORTS = "admin:exports_export_changelist"


@pytest.fixture
def people():
    housing = factories.make_topic("Housing")
    factories.make_subscriber("rosa@example.net", topics=[housing])
    factories.make_subscriber("sam@example.org", consent_text="=HYPERLINK(evil)")
    factories.make_subscriber("pending@example.org", state=Subscriber.State.PENDING)
    return housing


@pytest.fixture
def ask_for_export(django_capture_on_commit_callbacks):
    """Post the admin action; its task runs once the request's transaction commits."""

    def ask(client, emails=None):
        with django_capture_on_commit_callbacks(execute=True):
            return _post_action(client, emails)

    return ask


def _post_action(client, emails):
    subscribers = Subscriber.objects.all()
    if emails:
        subscribers = subscribers.filter(email__in=emails)
    ids = list(subscribers.values_list("pk", flat=True))
    return client.post(
        reverse(SUBSCRIBERS), {"action": "export_csv", "_selected_action": ids}, follow=True
    )


def download(client, export):
    return client.get(reverse("admin:exports_export_download", args=[export.pk]))


def table(response):
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_an_editor_asks_for_the_csv_and_downloads_it_from_the_exports_list(
    editor_client, people, ask_for_export
):
    page = ask_for_export(editor_client)
    assert "The export of 3 subscribers is being prepared" in page.content.decode()
    export = Export.objects.get()
    assert export.state == Export.State.READY  # the tests' tasks run at once
    assert export.rows == 3

    listing = editor_client.get(reverse(EXPORTS)).content.decode()
    assert reverse("admin:exports_export_download", args=[export.pk]) in listing
    assert export.download_name in listing

    response = download(editor_client, export)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert export.download_name in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    rows = table(response)
    assert [r["email"] for r in rows] == [
        "pending@example.org",
        "rosa@example.net",
        "sam@example.org",
    ]
    assert rows[1]["topics"] == "housing"
    assert rows[2]["consent_text"] == "'=HYPERLINK(evil)"  # no formula for a spreadsheet


def test_only_the_selected_subscribers_are_exported(editor_client, people, ask_for_export):
    ask_for_export(editor_client, ["sam@example.org"])
    assert [r["email"] for r in table(download(editor_client, Export.objects.get()))] == [
        "sam@example.org"
    ]


def test_the_file_is_kept_in_the_private_storage_never_in_public_media(
    editor_client, people, settings, ask_for_export
):
    ask_for_export(editor_client)
    export = Export.objects.get()
    assert storages["private"].exists(export.stored_file)
    assert not storages["default"].exists(export.stored_file)
    # Unguessable: the export's random id, nothing of who or when.
    assert export.stored_file == f"exports/{export.pk.hex}.csv"


def test_staff_without_the_export_permission_cannot_export(client, people, ask_for_export):
    viewer = factories.make_user("viewer", staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(codename="view_subscriber"),
        Permission.objects.get(codename="change_subscriber"),
    )
    client.force_login(viewer)
    page = client.get(reverse(SUBSCRIBERS))
    assert page.status_code == 200
    assert "export_csv" not in page.content.decode()
    ask_for_export(client)
    assert not Export.objects.exists()
    assert client.get(reverse(EXPORTS)).status_code == 403


def test_another_editor_neither_sees_nor_downloads_someone_elses_export(
    editor_client, client, people, ask_for_export
):
    ask_for_export(editor_client)
    export = Export.objects.get()
    client.force_login(factories.make_editor("other", initials="ot"))
    listing = client.get(reverse(EXPORTS))
    assert listing.status_code == 200
    assert export.download_name not in listing.content.decode()
    assert download(client, export).status_code == 404


def test_an_editor_who_lost_the_permission_can_no_longer_download(
    editor_client, editor, people, ask_for_export
):
    ask_for_export(editor_client)
    export = Export.objects.get()
    editor.groups.clear()
    editor.user_permissions.add(Permission.objects.get(codename="view_subscriber"))
    assert download(editor_client, export).status_code in (302, 403, 404)
    assert Export.objects.filter(pk=export.pk).exists()


def test_an_export_not_built_yet_says_so_instead_of_a_broken_file(editor_client, editor, people):
    export = Export.objects.create(
        kind=Export.Kind.SUBSCRIBERS,
        created_by=editor,
        expires_at=timezone.now() + timedelta(days=1),
    )
    page = editor_client.get(reverse(EXPORTS)).content.decode()
    assert "being prepared" in page
    assert '<meta http-equiv="refresh"' in page
    response = editor_client.get(
        reverse("admin:exports_export_download", args=[export.pk]), follow=True
    )
    assert "This export is not ready yet." in response.content.decode()


def test_expired_exports_are_deleted_with_their_file_by_the_worker_clock(
    editor_client, people, ask_for_export
):
    ask_for_export(editor_client)
    export = Export.objects.get()
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    periodic_checks()
    assert not Export.objects.exists()
    assert not storages["private"].exists(export.stored_file)


def test_deleting_an_export_in_the_admin_deletes_its_file(editor_client, people, ask_for_export):
    ask_for_export(editor_client)
    export = Export.objects.get()
    response = editor_client.post(
        reverse(EXPORTS),
        {"action": "delete_selected", "_selected_action": [export.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Export.objects.exists()
    assert not storages["private"].exists(export.stored_file)


def test_a_second_attempt_replaces_what_a_killed_first_one_stored(editor, people):
    export = Export.objects.create(
        kind=Export.Kind.SUBSCRIBERS,
        created_by=editor,
        selection=list(Subscriber.objects.values_list("pk", flat=True)),
        expires_at=timezone.now() + timedelta(days=1),
    )
    name = f"exports/{export.pk.hex}.csv"
    storages["private"].save(name, io.BytesIO(b"email,state\nhalf-writ"))
    assert runs.perform(str(export.pk)) == Export.State.READY
    export.refresh_from_db()
    assert export.stored_file == name  # replaced, not stored beside it under another name
    with storages["private"].open(name, "rb") as stored:
        assert stored.read().decode().count("@") == 3
    assert runs.perform(str(export.pk)) == Export.State.READY  # a third run changes nothing


def test_a_failed_build_is_shown_with_its_error_and_waits_for_its_retry(
    editor_client, editor, people, tmp_path
):
    export = Export.objects.create(
        kind=Export.Kind.SUBSCRIBERS,
        created_by=editor,
        selection=list(Subscriber.objects.values_list("pk", flat=True)),
        expires_at=timezone.now() + timedelta(days=1),
    )
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage expects a folder")
    broken = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocked)},
    }
    with override_settings(STORAGES={**_storages(), "private": broken}):
        with pytest.raises(OSError):
            runs.perform(str(export.pk))
    export.refresh_from_db()
    assert export.state == Export.State.QUEUED
    assert export.stored_file == ""
    page = editor_client.get(reverse(EXPORTS)).content.decode()
    assert "the last attempt failed" in page


def test_building_the_csv_of_three_hundred_subscribers_takes_six_queries(
    editor, django_assert_max_num_queries
):
    topic = factories.make_topic("Water")
    for n in range(300):
        factories.make_subscriber(f"many{n}@example.org", topics=[topic])
    export = runs.start(
        Export.Kind.SUBSCRIBERS,
        user=editor,
        selection=list(Subscriber.objects.values_list("pk", flat=True)),
    )
    with django_assert_max_num_queries(6):
        runs.perform(str(export.pk))
    export.refresh_from_db()
    assert export.rows == 300


def _storages():
    from django.conf import settings

    return settings.STORAGES


def test_after_its_last_failed_attempt_an_export_says_failed_and_the_list_stops_waiting(
    editor_client, editor, people, tmp_path, settings
):
    export = Export.objects.create(
        kind=Export.Kind.SUBSCRIBERS,
        created_by=editor,
        selection=list(Subscriber.objects.values_list("pk", flat=True)),
        expires_at=timezone.now() + timedelta(days=1),
        attempts=2,  # of three
    )
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the storage expects a folder")
    broken = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocked)},
    }
    with override_settings(STORAGES={**settings.STORAGES, "private": broken}):
        with pytest.raises(OSError):
            runs.perform(str(export.pk))
    export.refresh_from_db()
    assert (export.state, export.attempts) == (Export.State.FAILED, 3)
    page = editor_client.get(reverse(EXPORTS)).content.decode()
    assert "Failed: " in page
    assert '<meta http-equiv="refresh"' not in page


def test_a_file_a_dead_build_stored_without_recording_it_is_deleted_on_expiry(editor, people):
    export = Export.objects.create(
        kind=Export.Kind.SUBSCRIBERS,
        created_by=editor,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    # Saved, then the worker was killed before the row said so.
    storages["private"].save(export.storage_name, io.BytesIO(b"email\nrosa@example.net\n"))
    periodic_checks()
    assert not Export.objects.exists()
    assert not storages["private"].exists(export.storage_name)


def test_a_ready_export_whose_file_went_missing_says_so_instead_of_failing(
    editor_client, people, ask_for_export
):
    ask_for_export(editor_client)
    export = Export.objects.get()
    storages["private"].delete(export.stored_file)
    response = editor_client.get(
        reverse("admin:exports_export_download", args=[export.pk]), follow=True
    )
    assert response.status_code == 200
    assert "missing from the storage; please ask for it again" in response.content.decode()
