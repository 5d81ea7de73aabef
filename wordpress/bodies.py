"""A WordPress body (block markup or classic HTML with shortcodes) as one of our bodies.

Image blocks, both [caption] forms, [gallery] and images placed on their own
become figures of library images (statements.figures builds their markup);
[embed], [audio] and [video] become links, since our pages load nothing from
other sites; an unknown shortcode stays as visible text. Each of those is
noted, for the report. Classic bodies get WordPress's paragraphs (autop).
Addresses of the old site's media files, resized copies included, point at
the imported image; links to the old site's posts are listed for the
importer to rewrite once every post has its new address. What comes out still
goes through the statement sanitizer on save.
"""

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.utils.html import escape, strip_tags

from statements.figures import figure_markup

from .autop import wpautop

_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:[^>]*?-->", re.DOTALL)
_IMAGE_BLOCK = re.compile(
    r"<!--\s*wp:image(?P<attrs>\s+\{.*?\})?\s*-->(?P<inner>.*?)<!--\s*/wp:image\s*-->", re.DOTALL
)
_GALLERY_BLOCK = re.compile(
    r"<!--\s*wp:gallery(?P<attrs>\s+\{.*?\})?\s*-->(?P<inner>.*?)<!--\s*/wp:gallery\s*-->",
    re.DOTALL,
)
_EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?(?P<attrs>\s+\{.*?\})?\s*-->(?P<inner>.*?)"
    r"<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->",
    re.DOTALL,
)
_BLOCK_NAME = re.compile(r"<!--\s*wp:(?P<name>[a-z][\w/-]*)")
_SIMPLE_BLOCKS = {
    "paragraph", "heading", "list", "list-item", "quote", "image", "gallery", "separator",
    "shortcode", "freeform", "html", "group", "columns", "column", "spacer", "more",
    "embed", "pullquote", "verse", "preformatted",
}  # fmt: skip
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>(?P<text>.*?)</figcaption>", re.DOTALL)
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'(?P<name>[\w-]+)\s*=\s*(?:"(?P<dq>[^"]*)"|\'(?P<sq>[^\']*)\'|(?P<bare>\S+))')
_WP_IMAGE_CLASS = re.compile(r"\bwp-image-(\d+)\b")
_LINKED_IMG = re.compile(r"<a\b[^>]*>\s*(<img\b[^>]*>)\s*</a>", re.IGNORECASE)
_SHORTCODE = re.compile(
    r"\[(?P<escaped>\[?)(?P<name>[A-Za-z][\w-]*)(?P<attrs>(?:[^\]\"']|\"[^\"]*\"|'[^']*')*?)"
    r"(?P<selfclose>/)?\]"
)
_HREF_SRC = re.compile(r'(?P<attr>\b(?:href|src))=(?P<q>["\'])(?P<url>[^"\']*)(?P=q)')
_TOKEN = "WPIMPORTFIGURE{}X"
_TOKEN_RE = re.compile(r"(?:<p>\s*)?WPIMPORTFIGURE(\d+)X(?:\s*</p>)?")


def attributes(text):
    return {
        m["name"].lower(): html.unescape(
            m["dq"] if m["dq"] is not None else m["sq"] or m["bare"] or ""
        )
        for m in _ATTR.finditer(text or "")
    }


def plain(text):
    return " ".join(html.unescape(strip_tags(text or "")).split())


@dataclass
class Converted:
    html: str
    notes: list = field(default_factory=list)  # reasons, for the report
    internal_links: bool = False  # links to the old site's pages, to rewrite afterwards
    images: list = field(default_factory=list)  # library images placed as figures


