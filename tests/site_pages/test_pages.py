"""Site pages: their address, drafts, menus chosen by editors, and the page cache."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pages.models import MenuItem, Page
from tests import factories

pytestmark = pytest.mark.django_db


def make_page(title="About us", **fields):
    fields.setdefault("status", Page.Status.PUBLISHED)
    fields.setdefault("body", "<p>We organize tenants.</p>")
    return Page.objects.create(title=title, **fields)


def test_a_page_shows_its_body_figures_and_parent(client):
    image = factories.make_image(credit="© Jane Doe")
    about = make_page()
    team = make_page(
        "Our team", parent=about, body=f"<p>Hello.</p>{factories.figure_html(image, 'The team')}"
    )
    html = client.get(team.get_absolute_url()).content.decode()
    assert '<h1 class="statement__title">Our team</h1>' in html
    assert 'href="/pages/about-us/"' in html
    assert "The team" in html and "© Jane Doe" in html


def test_a_draft_is_for_editors_only(editor_client):
    draft = make_page("Donate", status=Page.Status.DRAFT)
    assert Client().get(draft.get_absolute_url()).status_code == 404
    preview = editor_client.get(draft.get_absolute_url())
    assert preview.status_code == 200
    assert "This page is a draft" in preview.content.decode()


def test_the_body_is_sanitized():
    page = make_page(
        body='<p onclick="x()">Hi</p><script>alert(1)</script><img src="https://evil.example/a.png">'
    )
    assert page.body == "<p>Hi</p>"


def test_an_editor_puts_a_page_in_the_footer_and_every_cached_page_shows_it(editor_client):
    statement = factories.make_published("Rent freeze", slug="rent-freeze")
    page = make_page("Contact")
    visitor = Client()
    assert "Contact" not in visitor.get(statement.get_absolute_url()).content.decode()
    response = editor_client.post(
        "/admin/pages/menuitem/add/",
        {"menu": "footer", "order": "1", "label": "", "page": page.pk, "topic": "",
         "organization": "", "url": ""},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:3000]
    html = visitor.get(statement.get_absolute_url()).content.decode()
    assert f'<a href="{page.get_absolute_url()}">Contact</a>' in html
    home = visitor.get("/").content.decode()
    assert f'<a href="{page.get_absolute_url()}">Contact</a>' in home

    MenuItem.objects.filter(page=page).update(menu=MenuItem.Menu.HEADER)
    page.save()  # a page in a menu refreshes every page when it is saved
    html = visitor.get(statement.get_absolute_url()).content.decode()
    assert html.count(f'<a href="{page.get_absolute_url()}">Contact</a>') == 1
    assert 'class="site-nav"' in html


def test_an_edited_page_is_fresh_for_visitors():
    page = make_page()
    visitor = Client()
    assert "We organize tenants." in visitor.get(page.get_absolute_url()).content.decode()
    page.body = "<p>We organize renters.</p>"
    page.save()
    assert "We organize renters." in visitor.get(page.get_absolute_url()).content.decode()


def test_menus_cost_no_query_once_stored(client):
    MenuItem.objects.create(menu=MenuItem.Menu.FOOTER, page=make_page("Contact"))
    statement = factories.make_published()
    client.get("/archive/")  # stores the menus
    with CaptureQueriesContext(connection) as queries:
        client.get(statement.get_absolute_url() + "?page=1")
    assert not [q for q in queries if "pages_" in q["sql"]]


def test_moderators_cannot_edit_pages(moderator_client):
    assert moderator_client.get("/admin/pages/page/").status_code == 403
