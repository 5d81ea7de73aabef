"""The allow-list for statement bodies.

Whatever staff paste into the editor (Word, another CMS, a hostile clipboard),
only these tags and attributes survive: no script, no event handler, no style,
no `javascript:` URL, and no image that would load from another site.
"""

import re

import nh3

from . import figures

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "b",
    "em",
    "i",
    "a",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    # data-file: the library image a figure refers to; data-credit: the figure's
    # own credit, shown instead of the library's (statements.figures).
    "img": {"src", "alt", "width", "height", "data-file", "data-credit"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def _filter_attribute(tag, attribute, value):
    # Our pages load nothing from other sites: body images must come from the
    # image library, by a normalized address under our own MEDIA_URL (no
    # percent-encoding or dot segments that a server would resolve elsewhere).
    if tag == "img" and attribute == "src" and figures.media_path(value) is None:
        return None
    if tag == "img" and attribute == "data-file" and figures.reference(value) is None:
        return None
    return value


# An image whose source was refused is dropped whole, not left as a broken box.
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\bsrc=)[^>]*>")

_cleaner = None


def _get_cleaner():
    global _cleaner
    if _cleaner is None:
        _cleaner = nh3.Cleaner(
            tags=ALLOWED_TAGS,
            clean_content_tags={"script", "style"},
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            attribute_filter=_filter_attribute,
            link_rel="noopener noreferrer",
            strip_comments=True,
        )
    return _cleaner


def sanitize_html(html):
    """Return `html` reduced to the allow-list; empty editor output becomes ''."""
    if not html:
        return ""
    cleaned = _get_cleaner().clean(html.replace("\x00", ""))
    cleaned = _IMG_WITHOUT_SRC.sub("", cleaned).strip()
    # The editor always leaves one empty paragraph behind.
    if cleaned in {"<p></p>", "<p><br></p>"}:
        return ""
    return cleaned