class BodyConverter:
    """Converts bodies against what the media pass imported (`media`, a wordpress.media.MediaMap)."""

    def __init__(self, media, site_hosts):
        self.media = media
        self.site_hosts = {h.lower() for h in site_hosts if h}

    def convert(self, content, *, post_id=None):
        result = Converted("")
        figures = []

        def figure_token(image, caption):
            figures.append(figure_markup(image, caption=caption))
            result.images.append(image)
            return "\n\n" + _TOKEN.format(len(figures) - 1) + "\n\n"

        text = content or ""
        is_blocks = "<!-- wp:" in text
        if is_blocks:
            text = self._blocks(text, result, figure_token, post_id)
        text = self._shortcodes(text, result, figure_token, post_id)
        text = self._loose_images(text, result, figure_token)
        if not is_blocks:
            text = wpautop(text)
        text = self._addresses(text, result)
        text = _TOKEN_RE.sub(lambda m: figures[int(m.group(1))], text)
        result.html = text.strip()
        return result

    # -- images -------------------------------------------------------------------------

    def _image_for(self, img_tag=None, wp_id=None):
        image = self.media.by_id(wp_id) if wp_id else None
        if image is None and img_tag:
            attrs = attributes(img_tag)
            class_id = _WP_IMAGE_CLASS.search(attrs.get("class", ""))
            if class_id:
                image = self.media.by_id(int(class_id.group(1)))
            if image is None and attrs.get("src"):
                image = self.media.by_url(attrs["src"])
        return image

    def _missing(self, result, img_tag, caption):
        src = attributes(img_tag).get("src", "") if img_tag else ""
        result.notes.append(f"image not in the library ({src or 'no address'}): left out")
        return f"\n\n<p>{escape(caption)}</p>\n\n" if caption else "\n\n"

    # -- blocks -------------------------------------------------------------------------

    def _blocks(self, text, result, figure_token, post_id):
        for name in sorted({m["name"] for m in _BLOCK_NAME.finditer(text)}):
            short = name.removeprefix("core/")
            if short not in _SIMPLE_BLOCKS and not short.startswith(("embed", "core-embed")):
                result.notes.append(f"block wp:{name} kept as its HTML")

        def image_block(match):
            attrs = _json(match["attrs"])
            inner = match["inner"]
            img = _IMG.search(inner)
            caption_match = _FIGCAPTION.search(inner)
            caption = plain(caption_match["text"]) if caption_match else ""
            image = self._image_for(img.group(0) if img else None, attrs.get("id"))
            if image is None:
                return self._missing(result, img.group(0) if img else None, caption)
            return figure_token(image, caption)

        def gallery_block(match):
            inner = _IMAGE_BLOCK.sub(image_block, match["inner"])
            tokens = re.findall(r"WPIMPORTFIGURE\d+X", inner)
            if not tokens:  # the older gallery block: ids in its attributes, images in a list
                for img in _IMG.findall(inner):
                    image = self._image_for(img)
                    tokens.append(
                        figure_token(image, "").strip()
                        if image
                        else self._missing(result, img, "")
                    )
            return "\n\n" + "\n\n".join(t for t in tokens if t.strip()) + "\n\n"

        def embed_block(match):
            url = _json(match["attrs"]).get("url") or plain(match["inner"])
            result.notes.append("embed became a link")
            return f'\n\n<p><a href="{escape(url)}">{escape(url)}</a></p>\n\n'

        text = _GALLERY_BLOCK.sub(gallery_block, text)
        text = _IMAGE_BLOCK.sub(image_block, text)
        text = _EMBED_BLOCK.sub(embed_block, text)
        return _BLOCK_COMMENT.sub("", text)

    # -- shortcodes ---------------------------------------------------------------------

    def _shortcodes(self, text, result, figure_token, post_id):
        out, pos = [], 0
        for match in _SHORTCODE.finditer(text):
            if match.start() < pos:
                continue
            name = match["name"].lower()
            if match["escaped"]:
                continue  # [[caption]] is WordPress's way to show a shortcode as text
            attrs = attributes(match["attrs"])
            content, end = None, match.end()
            closing = re.compile(rf"\[/{re.escape(match['name'])}\]", re.IGNORECASE)
            if not match["selfclose"]:
                close = closing.search(text, match.end())
                if close and name in (
                    "caption",
                    "wp_caption",
                    "embed",
                    "audio",
                    "video",
                    "gallery",
                ):
                    content, end = text[match.end() : close.start()], close.end()
            replacement = self._shortcode(name, attrs, content, result, figure_token, post_id)
            if replacement is None:
                result.notes.append(f"shortcode [{name}] left as text")
                continue
            out.append(text[pos : match.start()])
            out.append(replacement)
            pos = end
        out.append(text[pos:])
        return "".join(out)

    def _shortcode(self, name, attrs, content, result, figure_token, post_id):
        if name in ("caption", "wp_caption"):
            content = content or ""
            img = _IMG.search(content)
            caption = attrs.get("caption") or plain(_IMG.sub("", _strip_link(content)))
            wp_id = None
            if attrs.get("id", "").startswith("attachment_"):
                wp_id = _int(attrs["id"].removeprefix("attachment_"))
            image = self._image_for(img.group(0) if img else None, wp_id)
            if image is None:
                return self._missing(result, img.group(0) if img else None, caption)
            return figure_token(image, caption)
        if name == "gallery":
            ids = [
                _int(i) for i in attrs.get("ids", attrs.get("include", "")).split(",") if i.strip()
            ]
            if not ids and post_id:
                ids = self.media.attached_to(post_id)
            parts = []
            for wp_id in ids:
                image = self.media.by_id(wp_id)
                if image is None:
                    result.notes.append(f"gallery image #{wp_id} not in the library: left out")
                    continue
                parts.append(figure_token(image, ""))
            if not parts:
                return None
            return "".join(parts)
        if name in ("embed", "audio", "video"):
            url = (content or "").strip() if name == "embed" else ""
            url = (
                url
                or attrs.get("src")
                or next(
                    (
                        attrs[k]
                        for k in ("mp3", "m4a", "ogg", "wav", "mp4", "webm", "ogv")
                        if k in attrs
                    ),
                    "",
                )
            )
            if not url:
                return None
            result.notes.append(f"[{name}] became a link")
            return f'\n\n<p><a href="{escape(url)}">{escape(url)}</a></p>\n\n'
        return None

    def _loose_images(self, text, result, figure_token):
        """An image placed without a caption, linked or not, becomes a figure too."""

        def replace(match):
            img = match.group(1) if match.lastindex else match.group(0)
            image = self._image_for(img)
            if image is None:
                return self._missing(result, img, attributes(img).get("alt", ""))
            return figure_token(image, "")

        text = _LINKED_IMG.sub(replace, text)
        return _IMG.sub(replace, text)

    # -- addresses ----------------------------------------------------------------------

    def _addresses(self, text, result):
        def rewrite(match):
            url = html.unescape(match["url"])
            parts = urlsplit(url)
            if parts.netloc.lower() not in self.site_hosts:
                return match.group(0)
            image = self.media.by_url(url)
            if image is not None:
                return f'{match["attr"]}="{escape(image.file.url)}"'
            # A page of the old site: kept as a path on this site, where its
            # redirect answers, until the importer rewrites it to the new address.
            result.internal_links = True
            local = parts.path or "/"
            if parts.query:
                local += f"?{parts.query}"
            if parts.fragment:
                local += f"#{parts.fragment}"
            return f'{match["attr"]}="{escape(local)}"'

        return _HREF_SRC.sub(rewrite, text)


def _strip_link(content):
    return re.sub(r"</?a\b[^>]*>", "", content, flags=re.IGNORECASE)


def _json(raw):
    try:
        value = json.loads(raw) if raw and raw.strip() else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _int(value):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None
