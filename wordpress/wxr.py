"""Reading a WordPress export (WXR 1.0, 1.1, 1.2) as a stream of plain dicts.

Built on the standard library's expat, not on a DOM: only the item being read
is in memory, whatever the file's size. expat alone would expand entities
declared in a DTD (billion laughs) and can be asked to fetch external ones
(XXE); WordPress never writes a DOCTYPE, so any DOCTYPE, entity declaration or
external reference stops the parse at once with WXRError. Character data of
one element is concatenated, so WordPress's split CDATA sections
(`]]]]><![CDATA[>` for a `]]>` in content) come back joined.

Namespaces are matched by pattern: the wp namespace is
`http(s)://wordpress.org/export/1.N/` depending on the version that wrote it.
"""

import re
from dataclasses import dataclass, field
from xml.parsers import expat

from django.utils.translation import gettext as _

CHUNK = 64 * 1024
SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")

_WP = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/$")
_EXCERPT = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}


class WXRError(Exception):
    """The file is not a WordPress export we can read; the message says why."""


_SHORT = {}


def _short(uri_name):
    """'http://wordpress.org/export/1.2/ post_id' → 'wp:post_id'."""
    short = _SHORT.get(uri_name)
    if short is None:
        short = _shorten(uri_name)
        if len(_SHORT) < 1000:  # a hostile file's made-up names are not all kept
            _SHORT[uri_name] = short
    return short


def _shorten(uri_name):
    if " " not in uri_name:
        return uri_name
    uri, local = uri_name.split(" ", 1)
    if _WP.match(uri):
        return f"wp:{local}"
    if _EXCERPT.match(uri):
        return f"excerpt:{local}"
    prefix = _PREFIXES.get(uri)
    return f"{prefix}:{local}" if prefix else f"{{{uri}}}{local}"


@dataclass
class Channel:
    """What the export says about the site, read before any item is handled."""

    wxr_version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    authors: dict = field(default_factory=dict)  # login → {display_name, email, id}
    categories: list = field(default_factory=list)  # {slug, name, parent}
    tags: list = field(default_factory=list)

    @property
    def site_url(self):
        """The key every imported object is remembered under."""
        return (self.base_blog_url or self.base_site_url or self.link).rstrip("/")


_ITEM_FIELDS = {
    "title": "title",
    "link": "link",
    "pubDate": "pub_date",
    "guid": "guid",
    "dc:creator": "creator",
    "content:encoded": "content",
    "excerpt:encoded": "excerpt",
    "wp:post_id": "post_id",
    "wp:post_date": "post_date",
    "wp:post_date_gmt": "post_date_gmt",
    "wp:comment_status": "comment_status",
    "wp:post_name": "post_name",
    "wp:status": "status",
    "wp:post_parent": "post_parent",
    "wp:menu_order": "menu_order",
    "wp:post_type": "post_type",
    "wp:post_password": "post_password",
    "wp:is_sticky": "is_sticky",
    "wp:attachment_url": "attachment_url",
}
_COMMENT_FIELDS = {
    "wp:comment_id": "id",
    "wp:comment_author": "author",
    "wp:comment_author_email": "author_email",
    "wp:comment_author_url": "author_url",
    "wp:comment_author_IP": "author_ip",
    "wp:comment_date": "date",
    "wp:comment_date_gmt": "date_gmt",
    "wp:comment_content": "content",
    "wp:comment_approved": "approved",
    "wp:comment_type": "type",
    "wp:comment_parent": "parent",
    "wp:comment_user_id": "user_id",
}
_AUTHOR_FIELDS = {
    "wp:author_login": "login",
    "wp:author_email": "email",
    "wp:author_display_name": "display_name",
    "wp:author_id": "id",
}


def new_item():
    return {"terms": [], "meta": [], "comments": []}


