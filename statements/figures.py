"""Which library image a figure in a statement's body shows: the one rule for it.

A figure refers to its library image by the image's id (`<img data-file="42">`,
what the editor's image picker and `figure_markup` write), with the original's
address as its src. A figure without a reference (pasted, or older bodies) is
found by address: the original's
(MEDIA_URL + its stored name, as the image's admin page gives it) or one of its
smaller copies' (`…-1600.webp`, what "Copy image address" gives on the public
site). Every path that writes or shows a body asks this module:

- `figure_markup` builds a figure for a library image (the picker's shape; the
  demo loader and importers call it);
- the sanitizer keeps an <img> only if its address is a normalized media path
  (`media_path`) and its reference, if any, is a number: no percent-encoding,
  dot segment, backslash or query;
- the admin's statement form refuses a body with an image that is not in the
  library, naming each address, and saves every figure as a reference with its
  original's address (`check_body`, `normalize_addresses`), so a figure never
  silently loses its picture, alt text, caption or credit; alt text and a credit
  (`data-credit`) equal to the library's are not stored, so only an editor's own
  words override them (`own_alt`, `own_credit`);
- rendering finds each figure's image with `images_of` (by reference, else by
  address), so a copy's address still shows the library's alt text, caption
  and credit. A save without the
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
from django.utils.html import escape, format_html
from django.utils.translation import gettext, ngettext

from advocacy.numbers import whole_number

from . import images

logger = logging.getLogger(__name__)

# Path segments of stored files: no "." or ".." segment (nor any leading dot),
# no "%", "\", "?" or "#". Library names are library/2026/11/<hex>[-<width>].<ext>.
_SEGMENT = r"[A-Za-z0-9_-][A-Za-z0-9_.-]*"
_NORMALIZED_PATH = re.compile(rf"{_SEGMENT}(?:/{_SEGMENT})*")
_COPY = re.compile(r"(?P<stem>.+)-\d+\.[a-z]+")


def media_path(url):
    """The storage name `url` addresses under MEDIA_URL, or None if it is not a normalized one."""
    prefix = settings.MEDIA_URL
    if not url.startswith(prefix):
        return None
    path = url[len(prefix) :]
    return path if _NORMALIZED_PATH.fullmatch(path) else None


def library_images(paths, image_model=None):
    """{path: Image} for each path that names a library image or one of its copies (one query)."""
    if image_model is None:
        from .models import Image as image_model

    paths = set(paths)
    if not paths:
        return {}
    candidates = set(paths)
    for path in paths:
        if match := _COPY.fullmatch(path):
            # A WebP copy may belong to a JPEG or PNG original: try each suffix.
            candidates.update(f"{match['stem']}.{ext}" for ext in images.ACCEPTED_EXTENSIONS)
    found = {}
    for image in image_model.objects.filter(file__in=candidates):
        names = [image.file.name, *(r["name"] for r in image.renditions)]
        for name in names:
            if name in paths:
                found[name] = image
    return found


def reference(value):
    """The library image id a figure's data-file holds, or None if it holds none."""
    value = (value or "").strip()
    # ASCII digits only: the sanitizer keeps exactly what this accepts.
    return whole_number(value, max_digits=18) if value.isascii() else None


def library_images_by_id(ids, image_model=None):
    """{id: Image} for the ids that are library images (one query)."""
    if image_model is None:
        from .models import Image as image_model
    ids = {i for i in ids if i is not None}
    return image_model.objects.in_bulk(ids) if ids else {}


