import struct
import zlib
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags
from PIL import Image as PILImage

from statements.images import validate_image_file
from statements.models import Image
from tests import factories

pytestmark = pytest.mark.django_db

NOT_AN_IMAGE = "This file is not a complete JPEG, PNG, WebP or GIF image."


def upload(name, content):
    return SimpleUploadedFile(name, content)


def validation_messages(name, content):
    """Every message a form would show for this upload."""
    image = Image(file=upload(name, content), alt_text="Something")
    with pytest.raises(ValidationError) as caught:
        image.full_clean()
    return caught.value.message_dict["file"]


def noisy_jpeg(width=240, height=180):
    """A JPEG whose data cannot be guessed, so cutting it anywhere truncates pixels."""
    picture = PILImage.frombytes(
        "RGB", (width, height), bytes(range(256)) * (width * height * 3 // 256 + 1)
    )
    out = BytesIO()
    picture.save(out, "JPEG", quality=95)
    return out.getvalue()


def png_claiming_size(width, height):
    """A tiny PNG whose header claims `width` × `height` (a decompression bomb)."""
    data = bytearray(factories.png_bytes(1, 1))
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def stored_image(image):
    image.file.open("rb")
    try:
        data = image.file.read()
    finally:
        image.file.close()
    return data, PILImage.open(BytesIO(data))


# --- validation --------------------------------------------------------------------


def test_a_text_file_is_refused_with_a_clear_message():
    assert NOT_AN_IMAGE in validation_messages("notes.jpg", b"These are not pixels at all.\n" * 10)


def test_svg_is_refused():
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        b'<script>alert(1)</script><rect width="10" height="10"/></svg>'
    )
    messages = validation_messages("drawing.svg", svg)
    assert NOT_AN_IMAGE in messages
    assert any("“svg” is not allowed" in message for message in messages)
    # Renamed to .jpg it is still refused: the content decides, not the name.
    assert NOT_AN_IMAGE in validation_messages("drawing.jpg", svg)


def test_truncated_jpeg_is_refused():
    data = noisy_jpeg()
    assert NOT_AN_IMAGE in validation_messages("cut.jpg", data[: len(data) // 2])


def test_an_image_format_we_do_not_serve_is_named_in_the_message():
    out = BytesIO()
    PILImage.new("RGB", (8, 8)).save(out, "BMP")
    messages = validation_messages("picture.jpg", out.getvalue())
    assert "Upload a JPEG, PNG, WebP or GIF image; this file is BMP." in messages


def test_too_many_pixels_is_refused_before_decoding(settings):
    settings.IMAGE_MAX_PIXELS = 1000
    messages = validation_messages("wide.jpg", factories.jpeg_bytes(64, 48))
    assert any("64 × 48 pixels" in message for message in messages)


def test_too_wide_is_refused(settings):
    settings.IMAGE_MAX_SIDE = 50
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload("wide.jpg", factories.jpeg_bytes(64, 8)))
    assert caught.value.code == "too_many_pixels"


@pytest.mark.parametrize("size", [(60_000, 60_000), (13_000, 1), (9_000, 9_000)])
def test_decompression_bomb_is_refused(size):
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload("bomb.png", png_claiming_size(*size)))
    assert caught.value.code == "too_many_pixels"


def test_too_large_a_file_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as caught:
        validate_image_file(upload("big.jpg", noisy_jpeg()))
    assert caught.value.code == "too_large"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", factories.jpeg_bytes()),
        ("photo.png", factories.png_bytes()),
    ],
)
def test_valid_images_pass(name, content):
    Image(file=upload(name, content), alt_text="A picture").full_clean()


def test_alt_text_is_required():
    image = Image(file=upload("photo.jpg", factories.jpeg_bytes()))
    with pytest.raises(ValidationError) as caught:
        image.full_clean()
    assert "alt_text" in caught.value.message_dict


# --- re-encoding ------------------------------------------------------------------------


def gps_exif(orientation=None):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "TraceableCam"
    exif[ExifTags.Base.Artist] = "Jane Activist"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (55.0, 45.0, 7.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (37.0, 37.0, 12.25)
    return exif


def test_saving_drops_exif_and_gps():
    original = factories.jpeg_bytes(64, 48, exif=gps_exif())
    # The test picture really carries a position.
    assert PILImage.open(BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"TraceableCam" in original

    image = factories.make_image(content=original, filename="IMG_0042 at home.jpg")
    data, stored = stored_image(image)

    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert "exif" not in stored.info
    assert b"Exif\x00\x00" not in data
    assert b"TraceableCam" not in data
    assert b"Jane Activist" not in data


def test_saving_drops_comments_and_bytes_after_the_image():
    out = BytesIO()
    PILImage.new("RGB", (32, 32), (10, 120, 60)).save(out, "JPEG", comment=b"shot at 12 Elm St")
    original = out.getvalue() + b"HIDDEN-PAYLOAD" * 20
    image = factories.make_image(content=original)
    data, stored = stored_image(image)

    assert b"12 Elm St" not in data
    assert "comment" not in stored.info
    assert b"HIDDEN-PAYLOAD" not in data
    assert data.endswith(b"\xff\xd9")


def test_saving_applies_the_exif_orientation():
    # 60 × 20, white bar top-left; orientation 6 means "turn 90° clockwise to view".
    original = factories.jpeg_bytes(60, 20, color=(200, 0, 0), exif=gps_exif(orientation=6))
    image = factories.make_image(content=original)
    _, stored = stored_image(image)

    assert stored.size == (20, 60)
    assert (image.width, image.height) == (20, 60)
    assert ExifTags.Base.Orientation not in stored.getexif()
    # The white bar is now at the top right.
    assert min(stored.convert("RGB").getpixel((18, 10))) > 200
    red, green, _ = stored.convert("RGB").getpixel((2, 10))
    assert red > 150 and green < 80


def test_the_stored_name_comes_from_the_content_not_the_upload():
    png_named_jpg = factories.make_image(content=factories.png_bytes(), filename="Jane Doe.jpg")
    jpeg = factories.make_image(content=factories.jpeg_bytes(), filename="../../etc/x.png")

    assert png_named_jpg.file.name.startswith("library/")
    assert png_named_jpg.file.name.endswith(".png")
    assert "Jane" not in png_named_jpg.file.name
    assert jpeg.file.name.endswith(".jpg")
    assert ".." not in jpeg.file.name
    assert stored_image(png_named_jpg)[1].format == "PNG"


def test_width_and_height_are_recorded():
    image = factories.make_image(content=factories.jpeg_bytes(77, 33))
    image.refresh_from_db()
    assert (image.width, image.height) == (77, 33)


def test_png_keeps_its_transparency():
    image = factories.make_image(content=factories.png_bytes(color=(0, 0, 0, 0)))
    _, stored = stored_image(image)
    assert stored.format == "PNG"
    assert stored.convert("RGBA").getpixel((0, 0))[3] == 0


def test_animated_gif_keeps_its_frames():
    colors = [(255, 0, 0), (0, 255, 0), (0, 0, 255)]
    frames = [PILImage.new("RGB", (10, 10), color) for color in colors]
    out = BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    image = factories.make_image(content=out.getvalue(), filename="loop.gif")
    _, stored = stored_image(image)
    assert stored.format == "GIF"
    assert PILImage.open(BytesIO(out.getvalue())).n_frames == 3
    assert stored.n_frames == 3


def test_editing_the_caption_does_not_re_encode_the_file():
    image = factories.make_image()
    name = image.file.name
    image.caption = "A better caption"
    image.save()
    image.refresh_from_db()
    assert image.file.name == name
