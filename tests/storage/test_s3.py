"""Uploaded images in an S3-compatible bucket (SeaweedFS, with real keys and signatures)."""

import io
import urllib.request
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage

from statements.forms import STORAGE_FAILED
from statements.models import Image
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.multiserver]


def fetch(url):
    """An anonymous visitor's GET, straight from the bucket."""
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, dict(response.headers), response.read()


def upload(client, content, name="march.jpg"):
    return client.post(
        reverse("admin:statements_image_add"),
        {
            "file": SimpleUploadedFile(name, content),
            "alt_text": "Marchers on the bridge",
            "caption": "",
            "credit": "",
            "credit_url": "",
            "_save": "Save",
        },
    )


@pytest.fixture
def editor_client(client):
    client.force_login(factories.make_editor("s3-editor"))
    return client


def test_an_upload_and_its_copies_are_in_the_bucket_unsigned_and_stripped(s3_media, editor_client):
    response = upload(editor_client, factories.jpeg_with_gps())
    assert response.status_code == 302
    image = Image.objects.get()
    assert image.renditions  # the task made them (at once, in tests)
    assert s3_media.names() == sorted(image.stored_names())

    for url in [image.file.url, image.display_url, image.thumbnail_url]:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == s3_media.endpoint
        assert parts.query == ""  # no signature to expire under a cached page
        status, headers, body = fetch(url)
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Type"] in {"image/jpeg", "image/webp"}
        with PILImage.open(io.BytesIO(body)) as stored:
            assert not stored.getexif()
            assert b"Jane Doe" not in body and b"PhoneMaker" not in body


def test_the_page_shows_the_bucket_copies(s3_media, client):
    image = factories.make_image(content=factories.jpeg_bytes(1200, 800))
    statement = factories.make_published("From the bucket", featured_image=image)
    page = client.get(statement.get_absolute_url()).content.decode()
    assert image.display_url in page
    assert f"{s3_media.endpoint}/media/" in page


def test_a_wrong_secret_key_is_a_form_error_and_stores_nothing(s3_media, editor_client, settings):
    storage = dict(settings.STORAGES["default"])
    storage["OPTIONS"] = {**storage["OPTIONS"], "secret_key": "not-the-secret"}
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    response = upload(editor_client, factories.jpeg_bytes(800, 600))
    assert response.status_code == 200
    assert STORAGE_FAILED in response.context["adminform"].form.errors["file"]
    assert not Image.objects.exists()
    assert s3_media.names() == []


def test_with_the_store_down_uploads_fail_clearly_and_pages_are_still_served(
    s3_media, editor_client, client
):
    image = factories.make_image(content=factories.jpeg_bytes(900, 600))
    statement = factories.make_published("Still readable", featured_image=image)
    s3_media.stop()
    try:
        response = upload(editor_client, factories.jpeg_bytes(800, 600))
        assert response.status_code == 200
        assert STORAGE_FAILED in response.context["adminform"].form.errors["file"]
        assert Image.objects.count() == 1
        page = client.get(statement.get_absolute_url())
        assert page.status_code == 200
        assert "Still readable" in page.content.decode()
        with pytest.raises((URLError, ConnectionError, HTTPError)):
            fetch(image.display_url)  # images fail, the page does not
    finally:
        s3_media.start()
    assert s3_media.names() == sorted(image.stored_names())  # nothing half-stored
