"""A comment's words as HTML: escaped text in paragraphs, with safe links.

Rendered when a comment is saved (Comment.body_html), as a statement's body
is, so showing a thread does not redo it for every comment on every view.
"""

import html
import re

from django.utils.html import urlize
from django.utils.safestring import SafeData, SafeString

# Everything urlize can turn into a link has one of these: a scheme (http:// or
# https://), "www.", the "@" of an address, or one of the endings it knows
# (.com, .org, …). Text without any is returned by urlize merely escaped, so it
# skips urlize, the costliest part of showing a comment; the output is the same.
_MAYBE_LINK = re.compile(r"https?://|www\.|@|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)
# As django.utils.html.linebreaks splits paragraphs and normalizes newlines.
_NEWLINES = re.compile(r"\r\n|\r")
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")


def comment_text(body):
    """A comment as escaped plain text: paragraphs, and links that pass no credit.

    The same as `body|urlize|linebreaks` with autoescape, and `rel` marking the
    links as user content.
    """
    if isinstance(body, SafeData) or _MAYBE_LINK.search(body):
        linked = urlize(body, trim_url_limit=60, nofollow=True, autoescape=True)
        linked = linked.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    else:
        linked = html.escape(body)
    paragraphs = _PARAGRAPH_BREAK.split(_NEWLINES.sub("\n", linked))
    return SafeString("\n\n".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs))


def links_in(body):
    """How many links comment_text() makes of `body`: the link limit counts these."""
    return comment_text(body).count("<a ")
