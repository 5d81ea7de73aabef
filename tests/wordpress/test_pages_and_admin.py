"""WordPress pages become site pages; the admin's upload page gives the same report."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from pages.models import Page
from statements.models import Statement
from tests import factories
from wordpress.models import ImportRun

from . import wxr

pytestmark = pytest.mark.django_db


def test_pages_keep_their_parent_order_and_old_addresses(tmp_path, client, run_import):
    path = wxr.write(
        tmp_path,
        # The child is listed before its parent.
        wxr.item(
            post_id=201, post_type="page", title="Our team", slug="team", parent=200,
            link=f"{wxr.SITE}/about/team/", content="Who we are.", menu_order=2,
        ),
        wxr.item(
            post_id=200, post_type="page", title="About us", slug="about",
            link=f"{wxr.SITE}/about/", content="We organize tenants.\n\nSince 1990.",
        ),
        wxr.item(post_id=202, post_type="page", title="Old draft", slug="old", status="draft"),
    )  # fmt: skip
    run = run_import(path)

    assert run.count("page", "created") == 3
    team = Page.objects.get(slug="team")
    assert team.parent.slug == "about"
    assert team.menu_order == 2
    assert Page.objects.get(slug="old").status == "draft"
    assert not Statement.objects.exists()
    page = client.get("/pages/about/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<p>We organize tenants.</p>" in html and "About us" in html
    assert client.get("/pages/old/").status_code == 404
    for old, new in {
        "/about/": "/pages/about/",
        "/about/team/": "/pages/team/",
        "/?page_id=200": "/pages/about/",
    }.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    assert any("not in a menu yet" in r for r in run.reasons("note"))
    assert run_import(path).count("page", "skipped") == 3


def upload(client, export, callbacks, **fields):
    """Post the admin's import form; the queued run runs as the request's transaction commits."""
    with callbacks(execute=True):
        response = client.post(
            "/admin/wordpress/importedobject/import/",
            {"export": SimpleUploadedFile("export.xml", export), **fields},
        )
    return response


def test_an_editor_imports_from_the_admin_and_sees_the_report(
    editor, editor_client, client, django_capture_on_commit_callbacks
):
    export = wxr.export(wxr.item(post_id=1, title="From the admin", slug="from-admin"))
    response = upload(
        editor_client, export.encode(), django_capture_on_commit_callbacks, organization="Union"
    )
    # The import runs in the background: the editor is sent to its page.
    assert response.status_code == 302
    run = ImportRun.objects.get()
    assert response["Location"] == f"/admin/wordpress/importedobject/import/{run.pk}/"
    assert (run.state, run.created_by, run.organization) == ("done", editor, "Union")
    page = editor_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Import report" in html
    assert "post" in html and "Authors:" in html
    assert 'http-equiv="refresh"' not in html  # finished: it stops refreshing
    assert client.get("/statements/from-admin/").status_code == 200
    # The export, with its commenters' addresses, is not kept once imported.
    assert run.stored_export == ""
    assert not any(Path(settings.PRIVATE_ROOT).rglob("*.xml"))
    # The upload page lists the run; the list of imported objects links to the upload page.
    assert (
        str(run.pk)
        in editor_client.get("/admin/wordpress/importedobject/import/").content.decode()
    )
    listing = editor_client.get("/admin/wordpress/importedobject/").content.decode()
    assert "/admin/wordpress/importedobject/import/" in listing


def test_a_queued_import_page_refreshes_itself_until_the_worker_is_done(editor_client):
    export = wxr.export(wxr.item(post_id=1, title="Later", slug="later"))
    # No commit in this test: the run stays queued, as while the worker is busy.
    response = editor_client.post(
        "/admin/wordpress/importedobject/import/",
        {"export": SimpleUploadedFile("export.xml", export.encode())},
    )
    run = ImportRun.objects.get()
    page = editor_client.get(response["Location"]).content.decode()
    assert "Waiting for the task worker" in page
    assert 'http-equiv="refresh"' in page
    assert run.stored_export == f"wordpress-imports/{run.pk.hex}.xml"
    # The worker's task, run later (and run again after a crash), imports it once.
    from wordpress import runs

    assert runs.perform(run.pk) == "done"
    assert runs.perform(run.pk) == "done"
    assert Statement.objects.filter(slug="later").count() == 1


def test_the_admin_refuses_a_hostile_file_with_the_reason(
    editor_client, django_capture_on_commit_callbacks
):
    hostile = (wxr.FILES / "xxe.xml").read_bytes()
    response = upload(editor_client, hostile, django_capture_on_commit_callbacks)
    page = editor_client.get(response["Location"])
    assert page.status_code == 400
    assert "DOCTYPE" in page.content.decode()
    assert "Nothing was imported" in page.content.decode()
    assert not Statement.objects.exists()
    assert ImportRun.objects.get().state == "failed"


@override_settings(WORDPRESS_UPLOAD_MAX_BYTES=1000)
def test_the_upload_page_sends_large_files_to_the_command(editor_client, monkeypatch):
    from wordpress import forms

    monkeypatch.setattr(forms, "UPLOAD_MAX_BYTES", 1000)
    export = wxr.export(*(wxr.item(post_id=n) for n in range(1, 5)))
    response = editor_client.post(
        "/admin/wordpress/importedobject/import/",
        {"export": SimpleUploadedFile("export.xml", export.encode())},
    )
    assert response.status_code == 400  # refused, with where to go instead
    assert "manage.py import_wordpress" in response.content.decode()
    assert not Statement.objects.exists()


def test_moderators_may_not_import(moderator_client):
    assert moderator_client.get("/admin/wordpress/importedobject/import/").status_code == 403


def test_a_dry_run_from_the_admin_keeps_nothing(editor_client, django_capture_on_commit_callbacks):
    export = wxr.export(wxr.item(post_id=1))
    response = upload(
        editor_client, export.encode(), django_capture_on_commit_callbacks, dry_run="on"
    )
    assert "Dry run report" in editor_client.get(response["Location"]).content.decode()
    assert not Statement.objects.exists()
    factories.make_published()  # the site still works


def test_only_importers_see_an_import(editor_client, moderator):
    moderator_client = Client()
    moderator_client.force_login(moderator)
    export = wxr.export(wxr.item(post_id=1))
    response = editor_client.post(
        "/admin/wordpress/importedobject/import/",
        {"export": SimpleUploadedFile("export.xml", export.encode())},
    )
    assert moderator_client.get(response["Location"]).status_code == 403
    missing = "/admin/wordpress/importedobject/import/00000000-0000-0000-0000-000000000000/"
    assert editor_client.get(missing).status_code == 404