class _Reader:
    def __init__(self):
        self.channel = Channel()
        self.ready = []  # items completed during the last chunk
        self.path = []
        self.text = []
        self.item = None
        self.sub = None  # the author, term, postmeta, comment or commentmeta being read
        self.seen_rss = False
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._refuse_doctype
        parser.EntityDeclHandler = self._refuse_entity
        parser.ExternalEntityRefHandler = self._refuse_external
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._chars
        parser.buffer_text = True
        self.parser = parser

    def _refuse_doctype(self, *args):
        raise WXRError(
            _(
                "The file declares a DOCTYPE. WordPress exports never do, and a DOCTYPE can "
                "make an XML reader expand entities or fetch other files; it is refused."
            )
        )

    def _refuse_entity(self, *args):
        raise WXRError(_("The file declares XML entities; it is refused."))

    def _refuse_external(self, *args):
        raise WXRError(_("The file refers to an external XML entity; it is refused."))

    def _chars(self, data):
        self.text.append(data)

    def _start(self, name, attrs):
        name = _short(name)
        self.path.append(name)
        self.text = []
        depth = len(self.path)
        if depth == 1:
            if name != "rss":
                raise WXRError(_("This is not a WordPress export (no <rss> root element)."))
            self.seen_rss = True
        elif depth == 3 and name == "item" and self.path[1] == "channel":
            if not self.channel.wxr_version:
                raise WXRError(_("This file has no wp:wxr_version: it is not a WordPress export."))
            self.item = new_item()
        elif self.item is not None:
            if depth == 4 and name == "category":
                self.sub = {
                    "domain": attrs.get("domain", "category"),
                    "nicename": attrs.get("nicename", ""),
                }
            elif depth == 4 and name in ("wp:postmeta", "wp:comment"):
                self.sub = {"meta": []} if name == "wp:comment" else {}
            elif depth == 5 and name == "wp:commentmeta":
                self.sub["_meta"] = {}
        elif depth == 3 and name in ("wp:author", "wp:category", "wp:tag"):
            self.sub = {}

    def _end(self, name):
        name = _short(name)
        text = "".join(self.text)
        self.text = []
        depth = len(self.path)
        self.path.pop()
        item = self.item
        if item is not None:
            if depth == 3:  # </item>
                self.ready.append(item)
                self.item = None
            elif depth == 4:
                if name == "category":
                    self.sub["name"] = text
                    item["terms"].append(self.sub)
                elif name == "wp:postmeta":
                    item["meta"].append((self.sub.get("key", ""), self.sub.get("value", "")))
                elif name == "wp:comment":
                    item["comments"].append(self.sub)
                elif name in _ITEM_FIELDS:
                    item[_ITEM_FIELDS[name]] = text
            elif depth == 5:
                parent = self.path[-1]
                if parent == "wp:postmeta":
                    if name == "wp:meta_key":
                        self.sub["key"] = text
                    elif name == "wp:meta_value":
                        self.sub["value"] = text
                elif parent == "wp:comment":
                    if name in _COMMENT_FIELDS:
                        self.sub[_COMMENT_FIELDS[name]] = text
                    elif name == "wp:commentmeta":
                        meta = self.sub.pop("_meta", {})
                        self.sub["meta"].append((meta.get("key", ""), meta.get("value", "")))
            elif depth == 6 and self.path[-1] == "wp:commentmeta":
                key = "key" if name == "wp:meta_key" else "value"
                self.sub.setdefault("_meta", {})[key] = text
            return
        channel = self.channel
        if depth == 3 and self.path[1:] == ["channel"]:
            if name == "wp:wxr_version":
                version = text.strip()
                if version not in SUPPORTED_VERSIONS:
                    raise WXRError(
                        _(
                            "This file says wp:wxr_version “%(version)s”; only WordPress "
                            "exports of version %(supported)s can be read."
                        )
                        % {"version": version[:20], "supported": ", ".join(SUPPORTED_VERSIONS)}
                    )
                channel.wxr_version = version
            elif name == "wp:base_site_url":
                channel.base_site_url = text.strip()
            elif name == "wp:base_blog_url":
                channel.base_blog_url = text.strip()
            elif name == "title":
                channel.title = text.strip()
            elif name == "link":
                channel.link = text.strip()
            elif name == "wp:author" and self.sub is not None:
                login = self.sub.get("login", "")
                if login:
                    channel.authors[login] = self.sub
                self.sub = None
            elif name == "wp:category" and self.sub is not None:
                channel.categories.append(self.sub)
                self.sub = None
            elif name == "wp:tag" and self.sub is not None:
                channel.tags.append(self.sub)
                self.sub = None
        elif depth == 4 and self.sub is not None:
            if name in _AUTHOR_FIELDS:
                self.sub[_AUTHOR_FIELDS[name]] = text
            elif name in ("wp:category_nicename", "wp:tag_slug"):
                self.sub["slug"] = text
            elif name in ("wp:cat_name", "wp:tag_name"):
                self.sub["name"] = text
            elif name == "wp:category_parent":
                self.sub["parent"] = text


def read(path, reader=None):
    """Yield (channel, item) for each <item> of the export at `path`.

    Raises WXRError on a file that is not well-formed, not a WordPress export,
    of an unknown version, or carrying a DOCTYPE or entities — possibly after
    some items were yielded: check(path) reads the whole file first.
    """
    reader = reader or _Reader()
    try:
        with open(path, "rb") as source:
            while chunk := source.read(CHUNK):
                reader.parser.Parse(chunk, False)
                yield from ((reader.channel, item) for item in reader.ready)
                reader.ready = []
            reader.parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise WXRError(
            _("The file is not well-formed XML (%(error)s, line %(line)s, column %(column)s).")
            % {
                "error": expat.errors.messages.get(exc.code, str(exc)),
                "line": exc.lineno,
                "column": exc.offset,
            }
        ) from exc
    yield from ((reader.channel, item) for item in reader.ready)
    if not reader.channel.wxr_version:
        raise WXRError(_("This file has no wp:wxr_version: it is not a WordPress export."))


@dataclass
class Survey:
    """What a whole export holds, read in a first pass before anything is written."""

    channel: Channel
    items: int = 0
    comments: int = 0
    attachments: int = 0
    creators: set = field(default_factory=set)
    # Local minus GMT time of the first item that has both: the site's UTC offset.
    utc_offset: object = None


def check(path, *, on_item=None):
    """Read the whole file; return a Survey, or raise WXRError before any write."""
    from .dates import local_offset

    reader = _Reader()
    survey = Survey(reader.channel)
    for _channel, item in read(path, reader):
        survey.items += 1
        survey.comments += len(item["comments"])
        if item.get("post_type") == "attachment":
            survey.attachments += 1
        if item.get("creator"):
            survey.creators.add(item["creator"])
        if survey.utc_offset is None:
            survey.utc_offset = local_offset(item)
        if on_item:
            on_item(item)
    return survey
