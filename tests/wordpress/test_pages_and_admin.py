"""WordPress pages become site pages; the admin's upload page gives the same report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from pages.models import Page
from statements.models import Statement
from tests import factories

from . import wxr

pytestmark = pytest.mark.django_db


def test_pages_keep_their_parent_and_old_addresses(tmp_path, client, run_import):
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


def test_an_editor_imports_from_the_admin_and_sees_the_report(tmp_path, editor_client, client):
    export = wxr.export(wxr.item(post_id=1, title="From the admin", slug="from-admin"))
    response = editor_client.post(
        "/admin/wordpress/importedobject/import/",
        {"export": SimpleUploadedFile("export.xml", export.encode()), "organization": "Union"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Import report" in html
    assert "post" in html and "Authors:" in html
    assert client.get("/statements/from-admin/").status_code == 200
    # The list of imported objects links to the upload page.
    listing = editor_client.get("/admin/wordpress/importedobject/").content.decode()
    assert "/admin/wordpress/importedobject/import/" in listing


def test_the_admin_refuses_a_hostile_file_with_the_reason(editor_client):
    upload = SimpleUploadedFile("x.xml", (wxr.FILES / "xxe.xml").read_bytes())
    response = editor_client.post("/admin/wordpress/importedobject/import/", {"export": upload})
    assert response.status_code == 400
    assert "DOCTYPE" in response.content.decode()
    assert not Statement.objects.exists()


@override_settings(WORDPRESS_UPLOAD_MAX_BYTES=1000)
def test_the_upload_page_sends_large_files_to_the_command(editor_client, monkeypatch):
    from wordpress import forms

    monkeypatch.setattr(forms, "UPLOAD_MAX_BYTES", 1000)
    export = wxr.export(*(wxr.item(post_id=n) for n in range(1, 5)))
    response = editor_client.post(
        "/admin/wordpress/importedobject/import/",
        {"export": SimpleUploadedFile("export.xml", export.encode())},
    )
    assert response.status_code == 200
    assert "manage.py import_wordpress" in response.content.decode()
    assert not Statement.objects.exists()


def test_moderators_may_not_import(moderator_client):
    assert moderator_client.get("/admin/wordpress/importedobject/import/").status_code == 403


def test_a_dry_run_from_the_admin_keeps_nothing(editor_client):
    export = wxr.export(wxr.item(post_id=1))
    response = editor_client.post(
        "/admin/wordpress/importedobject/import/",
        {"export": SimpleUploadedFile("export.xml", export.encode()), "dry_run": "on"},
    )
    assert "Dry run report" in response.content.decode()
    assert not Statement.objects.exists()
    factories.make_published()  # the site still works
