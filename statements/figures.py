"""Which library image an address in a statement's body shows: the one rule for it.

A body shows pictures from the image library only, by address: the original's
(MEDIA_URL + its stored name, as the image's admin page gives it) or one of its
smaller copies' (`…-1600.webp`, what "Copy image address" gives on the public
site). Every path that writes or shows a body asks this module:

- the sanitizer keeps an <img> only if its address is a normalized media path
  (`media_path`): no percent-encoding, dot segment, backslash or query;
- the admin's statement form refuses a body with an image that is not in the
  library, naming each address, and saves a copy's address as its original's
  (`check_body`, `normalize_addresses`), so a figure never silently loses its
  picture, alt text, caption or credit;
- rendering finds each figure's image with `library_images`, so a copy's address
  still shows the library's alt text, caption and credit. A save without the
  form (imports, the shell, the demo loader) is not refused — nothing there can
  show the editor a message — but every figure the page cannot show as a
  library image is logged as a warning.
"""

import html
import logging
import re
from html.parser import HTMLParser

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import ngettext

from . import images

logger = logging.getLogger(__name__)

# Path segments of stored files: no "." or ".." segment (nor any leading dot),
# no "%", "\", "?" or "#". Library names are library/2026/11/<hex>[-<width>].<ext>.
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9_.-]*"
_NORMALIZED_PATH = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_COPY = re.compile(r"(?P<stem>.+)-\d+\.[a-z]+")
_IMG_SRC = re.compile(r'(<img\b[^>]*\bsrc=")([^"]*)(")')


def media_path(url):
    """The storage name `url` addresses under MEDIA_URL, or None if it is not a normalized one."""
    prefix = settings.MEDIA_URL
    if not url.startswith(prefix):
        return None
    path = url[len(prefix) :]
    return path if _NORMALIZED_PATH.fullmatch(path) else None


def library_images(paths):
    """{path: Image} for each path that names a library image or one of its copies (one query)."""
    from .models import Image

    paths = set(paths)
    if not paths:
        return {}
    candidates = set(paths)
    for path in paths:
        if match := _COPY.fullmatch(path):
            # A WebP copy may belong to a JPEG or PNG original: try each suffix.
            candidates.update(f"{match['stem']}.{ext}" for ext in images.ACCEPTED_EXTENSIONS)
    found = {}
    for image in Image.objects.filter(file__in=candidates):
        for name in image.stored_names():
            if name in paths:
                found[name] = image
    return found


class _ImageAddresses(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.addresses = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            src = dict(attrs).get("src")
            if src is not None and src not in self.addresses:
                self.addresses.append(src)


def image_addresses(body):
    """The address of every <img> in `body` (raw, as typed or pasted), in order."""
    parser = _ImageAddresses()
    parser.feed(body or "")
    parser.close()
    return parser.addresses


def check_body(body):
    """Return {path: Image} for the images `body` shows; refuse any that is not a library image.

    `body` is what the editor sent, before the sanitizer drops an image from
    another site: the message can then name every address that is refused.
    """
    addresses = image_addresses(body)
    paths = {address: media_path(address) for address in addresses}
    found = library_images(path for path in paths.values() if path)
    refused = [address for address, path in paths.items() if path not in found]
    if refused:
        raise ValidationError(
            ngettext(
                "The body shows %(addresses)s, which is not an image in the library. Upload "
                "the picture to the image library, then place it with the Figure button and "
                "the address shown on the image's page.",
                "The body shows %(addresses)s, which are not images in the library. Upload "
                "the pictures to the image library, then place each with the Figure button "
                "and the address shown on the image's page.",
                len(refused),
            ),
            code="not_in_library",
            params={"addresses": ", ".join(f"“{address}”" for address in refused)},
        )
    return found


def normalize_addresses(clean_body, found):
    """`clean_body` (sanitized) with each copy's address replaced by its original's."""

    def original(match):
        path = media_path(html.unescape(match.group(2)))
        image = found.get(path)
        if image is None or image.file.name == path:
            return match.group(0)
        return f"{match.group(1)}{escape(image.file.url)}{match.group(3)}"

    return _IMG_SRC.sub(original, clean_body)


def figure_markup(image, caption=""):
    """A body's figure of a library image, as the editor's Figure button writes it.

    The one builder of figure markup for code that writes bodies (imports, the
    demo): the page then shows it with the library's alt text, credit and,
    unless `caption` (plain text) is given, the library's caption.
    """
    figcaption = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return (
        f'<figure><img src="{escape(settings.MEDIA_URL + image.file.name)}" '
        f'alt="{escape(image.alt_text)}">{figcaption}</figure>'
    )


def log_unshown(address):
    """A figure saved without the form shows no library image: say so in the log."""
    if address is None:
        logger.warning(
            "A statement body has a figure without a library image (a picture from "
            "another site is removed): the page shows its caption alone."
        )
    else:
        logger.warning(
            "A statement body has a figure showing %s, which is not an image in the "
            "library: the page shows it without the library's alt text, caption and credit.",
            address,
        )
