"""Checking and re-encoding uploaded photos with Pillow.

A photo's EXIF can carry the GPS position of the person who took it; for an
advocacy organization that can endanger people. Every stored image is therefore
decoded and encoded again from its pixels, which drops EXIF, GPS, XMP, IPTC,
maker notes and anything appended after the image data.
"""

from dataclasses import dataclass
from io import BytesIO
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

# --- formats ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Format:
    name: str  # as editors read it
    extension: str  # of every stored file in this format
    mime_type: str
    other_extensions: tuple = ()  # also accepted on upload
    resized: bool = True  # smaller copies are made (not for GIF: they may be animated)


# What the library stores, by Pillow's name for the format; the only list.
FORMATS = {
    "JPEG": Format("JPEG", "jpg", "image/jpeg", other_extensions=("jpeg",)),
    "PNG": Format("PNG", "png", "image/png"),
    "WEBP": Format("WebP", "webp", "image/webp"),
    "GIF": Format("GIF", "gif", "image/gif", resized=False),
}
ACCEPTED_EXTENSIONS = [
    ext for fmt in FORMATS.values() for ext in (fmt.extension, *fmt.other_extensions)
]
ACCEPTED_MIME_TYPES = ",".join(fmt.mime_type for fmt in FORMATS.values())


def format_names():
    """ "JPEG, PNG, WebP or GIF": the names stay, the commas and "or" are the language's."""
    return get_text_list([fmt.name for fmt in FORMATS.values()])


# The library image's help text (the upload form shows describe_limits()).
FORMATS_SENTENCE = lazy(lambda: f"{format_names()}.", str)()


def library_name(pillow_format):
    """A new storage name for a file in `pillow_format`, e.g. library/2026/11/<hex>.jpg.

    Never derived from the uploaded name: it may carry a path, a person's name
    or a misleading extension. The format Pillow identified decides the suffix.
    """
    fmt = FORMATS.get(pillow_format, FORMATS["JPEG"])
    return f"library/{timezone.now():%Y/%m}/{uuid4().hex}.{fmt.extension}"


def format_of(file):
    """Pillow's name for the format of `file` (reading its header only), or None."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            return image.format
    except Exception:  # not an image at all: the validators say so
        return None
    finally:
        file.seek(position)


# --- limits ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_pixels: int  # of a still image, or of all an animation's frames together
    max_side: int
    max_frames: int


def limits():
    """The upload limits; their defaults are in advocacy/settings.py (IMAGE_MAX_*)."""
    return Limits(
        max_bytes=settings.IMAGE_MAX_BYTES,
        max_pixels=settings.IMAGE_MAX_PIXELS,
        max_side=settings.IMAGE_MAX_SIDE,
        max_frames=settings.IMAGE_MAX_FRAMES,
    )


def _in_units(number, unit):
    """1_048_576 bytes → "1", 209_715 → "0.2": a limit below one unit must not read as 0."""
    return f"{round(number / unit, 1):g}"


def describe_limits():
    """The formats and limits in a sentence, for the upload field's help text."""
    limit = limits()
    return _(
        "%(formats)s; at most %(mb)s MB, %(side)s pixels a side and %(mp)s megapixels "
        "(for an animation: all its frames together, and at most %(frames)s frames)."
    ) % {
        "formats": format_names(),
        "mb": _in_units(limit.max_bytes, 1_048_576),
        "side": limit.max_side,
        "mp": _in_units(limit.max_pixels, 1_000_000),
        "frames": limit.max_frames,
    }


def far_too_many_pixels():
    """The error for a file Pillow refuses to open (over twice its own pixel limit)."""
    limit = limits()
    return ValidationError(
        _(
            "This image has far more pixels than the limit of %(side)s pixels a side "
            "and %(mp)s megapixels."
        ),
        code="too_many_pixels",
        params={"side": limit.max_side, "mp": _in_units(limit.max_pixels, 1_000_000)},
    )


# --- validation ------------------------------------------------------------------------


