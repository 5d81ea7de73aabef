"""Everything stored about an address, asked for in the admin (GDPR Art. 15) and downloaded."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from exports.models import Export
from tests import factories
from tests.comments.conftest import make_comment

pytestmark = pytest.mark.django_db

FORM = "admin:exports_export_personal_data"


@pytest.fixture
def privacy_officer(client, django_capture_on_commit_callbacks):
    """Staff with the permission; the export's task runs once each request commits."""
    user = factories.make_user("dpo", staff=True)
    user.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    client.force_login(user)
    post = client.post

    def post_and_commit(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return post(*args, **kwargs)

    client.post = post_and_commit
    return client


@pytest.fixture
def ana():
    statement = factories.make_published("Water is a right")
    make_comment(statement, email="Ana@Example.org", name="Ana", ip_address="192.0.2.7")
    make_comment(statement, email="someone.else@example.org")
    factories.make_subscriber("ana@example.org")
    return statement


def test_the_data_of_an_address_is_prepared_and_downloaded_as_json(privacy_officer, ana):
    listing = privacy_officer.get(reverse("admin:exports_export_changelist")).content.decode()
    assert reverse(FORM) in listing
    page = privacy_officer.post(reverse(FORM), {"email": " ana@example.org "}, follow=True)
    assert "The export is being prepared" in page.content.decode()
    export = Export.objects.get()
    assert (export.kind, export.state, export.address) == (
        Export.Kind.PERSONAL_DATA,
        Export.State.READY,
        "ana@example.org",
    )
    response = privacy_officer.get(reverse("admin:exports_export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    data = json.loads(b"".join(response.streaming_content))
    assert [c["name"] for c in data["comments"]] == ["Ana"]
    assert data["comments"][0]["ip_address"] == "192.0.2.7"
    assert data["subscription"]["email"] == "ana@example.org"
    assert export.rows == 2  # one comment and the subscription


def test_the_file_holds_what_export_commenter_prints(privacy_officer, ana, capsys):
    privacy_officer.post(reverse(FORM), {"email": "ana@example.org"})
    export = Export.objects.get()
    response = privacy_officer.get(reverse("admin:exports_export_download", args=[export.pk]))
    call_command("export_commenter", "ana@example.org")
    assert json.loads(b"".join(response.streaming_content)) == json.loads(capsys.readouterr().out)


def test_a_mistyped_address_is_refused_with_its_reason_and_kept_in_the_form(privacy_officer, ana):
    response = privacy_officer.post(reverse(FORM), {"email": "ana@example"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Enter a valid email address." in body
    assert 'value="ana@example"' in body
    assert not Export.objects.exists()


def test_editors_and_moderators_cannot_export_a_persons_data(
    editor_client, editor, moderator, ana
):
    assert editor_client.get(reverse(FORM)).status_code == 404
    assert editor_client.post(reverse(FORM), {"email": "ana@example.org"}).status_code == 404
    listing = editor_client.get(reverse("admin:exports_export_changelist")).content.decode()
    assert reverse(FORM) not in listing
    editor_client.force_login(moderator)
    assert editor_client.get(reverse(FORM)).status_code in (403, 404)
    assert not Export.objects.exists()
