"""Reading a rendered page the way a visitor (or a crawler) would."""

import re
from html.parser import HTMLParser


class _Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []  # (tag, attrs) of every start tag, in document order
        self.main_text = []
        self._in_main = 0
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "main":
            self._in_main += 1
        if tag in {"script", "style", "template"}:
            self._skip += 1
        # Block boundaries separate words, as a browser would render them.
        if tag in {"p", "br", "li", "h1", "h2", "h3", "h4", "figcaption", "aside", "nav"}:
            self.main_text.append(" ")

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag):
        if tag == "main":
            self._in_main -= 1
        if tag in {"script", "style", "template"}:
            self._skip -= 1
        self.main_text.append(" " if tag in {"p", "li", "figcaption", "span", "a"} else "")

    def handle_data(self, data):
        if self._in_main and not self._skip:
            self.main_text.append(data)


def parse(html):
    if isinstance(html, bytes):
        html = html.decode()
    page = _Page()
    page.feed(html)
    page.close()
    return page


def main_text(html):
    """The visible text of the page's <main>, whitespace collapsed."""
    text = "".join(parse(html).main_text)
    text = re.sub(r"\s+", " ", text)
    # Closing-tag spaces before punctuation are an artefact of this reader.
    return re.sub(r" ([,.])", r"\1", text).strip()


def elements(html, tag=None):
    return [(name, attrs) for name, attrs in parse(html).elements if tag is None or name == tag]


def _matches(attrs, name, wanted):
    value = attrs.get(name)
    if value is None:
        return False
    # class="a b" and rel="noopener prev" match any one of their words.
    return value == wanted or (name in {"class", "rel"} and wanted in value.split())


def attrs_of(html, tag, **match):
    """Attributes of every <tag> whose attributes match all of `match` (class_ for class)."""
    return [
        attrs
        for _, attrs in elements(html, tag)
        if all(_matches(attrs, key.rstrip("_"), wanted) for key, wanted in match.items())
    ]


def meta(html):
    """{property or name: content} of the page's <meta> tags."""
    result = {}
    for _, attrs in elements(html, "meta"):
        key = attrs.get("property") or attrs.get("name")
        if key:
            result[key] = attrs.get("content", "")
    return result


def assert_in_order(text, parts):
    """Each of `parts` occurs in `text`, each after the previous one."""
    position = -1
    for part in parts:
        found = text.find(part, position + 1)
        assert found != -1, f"{part!r} is missing after position {position} in:\n{text}"
        position = found