def validate_image_file(file):
    """Refuse what is not one of FORMATS within the limits, without decoding a giant."""
    limit = limits()
    if file.size is not None and file.size > limit.max_bytes:
        raise ValidationError(
            _("This file is %(size)s MB; the limit is %(limit)s MB."),
            code="too_large",
            params={
                "size": _in_units(file.size, 1_048_576),
                "limit": _in_units(limit.max_bytes, 1_048_576),
            },
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            # Opening reads only the header, so the size checks come before any
            # pixel is decoded (a decompression bomb never expands).
            if image.format not in FORMATS:
                raise ValidationError(
                    _("Upload a %(formats)s image; this file is %(format)s."),
                    code="bad_format",
                    params={
                        "formats": format_names(),
                        "format": image.format or _("not an image"),
                    },
                )
            _check_pixels(image, limit)
            image.load()  # a truncated file fails here, at upload, not later
    except ValidationError:
        raise
    except PILImage.DecompressionBombError as exc:
        raise far_too_many_pixels() from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError(
            _("This file is not a complete %(formats)s image."),
            code="invalid_image",
            params={"formats": format_names()},
        ) from exc
    finally:
        file.seek(position)


def _check_pixels(image, limit):
    width, height = image.size
    if width > limit.max_side or height > limit.max_side or width * height > limit.max_pixels:
        raise ValidationError(
            _(
                "This image is %(width)s × %(height)s pixels; the limit is %(side)s pixels "
                "a side and %(mp)s megapixels."
            ),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "side": limit.max_side,
                "mp": _in_units(limit.max_pixels, 1_000_000),
            },
        )
    # Every frame of an animation is decoded to the full canvas when it is
    # re-encoded: a GIF of 20 one-pixel frames on a 3000 × 3000 canvas is a few
    # hundred bytes and 180 megapixels of work (issue 11). Counting the frames
    # reads only their headers.
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and (frames > limit.max_frames or frames * width * height > limit.max_pixels):
        raise ValidationError(
            _(
                "This animation has %(frames)s frames of %(width)s × %(height)s pixels; the "
                "limit is %(mp)s megapixels for all its frames together and %(max_frames)s "
                "frames."
            ),
            code="too_many_pixels",
            params={
                "frames": frames,
                "width": width,
                "height": height,
                "mp": _in_units(limit.max_pixels, 1_000_000),
                "max_frames": limit.max_frames,
            },
        )


# --- re-encoding -----------------------------------------------------------------------


def reencode(file):
    """Return (ContentFile, format) holding only the pixels of `file`."""
    file.seek(0)
    with PILImage.open(file) as source:
        fmt = source.format
        animated = getattr(source, "n_frames", 1) > 1
        out = BytesIO()
        if animated:
            # Frames of an animated GIF or WebP are kept, their metadata is not.
            keep = {k: source.info[k] for k in ("duration", "loop") if k in source.info}
            source.info = {}
            source.save(out, fmt, save_all=True, **keep)
        else:
            image = ImageOps.exif_transpose(source)
            transparency = image.info.get("transparency")
            image.info = {}
            if fmt == "JPEG":
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.save(out, "JPEG", quality=88, optimize=True, progressive=True)
            elif fmt == "WEBP":
                image.save(out, "WEBP", quality=88, exif=b"", xmp=b"")
            elif fmt == "PNG":
                extra = {"transparency": transparency} if transparency is not None else {}
                image.save(out, "PNG", optimize=True, **extra)
            else:
                extra = {"transparency": transparency} if transparency is not None else {}
                image.save(out, fmt, **extra)
    # The name matters: Django's ImageField reads the new width and height from this
    # content when it is saved, and a nameless file counts as no file (dimensions None).
    return ContentFile(out.getvalue(), name=f"upload.{FORMATS[fmt].extension}"), fmt


def dimensions_of(content):
    content.seek(0)
    with PILImage.open(content) as image:
        return image.size


# EXIF tags and IPTC datasets that photographers and agencies fill in.
_EXIF_ARTIST, _EXIF_COPYRIGHT, _EXIF_DESCRIPTION = 0x013B, 0x8298, 0x010E
_IPTC_BYLINE, _IPTC_CREDIT, _IPTC_COPYRIGHT, _IPTC_CAPTION = (2, 80), (2, 110), (2, 116), (2, 120)


def _text(value):
    if isinstance(value, list):
        value = b"; ".join(v for v in value if isinstance(v, bytes))
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return ""
    return " ".join(value.replace("\x00", " ").split())


def read_credit_metadata(file):
    """{"credit": …, "caption": …} from the photo's EXIF/IPTC, before they are stripped."""
    from PIL import IptcImagePlugin

    found = {}
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            exif = image.getexif()
            iptc = IptcImagePlugin.getiptcinfo(image) or {}
            copyright_ = _text(iptc.get(_IPTC_COPYRIGHT)) or _text(exif.get(_EXIF_COPYRIGHT))
            byline = (
                _text(iptc.get(_IPTC_BYLINE))
                or _text(iptc.get(_IPTC_CREDIT))
                or _text(exif.get(_EXIF_ARTIST))
            )
            credit = " / ".join(part for part in (copyright_, byline) if part)
            if credit and not credit.startswith("©"):
                credit = f"© {credit}"
            if credit:
                found["credit"] = credit
            caption = _text(iptc.get(_IPTC_CAPTION)) or _text(exif.get(_EXIF_DESCRIPTION))
            if caption:
                found["caption"] = caption
    except Exception:  # metadata is a convenience; a odd tag must never block an upload
        return {}
    finally:
        file.seek(position)
    return found


