"""Turning a stored (already sanitized) body into the HTML of the public page.

Figures in the body point at image-library files by URL (statements.figures
decides which library image an address shows). Each is rendered with
the library's alt text, caption and credit unless the editor wrote their own
for this figure (statements.figures.own_alt, own_credit), so a credit corrected
in the library is corrected in every figure that shows the library's: the
statement is re-rendered when one of its images changes (statements.signals).
This runs when a statement is saved, never on a visitor's request.
"""

import html
import re

from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from . import figures

_FIGURE = re.compile(r"<figure>(?P<inner>.*?)</figure>", re.DOTALL)
_CAPTION = re.compile(r"<figcaption>(?P<caption>.*?)</figcaption>", re.DOTALL)
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|figcaption)>|<br>")


def render_body(body):
    """Return (HTML with library figures expanded, the library images it shows)."""
    images = figures.images_of(figures.body_images(body)) if "<img" in body else {}
    if not images and "<figure>" not in body:
        return body, []

    def expand(match):
        inner = match.group("inner")
        shown = figures.body_images(inner)
        image = images.get(shown[0]) if shown else None
        if image is None:
            figures.log_unshown(shown[0][0] if shown else None)
            return match.group(0)
        caption = _CAPTION.search(inner)
        own_caption = caption.group("caption").strip() if caption else ""
        return render_to_string(
            "includes/figure.html",
            {
                "image": image,
                # The body's own caption is sanitized HTML from the editor.
                "caption": mark_safe(own_caption) if own_caption else image.caption,
                "alt": figures.own_alt(inner),
                "credit": figures.own_credit(inner),
                "in_body": True,
            },
        ).strip()

    shown = {image.pk: image for image in images.values()}
    return _FIGURE.sub(expand, body), list(shown.values())


def body_as_text(body):
    """The body's words without markup, for search."""
    spaced = _BLOCK_END.sub(lambda m: m.group(0) + "\n", body)
    return html.unescape(strip_tags(spaced)).strip()
