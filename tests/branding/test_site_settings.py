"""Site settings in the admin: defaults, what the pages show, refusals, cache and queries."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from branding import site
from branding.models import SiteSettings
from statements.models import Image
from tests import factories
from tests.branding.conftest import ADD, CHANGE

pytestmark = pytest.mark.django_db


def page_html(url="/"):
    response = Client().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_with_nothing_set_the_site_shows_its_environment_settings(settings):
    settings.SITE_NAME = "Harbour Workers"
    settings.SITE_TAGLINE = "News from the docks"
    html = page_html()
    assert "<title>Harbour Workers</title>" in html
    assert '<meta name="description" content="News from the docks">' in html
    assert '<a href="/">Harbour Workers</a>' in html
    # As before: no logo, no tagline in the header, the stylesheet's own colours.
    assert "site-logo" not in html and "site-tagline" not in html
    assert "brand.css" not in html


def test_an_editor_sets_name_tagline_colour_and_footer_and_every_page_shows_them(
    save_settings,
):
    statement = factories.make_published("Rent freeze now", slug="rent-freeze-now")
    before = page_html(statement.get_absolute_url())  # cached for visitors
    assert "Tenants United" not in before
    save_settings(accent="#0B5394", footer_text="12 Harbour Road\nOpen on Mondays")

    for url in ("/", statement.get_absolute_url(), "/archive/"):
        html = page_html(url)
        assert '<p class="site-tagline">Homes for everyone</p>' in html
        assert "Tenants United" in html
        assert "12 Harbour Road\nOpen on Mondays" in html
    html = page_html(statement.get_absolute_url())
    assert "<title>Rent freeze now — Tenants United</title>" in html
    css_link = re.search(r'<link rel="stylesheet" href="(/brand\.css\?v=\w+)">', html).group(1)
    css = Client().get(css_link)
    assert css["Content-Type"].startswith("text/css")
    assert ":root { --accent: #0b5394; }" in css.content.decode()
    # The dark scheme gets the lighter tint the rule worked out.
    dark = re.search(
        r"prefers-color-scheme: dark\) \{\s*:root \{ --accent: (#\w{6}); \}", css.content.decode()
    )
    assert dark and dark.group(1) != "#0b5394"
    assert "immutable" in css["Cache-Control"] and "max-age=31536000" in css["Cache-Control"]
    # The feeds too.
    feed = Client().get(reverse("statements:feed-atom")).content.decode()
    assert "<title>Tenants United</title>" in feed and "<subtitle>Homes for everyone" in feed


def test_a_settings_save_makes_every_cached_page_stale(save_settings):
    statement = factories.make_published("Clean water", slug="clean-water")
    save_settings(name="First Name")
    visitor = Client()
    assert "First Name" in visitor.get(statement.get_absolute_url()).content.decode()
    # Served from the page cache now: no query.
    with CaptureQueriesContext(connection) as queries:
        cached = visitor.get(statement.get_absolute_url())
    assert len(queries) == 0 and "First Name" in cached.content.decode()

    save_settings(name="Second Name")
    html = visitor.get(statement.get_absolute_url()).content.decode()
    assert "Second Name" in html and "First Name" not in html
    assert "Second Name" in visitor.get("/").content.decode()


def test_a_colour_below_aa_is_refused_with_a_message_and_nothing_is_stored(save_settings):
    response = save_settings(expect_redirect=False, accent="#ffcc00", name="Typed Name")
    assert response.status_code == 200
    html = response.content.decode()
    assert "The colour #ffcc00 is too light to read" in html
    assert "WCAG AA asks for at least 4.5:1" in html
    assert 'value="Typed Name"' in html  # what was typed is kept
    assert not SiteSettings.objects.exists()
    assert "Typed Name" not in page_html()


def test_an_uploaded_logo_joins_the_library_and_the_header_shows_it(save_settings):
    upload = SimpleUploadedFile("our-logo.png", factories.png_bytes(240, 80, (11, 83, 148, 255)))
    save_settings(logo_upload=upload)
    image = Image.objects.get()
    assert image.alt_text == "Tenants United"
    assert SiteSettings.objects.get().logo == image
    assert image.file.name.startswith("library/") and image.file.name.endswith(".png")
    html = page_html()
    logo = re.search(
        r'<img class="site-logo" src="([^"]+)" alt="Tenants United" width="240" height="80">', html
    )
    assert logo, html[:3000]
    assert Client().get(logo.group(1)).status_code == 200
    # The name beside it is not read twice by screen readers.
    assert '<span aria-hidden="true">Tenants United</span>' in html


def test_without_the_name_beside_it_the_logo_alone_names_the_link(save_settings):
    logo = factories.make_image(content=factories.png_bytes(200, 60), filename="logo.png")
    save_settings(logo=str(logo.pk), show_name=None)
    html = page_html()
    assert re.search(
        r'<a href="/"><img class="site-logo" [^>]*alt="Tenants United"[^>]*></a>', html
    )


def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(save_settings):
    upload = SimpleUploadedFile("logo.png", b"this is not a picture at all")
    response = save_settings(expect_redirect=False, logo_upload=upload)
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    assert not Image.objects.exists() and not SiteSettings.objects.exists()


def test_an_upload_beside_another_error_is_not_stored(save_settings):
    upload = SimpleUploadedFile("logo.png", factories.png_bytes(64, 64))
    response = save_settings(expect_redirect=False, logo_upload=upload, accent="#ffffff")
    assert response.status_code == 200
    assert (
        "Choose the file again once the errors above are corrected." in response.content.decode()
    )
    assert not Image.objects.exists()


def test_the_list_opens_the_one_row_and_there_is_never_a_second(editor_client, save_settings):
    assert editor_client.get("/admin/branding/sitesettings/")["Location"] == ADD
    form = editor_client.get(ADD).content.decode()
    assert 'value="Advocacy Statements"' in form  # prefilled with today's name
    save_settings()
    assert editor_client.get("/admin/branding/sitesettings/")["Location"] == CHANGE
    assert editor_client.get(ADD).status_code == 403
    SiteSettings(name="Another").save()  # the shell: still the one row
    assert SiteSettings.objects.get().name == "Another"


def test_moderators_and_contributors_cannot_change_the_settings(moderator_client, client):
    assert moderator_client.get(ADD).status_code == 403
    client.force_login(factories.make_contributor())
    assert client.get(ADD).status_code == 403


def test_the_admin_header_follows_the_settings(editor_client, save_settings):
    save_settings(name="Harbour Workers")
    assert "Harbour Workers — administration" in editor_client.get("/admin/").content.decode()


def test_the_settings_cost_one_query_after_a_change_and_none_after(save_settings, settings):
    settings.PAGE_CACHE_SECONDS = 0
    statement = factories.make_published()
    save_settings()

    def branding_queries():
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(statement.get_absolute_url()).status_code == 200
        return [q["sql"] for q in queries if "branding_" in q["sql"]]

    assert len(branding_queries()) == 1  # read once (with its logo), then cached
    assert branding_queries() == []
    assert branding_queries() == []


def test_the_cache_being_down_leaves_the_pages_up(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    SiteSettings.objects.create(name="Still Here")
    assert site.current().name == "Still Here"
    assert "Still Here" in page_html()
