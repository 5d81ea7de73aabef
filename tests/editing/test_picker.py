"""The body editor's image picker: the library newest first, searched, paged, with upload."""

import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ExifTags
from PIL import Image as PILImage

from statements.models import Image
from tests import factories
from tests.pages import main_text

pytestmark = pytest.mark.django_db

PICKER = "/admin/statements/image/picker/"
# …and the site settings (branding), read once: the cache is cold in a test.
PAGE_BUDGET = 6


def many_images(n):
    """Library rows without files: the list reads rows, never files."""
    now = timezone.now()
    images = Image.objects.bulk_create(
        Image(
            file=f"library/2026/11/{i:032x}.jpg",
            width=1200,
            height=800,
            alt_text=f"Picture number {i}",
            caption=f"Caption {i}",
            credit="© Harbour Archive" if i % 2 else "© River Photo Collective",
        )
        for i in range(n)
    )
    for i, image in enumerate(images):  # uploaded one minute apart, number 0 oldest
        Image.objects.filter(pk=image.pk).update(uploaded_at=now - timedelta(minutes=n - i))
    return images


def choices(response):
    return [
        json.loads(m.replace("&quot;", '"'))
        for m in re.findall(r'data-choice="([^"]*)"', response.content.decode())
    ]


def test_newest_first_fifty_a_page_in_at_most_five_queries(editor_client):
    many_images(120)
    with CaptureQueriesContext(connection) as queries:
        first = editor_client.get(PICKER, {"CKEditorFuncNum": "3"})
    assert first.status_code == 200
    assert len(queries) <= PAGE_BUDGET, "\n".join(q["sql"] for q in queries)
    shown = choices(first)
    assert len(shown) == 50
    assert shown[0]["alternative_text"] == "Picture number 119"
    assert set(shown[0]) == {
        "url",
        "id",
        "alternative_text",
        "caption",
        "credit",
        "thumbnail",
        "label",
    }
    assert "Older images" in main_text(first.content.decode())

    with CaptureQueriesContext(connection) as queries:
        third = editor_client.get(PICKER, {"CKEditorFuncNum": "3", "page": "3"})
    assert len(queries) <= PAGE_BUDGET
    assert [c["alternative_text"] for c in choices(third)][-1] == "Picture number 0"
    assert len(choices(third)) == 20
    assert "Older images" not in main_text(third.content.decode())


@pytest.mark.parametrize(
    ("query", "count"),
    [("Caption 5", 1 + 10), ("River Photo", 30), ("number 59", 1), ("nothing like it", 0)],
)
def test_search_by_caption_alt_text_or_credit(editor_client, query, count):
    many_images(60)
    assert len(choices(editor_client.get(PICKER, {"q": query}))) == count


@pytest.mark.parametrize("page", ["abc", "²", "-1", "0", "99999999999", "500"])
def test_any_page_number_is_a_page(editor_client, page):
    many_images(3)
    assert editor_client.get(PICKER, {"page": page, "CKEditorFuncNum": "x"}).status_code == 200


def test_upload_in_the_picker_stores_a_stripped_image_and_chooses_it(editor_client, editor):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "TraceableCam"
    upload = factories.uploaded_jpeg("IMG_0001.jpg", width=200, height=150, exif=exif.tobytes())
    response = editor_client.post(
        PICKER + "?CKEditorFuncNum=5",
        {"file": upload, "alt_text": "Marchers at the bridge", "caption": "", "credit": "© Us"},
    )
    assert response.status_code == 200
    image = Image.objects.get()
    assert image.uploaded_by == editor
    with image.file.open("rb") as stored:
        assert not PILImage.open(stored).getexif()
    chosen = re.search(r'data-chosen="([^"]*)"', response.content.decode()).group(1)
    assert json.loads(chosen.replace("&quot;", '"'))["id"] == image.pk


def test_an_upload_without_alt_text_is_refused_and_nothing_stored(editor_client):
    response = editor_client.post(
        PICKER, {"file": factories.uploaded_jpeg(), "alt_text": "", "caption": "x"}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Image.objects.exists()
    assert "data-chosen" not in response.content.decode()


def test_the_picker_is_for_those_who_may_use_the_library(client, moderator):
    assert client.get(PICKER).status_code == 302  # to the login
    client.force_login(moderator)
    assert client.get(PICKER).status_code == 403
    assert client.post(PICKER, {"alt_text": "x"}).status_code == 403


def test_the_body_editors_figure_button_opens_the_picker(editor_client):
    page = editor_client.get("/admin/statements/statement/add/").content.decode()
    assert "/admin/statements/image/picker/" in page.replace("\\/", "/")


def test_the_featured_image_field_shows_its_thumbnail_and_opens_the_picker(editor_client):
    image = factories.make_image(alt_text="Boats at the jetty", credit="© Jetty Watch")
    statement = factories.make_published("With a featured image", featured_image=image)
    page = editor_client.get(f"/admin/statements/statement/{statement.pk}/change/")
    html = page.content.decode()
    field = html[html.index('class="featured-image-choice"') :]
    field = field[: field.index("</div>")]
    assert f'src="{image.thumbnail_url}"' in field
    assert "Boats at the jetty — © Jetty Watch" in field
    assert 'href="/admin/statements/image/picker/?target=featured"' in field
    assert "editing/featured-image.js" in html


def test_the_picker_opened_for_the_featured_image_keeps_its_target(editor_client):
    image = factories.make_image(alt_text="Boats at the jetty", credit="© Jetty Watch")
    response = editor_client.get(PICKER, {"target": "featured", "q": "jetty"})
    html = response.content.decode()
    assert 'data-target="featured"' in html
    assert '<input type="hidden" name="target" value="featured">' in html
    (choice,) = choices(response)
    assert choice["id"] == image.pk
    assert choice["thumbnail"] == image.thumbnail_url
    assert choice["credit"] == "© Jetty Watch"
    # Anything else is the body editor's Figure dialog.
    assert 'data-target=""' in editor_client.get(PICKER, {"target": "<x>"}).content.decode()