class _Images(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.images = []  # (src, reference)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            attrs = dict(attrs)
            found = (attrs.get("src") or "", reference(attrs.get("data-file")))
            if found not in self.images:
                self.images.append(found)


def body_images(body):
    """(address, reference) of every <img> in `body` (raw, as typed or pasted), in order."""
    parser = _Images()
    parser.feed(body or "")
    parser.close()
    return parser.images


def images_of(pairs, image_model=None):
    """{(address, reference): Image} for the figures that show a library image (two queries).

    A reference decides; an address (the original's or a copy's) is asked only
    when a figure has no reference.
    """
    pairs = list(pairs)
    by_id = library_images_by_id((ref for _src, ref in pairs), image_model)
    by_path = library_images(
        (media_path(src) for src, ref in pairs if ref is None and media_path(src)), image_model
    )
    found = {}
    for src, ref in pairs:
        image = by_id.get(ref) if ref is not None else by_path.get(media_path(src))
        if image is not None:
            found[(src, ref)] = image
    return found


def check_body(body):
    """Return {(address, reference): Image} for the figures of `body`; refuse any other.

    `body` is what the editor sent, before the sanitizer drops an image from
    another site: the message can then name every address that is refused.
    """
    pairs = body_images(body)
    # A reference with an address from elsewhere is refused too: the sanitizer
    # would drop that picture without a word.
    found = {pair: image for pair, image in images_of(pairs).items() if media_path(pair[0])}
    refused = list(dict.fromkeys(src or "?" for src, ref in pairs if (src, ref) not in found))
    if refused:
        raise ValidationError(
            ngettext(
                "The body shows %(addresses)s, which is not an image in the library. Place "
                "pictures with the Figure button's “Browse...”: it shows the image library "
                "and uploads new pictures to it.",
                "The body shows %(addresses)s, which are not images in the library. Place "
                "pictures with the Figure button's “Browse...”: it shows the image library "
                "and uploads new pictures to it.",
                len(refused),
            ),
            code="not_in_library",
            params={"addresses": ", ".join(f"“{address}”" for address in refused)},
        )
    _check_credits(body)
    return found


# A figure's own credit: as long as the library's may be (Image.credit).
CREDIT_MAX_LENGTH = 200


def _check_credits(body):
    for _src, _ref, credit in _credits(body):
        if len(credit) > CREDIT_MAX_LENGTH:
            raise ValidationError(
                gettext(
                    "A figure's credit has %(length)d characters; at most %(limit)d are kept. "
                    "Shorten it in the Figure dialog."
                ),
                code="credit_too_long",
                params={"length": len(credit), "limit": CREDIT_MAX_LENGTH},
            )


class _Credits(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.credits = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and (attrs.get("data-credit") or "").strip():
            self.credits.append(
                (attrs.get("src"), attrs.get("data-file"), attrs["data-credit"].strip())
            )


def _credits(body):
    parser = _Credits()
    parser.feed(body or "")
    parser.close()
    return parser.credits


_IMG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-z][a-z0-9-]*)="([^"]*)"')


def normalize_addresses(clean_body, found, image_url=None):
    """`clean_body` (sanitized) with each figure a reference with its original's address.

    `found` is what check_body (or images_of) returned for the body.
    """
    url = image_url or (lambda image: image.file.url)

    def referenced(match):
        attrs = dict(_ATTRIBUTE.findall(match.group(0)))
        key = (html.unescape(attrs.get("src", "")), reference(attrs.get("data-file")))
        image = found.get(key)
        if image is None:
            return match.group(0)
        attrs["src"] = escape(url(image))
        attrs["data-file"] = str(image.pk)
        if html.unescape(attrs.get("alt", "")).strip() == image.alt_text.strip():
            # The library's own words: not stored, so a correction in the library
            # reaches this figure too. Different words are this figure's own.
            attrs.pop("alt", None)
        if html.unescape(attrs.get("data-credit", "")).strip() in ("", image.credit.strip()):
            attrs.pop("data-credit", None)  # the same rule for the credit
        return "<img " + " ".join(f'{name}="{value}"' for name, value in attrs.items()) + ">"

    return _IMG.sub(referenced, clean_body)


def _own(figure_html, attribute):
    img = _IMG.search(figure_html)
    value = dict(_ATTRIBUTE.findall(img.group(0))).get(attribute, "") if img else ""
    return html.unescape(value).strip() or None


def own_alt(figure_html):
    """The alt text the editor wrote for this figure (None: the library's is shown)."""
    return _own(figure_html, "alt")


def own_credit(figure_html):
    """The credit the editor wrote for this figure (None: the library's is shown)."""
    return _own(figure_html, "data-credit")


def figure_markup(image, *, caption="", alt=None, credit=None):
    """A body's figure of library `image`, as the editor's picker writes it.

    The page shows the library's caption unless `caption` (plain text) is
    given, its alt text unless `alt` is given and its credit unless `credit`
    is given (words equal to the library's are not written: see own_alt).
    """
    figcaption = format_html("<figcaption>{}</figcaption>", caption) if caption else ""

    def own(attribute, value, library_value):
        if not value or value.strip() == library_value.strip():
            return ""
        return format_html(' {}="{}"', attribute, value.strip())

    return format_html(
        '<figure><img src="{}"{} data-file="{}"{}>{}</figure>',
        image.file.url,
        own("alt", alt, image.alt_text),
        image.pk,
        own("data-credit", credit, image.credit),
        figcaption,
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


def add_references(statement_model, image_model):
    """Give every figure of every stored body a reference to its library image.

    For bodies written before figures had references (the data migration
    runs it, with historical models). Bodies are rewritten only where a figure
    is found in the library; the rendered page does not change. Returns how
    many bodies changed.
    """
    changed = 0
    bodies = statement_model.objects.filter(body__contains="<img").values_list("pk", "body")
    for pk, body in bodies.iterator(chunk_size=500):
        found = images_of(body_images(body), image_model)
        new_body = normalize_addresses(
            body, found, image_url=lambda image: settings.MEDIA_URL + image.file.name
        )
        if new_body != body:
            statement_model.objects.filter(pk=pk).update(body=new_body)
            changed += 1
    return changed
