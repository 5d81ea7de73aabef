"""The favicon: made by Pillow from the logo, or drawn in the accent colour; linked, cacheable."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image as PILImage

from tests import factories

pytestmark = pytest.mark.django_db

GREEN = (20, 110, 40)


def fetch(url):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response


def opened(response):
    return PILImage.open(BytesIO(response.content))


def linked_icons():
    html = fetch("/").content.decode()
    return {
        rel + (f" {sizes}" if sizes else ""): href
        for rel, href, sizes in re.findall(
            r'<link rel="(icon|apple-touch-icon)" href="([^"]+)"(?: type="image/png")?(?: sizes="(\w+)")?>',
            html,
        )
    }


def test_every_page_links_the_icons_with_their_version():
    icons = linked_icons()
    assert re.fullmatch(r"/favicon\.ico\?v=\w{12}", icons["icon 48x48"])
    assert re.fullmatch(r"/favicon-32\.png\?v=\w{12}", icons["icon 32x32"])
    assert re.fullmatch(r"/favicon-180\.png\?v=\w{12}", icons["apple-touch-icon"])


def test_the_default_favicon_is_a_real_ico_drawn_in_the_accent_colour():
    response = fetch("/favicon.ico")
    assert response["Content-Type"] == "image/x-icon"
    icon = opened(response)
    assert icon.format == "ICO"
    assert icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    icon.size = (48, 48)
    pixels = icon.convert("RGB")
    assert pixels.getpixel((2, 24)) == (0xA3, 0x16, 0x1A)  # the site's red, at the edge
    assert pixels.getpixel((24, 16)) == (255, 255, 255)  # the white speech mark
    # Asked for by name: kept a day; linked with its version: a year.
    assert "max-age=86400" in response["Cache-Control"]
    linked = fetch(linked_icons()["icon 48x48"])
    assert "max-age=31536000" in linked["Cache-Control"] and "immutable" in linked["Cache-Control"]


@pytest.mark.parametrize("size", [32, 180, 192, 512])
def test_png_icons_come_in_their_sizes(size):
    response = fetch(f"/favicon-{size}.png")
    assert response["Content-Type"] == "image/png"
    icon = opened(response)
    assert icon.format == "PNG" and icon.size == (size, size)


def test_no_other_size_is_made():
    assert Client().get("/favicon-64.png").status_code == 404
    assert Client().get("/favicon-99999999.png").status_code == 404


def test_the_favicon_is_made_from_an_uploaded_logo(save_settings):
    before = fetch("/favicon.ico").content
    # A wide green logo with a white band in its upper half.
    logo = PILImage.new("RGB", (300, 150), GREEN)
    logo.paste((255, 255, 255), (0, 0, 300, 40))
    upload = BytesIO()
    logo.save(upload, "PNG")
    save_settings(logo_upload=SimpleUploadedFile("logo.png", upload.getvalue()))

    icons = linked_icons()
    ico = opened(fetch(icons["icon 48x48"]))
    assert ico.info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    assert fetch("/favicon.ico").content != before

    big = opened(fetch("/favicon-512.png")).convert("RGBA")
    assert big.size == (512, 512)
    # The logo keeps its shape: centred, with transparent bands above and below.
    assert big.getpixel((256, 20))[3] == 0
    assert big.getpixel((256, 400))[3] == 0
    assert big.getpixel((256, 300))[:3] == GREEN
    assert big.getpixel((256, 160))[:3] == (255, 255, 255)
    # Apple's icon is on white (iOS would show transparency as black).
    apple = opened(fetch(icons["apple-touch-icon"])).convert("RGBA")
    assert apple.size == (180, 180) and apple.getpixel((90, 5)) == (255, 255, 255, 255)


def test_a_new_colour_gives_a_new_default_icon(save_settings):
    first = linked_icons()["icon 32x32"]
    save_settings(accent="#0b5394")
    second = linked_icons()["icon 32x32"]
    assert first != second
    assert opened(fetch(second)).convert("RGB").getpixel((1, 16)) == (0x0B, 0x53, 0x94)


def test_a_logo_whose_file_is_gone_falls_back_to_the_drawn_icon(save_settings):
    image = factories.make_image(
        content=factories.png_bytes(64, 64, (20, 110, 40, 255)), filename="l.png"
    )
    save_settings(logo=str(image.pk))
    image.file.storage.delete(image.file.name)
    icon = opened(fetch("/favicon-32.png")).convert("RGB")
    assert icon.getpixel((1, 16)) == (0xA3, 0x16, 0x1A)
