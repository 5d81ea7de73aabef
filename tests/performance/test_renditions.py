"""Responsive copies of library images, made once on upload (issue 6)."""

from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image as PILImage

from tests import factories
from tests.pages import attrs_of

pytestmark = pytest.mark.django_db


def open_stored(image, name):
    with image.file.storage.open(name, "rb") as stored:
        return PILImage.open(BytesIO(stored.read()))


def test_a_camera_sized_upload_gets_480_960_1600_in_webp_and_jpeg():
    image = factories.make_image(content=factories.jpeg_bytes(3000, 2000))
    made = sorted((r["width"], r["format"]) for r in image.renditions)
    assert made == [
        (480, "jpeg"),
        (480, "webp"),
        (960, "jpeg"),
        (960, "webp"),
        (1600, "jpeg"),
        (1600, "webp"),
    ]
    for rendition in image.renditions:
        stored = open_stored(image, rendition["name"])
        assert stored.format == rendition["format"].upper()
        assert stored.size == (rendition["width"], rendition["height"])
        assert rendition["height"] == round(2000 * rendition["width"] / 3000)


def test_a_small_upload_is_not_enlarged():
    image = factories.make_image(content=factories.jpeg_bytes(700, 400))
    assert sorted({r["width"] for r in image.renditions}) == [480, 700]


def test_png_keeps_png_beside_webp():
    image = factories.make_image(content=factories.png_bytes(1000, 500), filename="chart.png")
    assert {r["format"] for r in image.renditions} == {"png", "webp"}


def test_featured_image_is_never_sent_at_full_resolution():
    featured = factories.make_image(content=factories.jpeg_bytes(3000, 2000))
    statement = factories.make_published("With a big photo", featured_image=featured)
    html = Client().get(statement.get_absolute_url()).content
    (picture_img,) = [img for img in attrs_of(html, "img") if "1600" in img.get("src", "")]
    assert featured.file.url.encode() not in html  # the camera original is never linked
    assert picture_img["width"] == "3000" and picture_img["height"] == "2000"  # aspect ratio
    assert "loading" not in picture_img  # above the fold: load at once
    (webp,) = attrs_of(html, "source", type="image/webp")
    assert webp["srcset"].count("w,") == 2 and webp["srcset"].endswith("1600w")
    assert webp["sizes"]


def test_in_body_figures_and_list_thumbnails_load_lazily_with_srcset():
    image = factories.make_image(content=factories.jpeg_bytes(2000, 1000))
    statement = factories.make_published(
        "With a figure", body=f"<p>Text.</p>{factories.figure_html(image)}", featured_image=image
    )
    html = Client().get(statement.get_absolute_url()).text
    body = html.split('class="statement__body"', 1)[1].split("</div>", 1)[0]
    (img,) = attrs_of(body, "img")
    assert img["loading"] == "lazy"
    assert "480w" in img["srcset"] and img["sizes"]
    home = Client().get("/").content
    (thumb,) = attrs_of(home, "img")
    assert thumb["loading"] == "lazy" and "480w" in thumb["srcset"]


def test_renditions_are_made_on_upload_not_on_a_visitors_request(settings):
    image = factories.make_image(content=factories.jpeg_bytes(2000, 1000))
    statement = factories.make_published("Renditions exist", featured_image=image)
    files_before = set(image.stored_names())
    with CaptureQueriesContext(connection) as queries:
        Client().get(statement.get_absolute_url())
    assert not any("UPDATE" in q["sql"] and "image" in q["sql"] for q in queries)
    assert set(image.stored_names()) == files_before
    assert all(image.file.storage.exists(name) for name in files_before)


def test_deleting_an_image_removes_all_its_files(django_capture_on_commit_callbacks):
    image = factories.make_image(content=factories.jpeg_bytes(1000, 600))
    names = image.stored_names()
    assert len(names) == 7  # the original, and 480, 960 and 1000 px in WebP and JPEG
    with django_capture_on_commit_callbacks(execute=True):
        image.delete()
    assert not any(image.file.storage.exists(name) for name in names)
