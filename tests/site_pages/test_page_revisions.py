"""Site pages keep a revision of every admin save, and any revision can be restored."""

import pytest
from django.test import Client
from reversion.models import Version

from pages.models import Page
from tests.pages import main_text

pytestmark = pytest.mark.django_db

CHANGE = "/admin/pages/page/{}/change/"


def page_form(page, **changes):
    data = {
        "title": page.title,
        "slug": page.slug,
        "body": page.body,
        "status": page.status,
        "parent": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def page():
    return Page.objects.create(
        title="Contact", status=Page.Status.PUBLISHED, body="<p>Write to us at the office.</p>"
    )


def save(editor_client, page, **changes):
    response = editor_client.post(CHANGE.format(page.pk), page_form(page, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]
    page.refresh_from_db()


def test_every_save_is_a_revision_and_one_can_be_restored(editor_client, editor, page):
    visitor = Client()
    save(editor_client, page, body="<p>Write to us at the office.</p>")
    save(editor_client, page, title="Reach us", body="<p>Call the hotline.</p>")
    assert "Call the hotline." in visitor.get(page.get_absolute_url()).content.decode()
    versions = list(Version.objects.get_for_object(page).select_related("revision__user"))
    assert len(versions) == 2
    assert {v.revision.user for v in versions} == {editor}

    history = editor_client.get(f"/admin/pages/page/{page.pk}/history/")
    assert history.status_code == 200
    first = versions[-1]  # newest first
    assert f"/admin/pages/page/{page.pk}/history/{first.pk}/" in history.content.decode()

    form = editor_client.get(f"/admin/pages/page/{page.pk}/history/{first.pk}/")
    assert form.status_code == 200
    assert 'value="Contact"' in form.content.decode()
    page.refresh_from_db()
    assert page.title == "Reach us"  # only looking: nothing restored yet

    restored = editor_client.post(
        f"/admin/pages/page/{page.pk}/history/{first.pk}/",
        page_form(page, title="Contact", body="<p>Write to us at the office.</p>"),
    )
    assert restored.status_code == 302
    page.refresh_from_db()
    assert page.title == "Contact"
    # Restoring is a new revision: nothing is lost.
    assert Version.objects.get_for_object(page).count() == 3
    shown = main_text(visitor.get(page.get_absolute_url()).content.decode())
    assert "Write to us at the office." in shown and "Call the hotline." not in shown


def test_revisions_are_pruned_only_by_the_setting(editor_client, page, settings):
    for n in range(4):
        save(editor_client, page, title=f"Contact {n}")
    assert Version.objects.get_for_object(page).count() == 4
    settings.REVISIONS_KEEP = 2
    save(editor_client, page, title="Contact again")
    titles = [v.field_dict["title"] for v in Version.objects.get_for_object(page)]
    assert titles == ["Contact again", "Contact 3"]


def test_a_revision_of_another_page_is_not_this_pages(editor_client, page):
    other = Page.objects.create(title="Donate", status=Page.Status.PUBLISHED, body="<p>Give.</p>")
    save(editor_client, other, title="Donate now")
    version = Version.objects.get_for_object(other).get()
    response = editor_client.get(f"/admin/pages/page/{page.pk}/history/{version.pk}/")
    assert response.status_code == 404
