"""Hostile and broken uploads through the admin's image form, as an editor sends them.

Each refused file must give a form error (never a 500), leave no Image row and no
file under MEDIA_ROOT. Each accepted file is stored re-encoded under a generated
name: no EXIF, GPS, XMP or bytes after the image, orientation applied.
"""

import errno
import os
import re
import resource
import shutil
import struct
import subprocess
import time
import zlib
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, ImageFile
from PIL import Image as PILImage

from statements.forms import STORAGE_FAILED
from statements.models import Image
from tests import factories

pytestmark = pytest.mark.django_db

GENERATED_NAME = re.compile(r"^library/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png|webp|gif)$")
NOT_AN_IMAGE = (
    "Upload a valid image",  # Django's ImageField: Pillow cannot identify the file
    "not a complete JPEG, PNG, WebP or GIF image",  # ours: identified, but cannot decode
)


@pytest.fixture
def media_root(settings, tmp_path):
    """A private, empty MEDIA_ROOT for each test, so "no file left" is checkable."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def stored_files(root):
    return sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*") if p.is_file())


def upload(client, name, content, **fields):
    data = {
        "file": SimpleUploadedFile(name, content),
        "alt_text": "Marchers crossing the bridge",
        "caption": "",
        "credit": "",
        "credit_url": "",
        "_save": "Save",
    }
    data.update(fields)
    return client.post(reverse("admin:statements_image_add"), data)


def file_errors(response):
    assert response.status_code == 200, response.status_code  # the form again, not a 500
    form = response.context["adminform"].form
    return form.errors.get("file", [])


def assert_refused(response, media_root, *expected):
    """A message by the file field, nothing in the database, nothing on disk."""
    errors = file_errors(response)
    assert errors, "the upload was accepted"
    if expected:
        assert any(text in error for error in errors for text in expected), errors
    assert not Image.objects.exists()
    assert stored_files(media_root) == []
    return errors


def files_of(image):
    """The stored original and any smaller copies made from it."""
    return {image.file.name} | {r["name"] for r in getattr(image, "renditions", [])}


def stored_bytes(image):
    with image.file.open("rb") as handle:
        return handle.read()


# --- files ------------------------------------------------------------------------------

SVG = (
    b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" '
    b'height="100" onload="alert(document.cookie)"><script>alert(1)</script>'
    b'<rect width="100" height="100" fill="red"/></svg>\n'
)
# Pillow writes EPS only through Ghostscript; a real EPS header is all identification needs.
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%Creator: hand-written for a test\n"
    b"%%BoundingBox: 0 0 10 10\n%%EndComments\n"
    b"newpath 0 0 moveto 10 10 lineto stroke\nshowpage\n%%EOF\n"
)


def pdf_bytes():
    out = BytesIO()
    PILImage.new("RGB", (20, 20), (0, 90, 0)).save(out, "PDF")
    return out.getvalue()


def noise_image(width, height):
    return PILImage.frombytes("RGB", (width, height), os.urandom(width * height * 3))


def noisy_jpeg(width=240, height=180, quality=95):
    out = BytesIO()
    noise_image(width, height).save(out, "JPEG", quality=quality)
    return out.getvalue()


def noisy_png(width, height):
    out = BytesIO()
    noise_image(width, height).save(out, "PNG")
    return out.getvalue()


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_header(width, height, rows=None):
    """A PNG whose IHDR claims width × height (8-bit greyscale); `rows` of pixel data."""
    compressor = zlib.compressobj(9)
    idat = b""
    if rows:
        row = b"\x00" * (1 + width)  # filter byte + a black row
        idat = b"".join(compressor.compress(row) for _ in range(rows))
    idat += compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def exif_with(orientation=None, gps=True, **text):
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "TraceableCam"
    for tag, value in text.items():
        exif[getattr(ExifTags.Base, tag)] = value
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    if gps:
        position = exif.get_ifd(ExifTags.IFD.GPSInfo)
        position[ExifTags.GPS.GPSLatitudeRef] = "N"
        position[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.6)
        position[ExifTags.GPS.GPSLongitudeRef] = "E"
        position[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.2)
    return exif


XMP = (
    b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48,51.493N" '
    b'exif:GPSLongitude="2,17.67E" xmp:CreatorTool="TraceableCam"/>'
    b'</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def iptc_segment(**datasets):
    """A JPEG APP13 segment (Photoshop 3.0, resource 0x0404) carrying IPTC datasets."""
    numbers = {"byline": 80, "credit": 110, "copyright": 116, "caption": 120}
    iptc = b"".join(
        b"\x1c\x02" + bytes([numbers[name]]) + struct.pack(">H", len(value)) + value
        for name, value in ((n, v.encode()) for n, v in datasets.items())
    )
    if len(iptc) % 2:
        iptc += b"\x00"
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc))
    payload = b"Photoshop 3.0\x00" + resource + iptc
    return b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload


def with_iptc(jpeg, **datasets):
    assert jpeg[:2] == b"\xff\xd8"
    return jpeg[:2] + iptc_segment(**datasets) + jpeg[2:]


# --- refused: what is not one of our four formats -----------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("drawing.svg", SVG),
        ("drawing.jpg", SVG),
        ("poster.eps", EPS),
        ("poster.jpg", EPS),
        ("report.pdf", pdf_bytes()),
        ("report.png", pdf_bytes()),
        ("notes.txt", b"Meeting notes: bring banners.\n" * 20),
        ("notes.jpg", b"Meeting notes: bring banners.\n" * 20),
        ("empty.jpg", b""),
    ],
)
def test_what_is_not_jpeg_png_webp_or_gif_is_refused(editor_client, media_root, name, content):
    response = upload(editor_client, name, content)
    errors = assert_refused(
        response,
        media_root,
        *NOT_AN_IMAGE,
        "Upload a JPEG, PNG, WebP or GIF image",
        "The submitted file is empty",
    )
    assert "Traceback" not in response.content.decode()
    if content == EPS:
        # Pillow identifies EPS without Ghostscript; our list of formats refuses it by name.
        assert any("this file is EPS" in error for error in errors), errors


def test_the_admin_page_says_which_formats_are_accepted(editor_client):
    page = editor_client.get(reverse("admin:statements_image_add")).content.decode()
    assert "JPEG, PNG, WebP or GIF" in page


# --- refused: limits, bombs, truncation ---------------------------------------------------


def test_a_file_over_the_size_limit_is_refused(editor_client, media_root, settings):
    settings.IMAGE_MAX_BYTES = 200 * 1024
    content = noisy_jpeg(640, 480)
    assert len(content) > 300 * 1024
    errors = assert_refused(upload(editor_client, "big.jpg", content), media_root)
    assert any("the limit is 0.2 MB" in error for error in errors), errors


def test_too_many_pixels_is_refused(editor_client, media_root, settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    out = BytesIO()
    PILImage.new("RGB", (1200, 1000), (10, 10, 10)).save(out, "JPEG")
    errors = assert_refused(upload(editor_client, "wide.jpg", out.getvalue()), media_root)
    assert any("1200 × 1000 pixels" in error for error in errors), errors


def test_too_wide_is_refused(editor_client, media_root, settings):
    settings.IMAGE_MAX_SIDE = 500
    out = BytesIO()
    PILImage.new("RGB", (600, 10), (10, 10, 10)).save(out, "PNG")
    errors = assert_refused(upload(editor_client, "banner.png", out.getvalue()), media_root)
    assert any("600 × 10 pixels" in error for error in errors), errors


class DecodeSpy:
    """Records the size of every image Pillow decodes while it is installed."""

    def __init__(self, monkeypatch):
        self.sizes = []
        original = ImageFile.ImageFile.load

        def load(image):
            self.sizes.append(image.size)
            return original(image)

        monkeypatch.setattr(ImageFile.ImageFile, "load", load)


def _upload_measured(client, name, content):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    response = client.post(
        reverse("admin:statements_image_add"),
        {"file": SimpleUploadedFile(name, content), "alt_text": "Big", "_save": "Save"},
    )
    elapsed = time.perf_counter() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    return response, elapsed, grown_mb


def test_a_header_only_giant_is_refused_fast_without_decoding(
    editor_client, media_root, monkeypatch
):
    content = png_with_header(60_000, 60_000)  # 3.6 gigapixels claimed
    assert len(content) < 300
    spy = DecodeSpy(monkeypatch)
    response, elapsed, grown_mb = _upload_measured(editor_client, "giant.png", content)
    errors = assert_refused(response, media_root)
    assert errors == [
        "This image has far more pixels than the limit of 12000 pixels a side and 50 megapixels."
    ]
    assert elapsed < 2
    assert grown_mb < 200
    assert all(w * h <= 50_000_000 for w, h in spy.sizes), spy.sizes


def test_a_real_decompression_bomb_is_refused_without_decoding(
    editor_client, media_root, monkeypatch
):
    """8000 × 8000 black pixels: a 64-megapixel image in a file of about 60 KB."""
    content = png_with_header(8_000, 8_000, rows=8_000)
    assert len(content) < 200_000
    spy = DecodeSpy(monkeypatch)
    response, elapsed, grown_mb = _upload_measured(editor_client, "bomb.png", content)
    errors = assert_refused(response, media_root)
    assert any("8000 × 8000 pixels" in error for error in errors), errors
    assert elapsed < 2
    assert grown_mb < 200
    assert spy.sizes == []


def animated_gif(width, height, frames):
    """A GIF made by Pillow: `frames` frames of width × height, each a little different."""
    pictures = []
    for n in range(frames):
        picture = PILImage.new("RGB", (width, height), (255, 255, 255))
        picture.putpixel((n % width, 0), (200, 0, 0))
        pictures.append(picture)
    out = BytesIO()
    pictures[0].save(out, "GIF", save_all=True, append_images=pictures[1:], duration=80, loop=0)
    return out.getvalue()


def gif_of_one_pixel_frames(width, height, frames):
    """A GIF whose canvas is width × height but whose every frame stores one pixel.

    Each frame costs 20 bytes in the file, yet decoding it paints the whole
    canvas: the frame bomb of issue 11 (20 frames of 3000 × 3000 in a tiny file).
    """
    out = b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    for n in range(frames):
        out += b"\x21\xf9\x04\x04\x0a\x00\x00\x00"
        out += b"\x2c" + struct.pack("<HHHHB", n % width, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return out + b"\x3b"


def test_an_animation_is_limited_by_the_pixels_of_all_its_frames(
    editor_client, media_root, settings
):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    content = animated_gif(400, 400, 12)  # 0.16 megapixels a frame, 1.92 in all
    assert PILImage.open(BytesIO(content)).n_frames == 12
    errors = assert_refused(upload(editor_client, "loop.gif", content), media_root)
    assert any("12 frames of 400 × 400 pixels" in error for error in errors), errors
    assert any("the limit is 1 megapixels" in error for error in errors), errors
    # The same animation in fewer frames is within the limit, and keeps them.
    response = upload(editor_client, "short.gif", animated_gif(400, 400, 6))
    assert response.status_code == 302
    assert PILImage.open(BytesIO(stored_bytes(Image.objects.get()))).n_frames == 6


def test_a_gif_frame_bomb_is_refused_fast_without_decoding(editor_client, media_root, monkeypatch):
    content = gif_of_one_pixel_frames(3000, 3000, 20)  # 180 megapixels to decode
    assert len(content) < 1000
    spy = DecodeSpy(monkeypatch)
    response, elapsed, grown_mb = _upload_measured(editor_client, "frames.gif", content)
    errors = assert_refused(response, media_root)
    assert any("20 frames of 3000 × 3000 pixels" in error for error in errors), errors
    assert elapsed < 2
    assert all(w * h <= 1 for w, h in spy.sizes), spy.sizes


def test_an_animation_of_very_many_small_frames_is_refused(editor_client, media_root):
    content = gif_of_one_pixel_frames(20, 20, 5_000)  # 2 megapixels, but 5,000 frames
    errors = assert_refused(upload(editor_client, "frames.gif", content), media_root)
    assert any("5000 frames" in error and "1000 frames" in error for error in errors), errors


def test_a_truncated_jpeg_is_refused(editor_client, media_root):
    content = noisy_jpeg()
    assert_refused(
        upload(editor_client, "cut.jpg", content[: len(content) // 2]), media_root, *NOT_AN_IMAGE
    )


def test_a_truncated_png_is_refused(editor_client, media_root):
    content = noisy_png(120, 90)
    assert_refused(
        upload(editor_client, "cut.png", content[: len(content) * 2 // 3]),
        media_root,
        *NOT_AN_IMAGE,
    )


# --- accepted: re-encoded, stripped, renamed ----------------------------------------------


def test_html_appended_to_a_png_does_not_survive(editor_client, media_root):
    html = b"<html><body><script>fetch('/admin/')</script></body></html>"
    polyglot = factories.png_bytes(24, 24) + html
    response = upload(editor_client, "innocent.png", polyglot)
    assert response.status_code == 302
    image = Image.objects.get()
    data = stored_bytes(image)
    assert b"<script" not in data and b"<html" not in data
    assert data.endswith(_chunk(b"IEND", b""))
    assert PILImage.open(BytesIO(data)).format == "PNG"


def test_gps_exif_and_xmp_are_stripped(editor_client, media_root):
    out = BytesIO()
    PILImage.new("RGB", (64, 48), (30, 60, 90)).save(
        out, "JPEG", exif=exif_with(Artist="Jane Activist"), xmp=XMP
    )
    original = out.getvalue() + b"<p>appended</p>"
    # The test file really carries what must go.
    source = PILImage.open(BytesIO(original))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"http://ns.adobe.com/xap" in original

    response = upload(editor_client, "IMG_0042.jpg", original, credit="© Us", caption="A march")
    assert response.status_code == 302
    data = stored_bytes(Image.objects.get())
    stored = PILImage.open(BytesIO(data))
    assert stored.format == "JPEG"
    assert not stored.getexif()
    assert not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"Exif\x00\x00" not in data
    assert b"http://ns.adobe.com/xap" not in data
    assert b"xmpmeta" not in data
    assert b"TraceableCam" not in data and b"Jane Activist" not in data
    assert b"appended" not in data
    assert data.endswith(b"\xff\xd9")


def test_stored_under_a_generated_name(editor_client, media_root):
    upload(editor_client, "Jane Doe at 12 Elm Street.jpg", factories.jpeg_bytes())
    upload(editor_client, "..%2F..%2Fshell.php.png", factories.png_bytes())
    upload(editor_client, "really-a-png.jpg", factories.png_bytes())
    images = list(Image.objects.all())
    assert len(images) == 3
    for image in images:
        assert GENERATED_NAME.match(image.file.name), image.file.name
        stem = image.file.name.rsplit(".", 1)[0]
        assert all(name.startswith(stem) for name in files_of(image))
    on_disk = stored_files(media_root)
    assert sorted(set().union(*(files_of(image) for image in images))) == on_disk
    assert not any("Jane" in name or "shell" in name or "really" in name for name in on_disk)
    # The content decides the suffix: the PNG named .jpg is stored as .png.
    suffixes = sorted(image.file.name.rsplit(".", 1)[1] for image in images)
    assert suffixes == ["jpg", "png", "png"]


def test_orientation_is_applied(editor_client, media_root):
    content = factories.jpeg_bytes(40, 20, exif=exif_with(orientation=6, gps=False))
    assert PILImage.open(BytesIO(content)).size == (40, 20)
    assert upload(editor_client, "sideways.jpg", content).status_code == 302
    image = Image.objects.get()
    stored = PILImage.open(BytesIO(stored_bytes(image)))
    assert stored.size == (20, 40)
    assert (image.width, image.height) == (20, 40)
    assert ExifTags.Base.Orientation not in stored.getexif()


# --- credit and caption from the photo's metadata -----------------------------------------


def test_credit_and_caption_prefilled_from_exif_for_the_editor_to_confirm(
    editor_client, media_root
):
    content = factories.jpeg_bytes(
        exif=exif_with(
            Artist="Jane Doe", Copyright="River Alliance", ImageDescription="Marchers at dawn"
        )
    )
    response = upload(editor_client, "march.jpg", content)
    image = Image.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:statements_image_change", args=[image.pk])
    assert image.credit == "© River Alliance / Jane Doe"
    assert image.caption == "Marchers at dawn"
    page = editor_client.get(response["Location"])
    text = page.content.decode()
    assert "came from the photo" in text and "check them" in text
    # …and the file itself no longer says so.
    assert b"Jane Doe" not in stored_bytes(image)


def test_credit_and_caption_prefilled_from_iptc(editor_client, media_root):
    content = with_iptc(
        factories.jpeg_bytes(),
        byline="Sam Rivera",
        copyright="Coastal Press",
        caption="Fishers blocking the harbour",
    )
    response = upload(editor_client, "harbour.jpg", content)
    image = Image.objects.get()
    assert response["Location"] == reverse("admin:statements_image_change", args=[image.pk])
    assert image.credit == "© Coastal Press / Sam Rivera"
    assert image.caption == "Fishers blocking the harbour"
    assert b"Sam Rivera" not in stored_bytes(image)
    assert b"Photoshop 3.0" not in stored_bytes(image)


def test_what_the_editor_typed_is_not_overwritten(editor_client, media_root):
    content = factories.jpeg_bytes(exif=exif_with(Artist="Jane Doe", ImageDescription="Dawn"))
    response = upload(
        editor_client, "march.jpg", content, credit="© Our photographer", caption="Our words"
    )
    image = Image.objects.get()
    assert (image.credit, image.caption) == ("© Our photographer", "Our words")
    # Nothing to confirm: the usual return to the list.
    assert response["Location"] == reverse("admin:statements_image_changelist")


def test_overlong_metadata_is_cut_to_the_field(editor_client, media_root):
    content = factories.jpeg_bytes(exif=exif_with(gps=False, ImageDescription="word " * 400))
    assert upload(editor_client, "long.jpg", content).status_code == 302
    assert len(Image.objects.get().caption) == 500


# --- disk full ------------------------------------------------------------------------------


def fill_the_disk_after(monkeypatch, saves):
    """FileSystemStorage writes `saves` files, then part of the next one, then ENOSPC."""
    original = FileSystemStorage._save
    calls, partial = [], []

    def save(storage, name, content):
        calls.append(name)
        if len(calls) <= saves:
            return original(storage, name, content)
        path = Path(storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        content.seek(0)
        path.write_bytes(content.read(100))  # part of the file reached the disk…
        partial.append(path)
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))  # …then no more

    monkeypatch.setattr(FileSystemStorage, "_save", save)
    return partial


def test_disk_full_is_a_form_error_and_leaves_nothing(editor_client, media_root, monkeypatch):
    partial = fill_the_disk_after(monkeypatch, saves=0)
    response = upload(editor_client, "march.jpg", factories.jpeg_bytes())
    errors = assert_refused(response, media_root)
    assert STORAGE_FAILED in errors
    assert "storage" in errors[0]
    assert partial and not partial[0].exists()


def test_disk_full_while_the_task_writes_a_smaller_copy_keeps_the_original(
    editor_client, media_root, monkeypatch
):
    """The copies are a task's: the upload is accepted, the failed copy leaves nothing, and
    pages show the original until a retry makes the copies."""
    partial = fill_the_disk_after(monkeypatch, saves=1)  # the original fits, a copy does not
    response = upload(editor_client, "march.jpg", factories.jpeg_bytes(2000, 1200))
    assert response.status_code == 302  # saved
    image = Image.objects.get()
    assert image.renditions == []
    assert partial and not partial[0].exists()
    assert stored_files(media_root) == [image.file.name]
    assert image.display_url == image.file.url

    monkeypatch.undo()  # space again: the task's next attempt makes them
    from statements.images import make_stored_renditions

    assert make_stored_renditions(image.pk) == 6
    image.refresh_from_db()
    assert stored_files(media_root) == sorted(files_of(image))
    assert image.display_url != image.file.url


def _mount_tiny_filesystem(path, size="256k"):
    path.mkdir()
    if shutil.which("mount") is None:
        return "there is no mount command"
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        timeout=10,
    )
    if result.returncode != 0:
        return f"mounting a tmpfs is not permitted here: {result.stderr.strip()}"
    return None


@pytest.fixture
def tiny_media_root(settings, tmp_path):
    """MEDIA_ROOT on a real 256 KB tmpfs (needs root and CAP_SYS_ADMIN; skipped otherwise)."""
    root = tmp_path / "tiny"
    problem = _mount_tiny_filesystem(root)
    if problem:
        pytest.skip(problem)
    try:
        settings.MEDIA_ROOT = str(root)
        yield root
    finally:
        subprocess.run(["umount", str(root)], check=True, timeout=10)


def test_disk_full_on_a_real_tiny_filesystem(editor_client, tiny_media_root):
    # Random pixels do not compress: the re-encoded PNG is about 430 KB, the disk 256 KB.
    content = noisy_png(380, 380)
    assert len(content) > 400_000
    response = upload(editor_client, "noise.png", content)
    errors = file_errors(response)
    assert STORAGE_FAILED in errors
    assert not Image.objects.exists()
    assert stored_files(tiny_media_root) == []
    # The disk is usable again: a small photo fits.
    assert upload(editor_client, "small.jpg", factories.jpeg_bytes()).status_code == 302
    assert stored_files(tiny_media_root) == sorted(files_of(Image.objects.get()))