# --- renditions and storage ------------------------------------------------------------

# Widths made for every stored image, so pages never need the full-resolution
# original. The original stays public all the same (its address is the one the
# body editor is given, and GIFs have no copies); it holds pixels only, its
# metadata stripped by reencode(). See SECURITY.md.
RENDITION_WIDTHS = (480, 960, 1600)
_SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
}


def make_renditions(content, fmt):
    """[(width, height, format, bytes)] at RENDITION_WIDTHS, WebP and the original format.

    Widths above the original's are skipped, but there is always one at most
    the largest width: a 4000 px photo is served at 1600 px at most. Animated
    GIFs keep only their original.
    """
    content.seek(0)
    with PILImage.open(content) as source:
        if getattr(source, "n_frames", 1) > 1 or not FORMATS[fmt].resized:
            return []
        source.load()
        width, height = source.size
        widths = [w for w in RENDITION_WIDTHS if w < width] or []
        widths.append(min(width, RENDITION_WIDTHS[-1]))
        formats = ["WEBP"] if fmt == "WEBP" else ["WEBP", fmt]
        renditions = []
        for target in sorted(set(widths)):
            scaled_height = max(1, round(height * target / width))
            resized = (
                source
                if target == width
                else source.resize((target, scaled_height), PILImage.Resampling.LANCZOS)
            )
            for out_format in formats:
                image = resized
                if out_format == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                out = BytesIO()
                image.save(out, out_format, **_SAVE_OPTIONS[out_format])
                renditions.append((target, scaled_height, out_format, out.getvalue()))
        return renditions


def storage_errors():
    """What a storage raises when it is full or unreachable: a disk's OSError, S3's errors."""
    errors = [OSError]
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # no S3 support installed
        pass
    else:
        errors += [BotoCoreError, ClientError]
    return tuple(errors)


@dataclass
class StoredUpload:
    name: str  # of the re-encoded original
    width: int
    height: int
    metadata: dict  # {"credit": …, "caption": …} read before re-encoding dropped them


def store_upload(upload, storage):
    """Re-encode `upload` and write it to `storage`; its copies come from a task.

    Metadata is read (for the credit and caption an editor then confirms)
    before re-encoding drops it. If the storage is full or unreachable, what
    was written or half-written is removed and the error propagates: nothing
    stays behind. Only storage.save/open/delete are used (S3 has no path()).
    """
    metadata = read_credit_metadata(upload)
    content, fmt = reencode(upload)
    name = storage.generate_filename(library_name(fmt))
    try:
        stored_name = storage.save(name, content)
    except storage_errors():
        _remove_quietly(storage, [name])
        raise
    width, height = dimensions_of(content)
    return StoredUpload(stored_name, width, height, metadata)


def _remove_quietly(storage, names):
    for path in names:
        try:
            if storage.exists(path):
                storage.delete(path)
        except storage_errors():
            pass


def write_renditions(name, storage):
    """Make the smaller copies of the stored original `name`; [{"width", …, "name"}].

    Safe to run twice: a copy's name follows from the original's and a copy
    left by an interrupted run is replaced, not kept beside a new one. On a
    storage error every copy written is removed and the error propagates.
    """
    with storage.open(name, "rb") as stored:
        content = BytesIO(stored.read())
    with PILImage.open(content) as probe:
        fmt = probe.format
    base = name.rsplit(".", 1)[0]
    written, renditions = [], []
    try:
        for width, height, out_format, data in make_renditions(content, fmt):
            attempted = f"{base}-{width}.{FORMATS[out_format].extension}"
            # Recorded before writing: a full disk leaves a partial file behind.
            written.append(attempted)
            if storage.exists(attempted):
                storage.delete(attempted)
            stored = storage.save(attempted, ContentFile(data))
            written.append(stored)
            renditions.append(
                {"width": width, "height": height, "format": out_format.lower(), "name": stored}
            )
    except storage_errors():
        _remove_quietly(storage, written)
        raise
    return renditions


def make_stored_renditions(image_id):
    """The task (background.tasks): give library image `image_id` its smaller copies.

    Until they exist its pages show the original (Image.rendition_url).
    Returns how many copies were made.
    """
    from .models import Image

    image = Image.objects.filter(pk=image_id).first()
    if image is None or not image.file or image.renditions:
        return 0  # deleted meanwhile, or a second run of a task that finished
    name = image.file.name
    renditions = write_renditions(name, image.file.storage)
    # Only if the image still holds the same file (an editor may have replaced it).
    if not Image.objects.filter(pk=image_id, file=name).exists():
        _remove_quietly(image.file.storage, [r["name"] for r in renditions])
        return 0
    image.renditions = renditions
    image.save(update_fields=["renditions"])  # its pages are refreshed (statements.signals)
    return len(renditions)
