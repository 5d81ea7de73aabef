"""Checking and re-encoding uploaded photos with Pillow.

A photo's EXIF can carry the GPS position of the person who took it; for an
advocacy organization that can endanger people. Every stored image is therefore
decoded and encoded again from its pixels, which drops EXIF, GPS, XMP, IPTC,
maker notes and anything appended after the image data.
"""

from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def _limit(name, default):
    return getattr(settings, name, default)


def _in_units(number, unit):
    """1_048_576 bytes → "1", 209_715 → "0.2": a limit below one unit must not read as 0."""
    return f"{round(number / unit, 1):g}"


def validate_image_file(file):
    """Refuse what is not a JPEG, PNG, WebP or GIF within our size limits."""
    max_bytes = _limit("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
    max_pixels = _limit("IMAGE_MAX_PIXELS", 50_000_000)
    max_side = _limit("IMAGE_MAX_SIDE", 12_000)
    if file.size is not None and file.size > max_bytes:
        raise ValidationError(
            "This file is %(size)s MB; the limit is %(limit)s MB.",
            code="too_large",
            params={
                "size": _in_units(file.size, 1_048_576),
                "limit": _in_units(max_bytes, 1_048_576),
            },
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            # Opening reads only the header, so the size check comes before any
            # pixel is decoded (a decompression bomb never expands).
            if image.format not in ALLOWED_FORMATS:
                raise ValidationError(
                    "Upload a JPEG, PNG, WebP or GIF image; this file is %(format)s.",
                    code="bad_format",
                    params={"format": image.format or "not an image"},
                )
            width, height = image.size
            if width > max_side or height > max_side or width * height > max_pixels:
                raise ValidationError(
                    "This image is %(width)s × %(height)s pixels; the limit is %(side)s pixels "
                    "a side and %(mp)s megapixels.",
                    code="too_many_pixels",
                    params={
                        "width": width,
                        "height": height,
                        "side": max_side,
                        "mp": _in_units(max_pixels, 1_000_000),
                    },
                )
            image.load()  # a truncated file fails here, at upload, not later
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            "This file is not a complete JPEG, PNG, WebP or GIF image.", code="invalid_image"
        ) from exc
    except PILImage.DecompressionBombError as exc:
        raise ValidationError("This image has too many pixels.", code="too_many_pixels") from exc
    finally:
        file.seek(position)


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
    return ContentFile(out.getvalue(), name=f"upload.{ALLOWED_FORMATS.get(fmt, 'img')}"), fmt


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


# Widths made for every stored image, so no visitor downloads the camera original.
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
        if getattr(source, "n_frames", 1) > 1 or fmt not in ("JPEG", "PNG", "WEBP"):
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
