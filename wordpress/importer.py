"""Importing a WordPress export: the passes, what each WordPress object becomes, the report.

1. The whole file is read once (wxr.check) before anything is written: a file
   that is not well-formed, has no valid wp:wxr_version or carries a DOCTYPE
   is refused with nothing stored.
2. Attachments become library images (statements.images' upload path).
3. Posts become statements, with their topics, featured image and comments;
   pages become pages. Each item is one transaction: an interrupted run leaves
   no half-imported statement, and running again finishes it.
4. Links between imported posts are rewritten to the new addresses, comment
   counts and cached pages refreshed (comments.moderation, statements.pages).

Every object is remembered in ImportedObject under (site, kind, WordPress
id); a second run updates what changed in the export and skips the rest.
A dry run takes the same path inside one transaction that is rolled back,
and removes the files it stored.
"""

import contextlib
import hashlib
import html
import ipaddress
import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext, gettext_lazy

from comments import moderation
from comments.models import BODY_MAX, EMAIL_MAX, NAME_MAX, WEBSITE_MAX, Comment
from pages.models import Page
from redirects.models import add_many as add_redirects
from redirects.models import normalize as local_path
from statements import derived, pages
from statements.images import ACCEPTED_EXTENSIONS
from statements.models import Image, Organization, Statement, Topic, unique_slug

from . import dates, media, php, wxr
from .bodies import BodyConverter, plain
from .models import ImportedObject
from .report import CREATED, FAILED, SKIPPED, UPDATED, Report

# Items per transaction: fewer commits, and an interruption loses at most these.
CHUNK_ITEMS = 100
# Changing how objects are converted changes every digest: a re-run then updates.
CONVERSION_VERSION = "1"
POST, PAGE, ATTACHMENT, COMMENT = (k.value for k in ImportedObject.Kind)
SKIPPED_TYPES = {
    "revision": gettext_lazy("revision"),
    "nav_menu_item": gettext_lazy("menu item"),
    "wp_block": gettext_lazy("reusable block"),
    "wp_template": gettext_lazy("template"),
    "wp_template_part": gettext_lazy("template part"),
    "wp_navigation": gettext_lazy("navigation menu"),
    "wp_global_styles": gettext_lazy("global styles"),
    "customize_changeset": gettext_lazy("customizer changeset"),
    "custom_css": gettext_lazy("custom CSS"),
    "oembed_cache": gettext_lazy("embed cache"),
    "user_request": gettext_lazy("privacy request"),
}
TOPIC_DOMAINS = {"category", "post_tag", "tag"}
# WordPress files every post without a category under this one.
DEFAULT_CATEGORY = "uncategorized"
COMMENT_STATES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
IMAGE_SUFFIXES = tuple(f".{ext}" for ext in ACCEPTED_EXTENSIONS)
_LOCAL_HREF = re.compile(r'href="(?P<path>/[^"]*)"')


class ImportRefused(Exception):
    """The options cannot work (an unknown staff account, a bad time zone): nothing written."""


class _DryRun(Exception):
    pass


@dataclass
class Options:
    media_dirs: list = field(default_factory=list)
    fetch_media: bool = False
    fetch_timeout: float = 20
    dry_run: bool = False
    organization: str = ""
    # WordPress login → "user:USERNAME" or "organization:NAME".
    authors: dict = field(default_factory=dict)
    time_zone: str = ""
    address_allowed: object = media.public_only


class Progress:
    """What the importer tells about its progress; the command draws it."""

    def phase(self, name, total, *, comments=None):
        pass

    def advance(self, n=1, *, comments=0):
        pass

    def finish(self):
        pass


def _digest(item, extra=""):
    raw = json.dumps(item, sort_keys=True, ensure_ascii=False) + CONVERSION_VERSION + extra
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _int(value, default=None):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


def _clip(text, limit):
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


class Importer:
    def __init__(self, path, options=None, progress=None):
        self.path = path
        self.options = options or Options()
        self.progress = progress or Progress()
        self.report = Report(dry_run=self.options.dry_run)
        self.media_map = media.MediaMap()
        self.stored_images = []  # saved in this run: their files go if the run is rolled back
        self.link_map = {}  # old local path → new address
        self.redirects = []  # (old address, new address), stored with the item
        self.touched = set()  # statement ids whose comments or pages need a refresh
        self.needs_links = []  # statement ids whose bodies link to old addresses
        self.pages_needing_links = []
        self.topics = {}
        self.page_parents = {}  # page's wp id → its parent's

    # -- the run ------------------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        try:
            with tempfile.TemporaryDirectory(prefix="wordpress-import-") as folder:
                return self._run(Path(folder))
        finally:
            self.report.seconds["total"] = time.monotonic() - started

    def _run(self, folder):
        report = self.report
        # The file is read once, checked whole before anything is written, into
        # two spools of one JSON line per item: later passes read those (faster
        # than XML, and memory stays flat whatever the file's size).
        self.spools = {"media": folder / "media.jsonl", "items": folder / "items.jsonl"}
        try:
            with (
                open(self.spools["media"], "w", encoding="utf-8") as media_spool,
                open(self.spools["items"], "w", encoding="utf-8") as item_spool,
            ):

                def spool(item):
                    out = media_spool if item.get("post_type") == "attachment" else item_spool
                    out.write(json.dumps(item, ensure_ascii=False) + "\n")

                started = time.monotonic()
                self.survey = wxr.check(self.path, on_item=spool)
                report.seconds["check"] = time.monotonic() - started
        except (wxr.WXRError, OSError) as exc:
            report.fatal = str(exc)
            return report
        channel = self.survey.channel
        self.source = channel.site_url
        report.source = self.source
        try:
            self.zone = self._zone()
            self._resolve_authors()
        except ImportRefused as exc:
            report.fatal = str(exc)
            return report
        hosts = {
            urlsplit(u).netloc
            for u in (channel.base_site_url, channel.base_blog_url, channel.link)
        }
        self.converter = BodyConverter(self.media_map, hosts)
        self.content_types = {
            POST: ContentType.objects.get_for_model(Statement),
            PAGE: ContentType.objects.get_for_model(Page),
            ATTACHMENT: ContentType.objects.get_for_model(Image),
            COMMENT: ContentType.objects.get_for_model(Comment),
        }
        outer = transaction.atomic() if self.options.dry_run else contextlib.nullcontext()
        try:
            # Each page the import touches is bumped once, when it ends (statements.pages).
            with outer, pages.batched():
                self._load_mappings()
                for phase, step in (
                    ("media", self._media_pass),
                    ("items", self._content_pass),
                    ("finish", self._finish),
                ):
                    started, cpu = time.monotonic(), time.process_time()
                    step()
                    report.seconds[phase] = time.monotonic() - started
                    report.cpu_seconds[phase] = time.process_time() - cpu
                if self.options.dry_run:
                    raise _DryRun
        except _DryRun:
            self._remove_stored_files()
        except BaseException:
            if self.options.dry_run:
                self._remove_stored_files()
            raise
        finally:
            self.progress.finish()
        return report

    def _spooled(self, name):
        with open(self.spools[name], encoding="utf-8") as spool:
            for line in spool:
                yield json.loads(line)

    def _remove_stored_files(self):
        for image in self.stored_images:
            image.delete_files()

    def _zone(self):
        if self.options.time_zone:
            try:
                return ZoneInfo(self.options.time_zone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise ImportRefused(
                    gettext("unknown time zone “%(zone)s”") % {"zone": self.options.time_zone}
                ) from exc
        if self.survey.utc_offset is not None:
            return self.survey.utc_offset
        return ZoneInfo(settings.TIME_ZONE)

    def _load_mappings(self):
        self.mappings = {POST: {}, PAGE: {}, ATTACHMENT: {}, COMMENT: {}}
        rows = ImportedObject.objects.filter(source=self.source).values_list(
            "kind", "wp_id", "object_id", "digest"
        )
        for kind, wp_id, object_id, digest in rows.iterator(chunk_size=5000):
            self.mappings.setdefault(kind, {})[wp_id] = (object_id, digest)

    def _remember(self, kind, wp_id, obj, digest=""):
        fields = {"content_type": self.content_types[kind], "object_id": obj.pk, "digest": digest}
        if wp_id in self.mappings[kind]:
            ImportedObject.objects.filter(source=self.source, kind=kind, wp_id=wp_id).update(
                **fields
            )
        else:
            ImportedObject.objects.create(source=self.source, kind=kind, wp_id=wp_id, **fields)
        self.mappings[kind][wp_id] = (obj.pk, digest)

    # -- authors ------------------------------------------------------------------------

    def _resolve_authors(self):
        channel = self.survey.channel
        logins = set(channel.authors) | self.survey.creators
        default_name = (
            self.options.organization
            or channel.title
            or urlsplit(self.source).netloc
            or "WordPress"
        )
        self.default_organization = self._organization(default_name)
        User = get_user_model()
        self.authors = {}
        for login, spec in self.options.authors.items():
            kind, _, name = spec.partition(":")
            if kind == "user":
                user = User.objects.filter(username=name, is_staff=True).first()
                if user is None:
                    raise ImportRefused(
                        gettext("no staff account “%(name)s” (for WordPress author %(login)s)")
                        % {"name": name, "login": login}
                    )
                self.authors[login] = (user, self.default_organization)
            elif kind in ("organization", "org"):
                self.authors[login] = (None, self._organization(name))
            else:
                raise ImportRefused(
                    gettext("author mapping “%(mapping)s”: say user:USERNAME or organization:NAME")
                    % {"mapping": f"{login}={spec}"}
                )
        for login in sorted(logins):
            user, org = self.authors.get(login, (None, self.default_organization))
            self.authors.setdefault(login, (user, org))
            if user:
                self.report.authors[login] = gettext(
                    "user %(username)s, byline %(organization)s"
                ) % {"username": user.get_username(), "organization": org.name}
            else:
                self.report.authors[login] = gettext("byline %(organization)s") % {
                    "organization": org.name
                }

    def _organization(self, name):
        name = _clip(name.strip(), 200)
        organization = Organization.objects.filter(name=name).first()
        if organization is None:
            organization = Organization(
                name=name, slug=unique_slug(Organization, name, fallback="organization")
            )
            organization.save()
        return organization

    # -- media --------------------------------------------------------------------------

    def _media_pass(self):
        self.progress.phase("media", self.survey.attachments)
        for item in self._spooled("media"):
            self._prepare(item)
            try:
                self._import_attachment(item)
            finally:
                self.progress.advance()

    def _prepare(self, item):
        meta = {}
        for key, value in item["meta"]:
            meta.setdefault(key, value)
        item["meta_dict"] = meta
        item["wp_id"] = _int(item.get("post_id"))

    def _import_attachment(self, item):
        report, wp_id = self.report, item["wp_id"]
        title = plain(item.get("title"))
        metadata = php.maybe_loads(item["meta_dict"].get("_wp_attachment_metadata", ""))
        paths = media.file_paths(item, metadata)
        parent = _int(item.get("post_parent"), 0)
        url = item.get("attachment_url") or item.get("guid") or ""
        known = self.mappings[ATTACHMENT].get(wp_id)
        if known:
            image = Image.objects.filter(pk=known[0]).first()
            if image is not None:
                self.media_map.add(wp_id, image, paths, parent)
                self._media_redirects(item, image, paths)
                self._flush_redirects()
                report.count(ATTACHMENT, SKIPPED)
                return
        if not paths:
            report.add(
                ATTACHMENT,
                FAILED,
                gettext("no file address in the export"),
                wp_id=wp_id,
                title=title,
            )
            return
        try:
            data = self._media_bytes(paths[0], url)
        except media.MediaError as exc:
            report.add(ATTACHMENT, FAILED, str(exc), wp_id=wp_id, title=title)
            return
        image_meta = metadata.get("image_meta", {}) if isinstance(metadata, dict) else {}
        image_meta = image_meta if isinstance(image_meta, dict) else {}
        meta = item["meta_dict"]
        credit = plain(meta.get("_media_credit") or image_meta.get("credit") or "")
        copyright_ = plain(str(image_meta.get("copyright") or ""))
        if not credit and copyright_:
            credit = copyright_ if copyright_.startswith("©") else f"© {copyright_}"
        alt = plain(meta.get("_wp_attachment_image_alt", ""))
        if not alt:
            alt = title or paths[0].rsplit("/", 1)[-1]
            report.note(
                ATTACHMENT,
                gettext("no alt text: the title stands in, to check"),
                wp_id=wp_id,
                title=title,
            )
        credit_url = (meta.get("_media_credit_url") or "").strip()
        image = Image(
            file=ContentFile(data, name=paths[0].rsplit("/", 1)[-1]),
            alt_text=_clip(alt, 300),
            caption=_clip(plain(item.get("excerpt")), 500),
            credit=_clip(credit, 200),
            credit_url=credit_url
            if credit_url.startswith(("http://", "https://")) and len(credit_url) <= 500
            else "",
        )
        try:
            image.full_clean()
        except ValidationError as exc:
            reason = " ".join(m for messages in exc.message_dict.values() for m in messages)
            report.add(
                ATTACHMENT,
                FAILED,
                gettext("refused by the image library: %(reason)s") % {"reason": reason},
                wp_id=wp_id,
                title=title,
            )
            return
        saved = False
        try:
            with transaction.atomic():
                image.save()
                saved = True
                self._remember(ATTACHMENT, wp_id, image)
                self._media_redirects(item, image, paths)
                self._flush_redirects()
        except BaseException:
            if saved:
                image.delete_files()
            raise
        self.stored_images.append(image)
        self.media_map.add(wp_id, image, paths, parent)
        report.count(ATTACHMENT, CREATED)

    def _media_bytes(self, relative, url):
        max_bytes = settings.IMAGE_MAX_BYTES
        data = media.read_local(self.options.media_dirs, relative, max_bytes)
        if data is not None:
            return data
        if not self.options.fetch_media:
            where = ", ".join(str(d) for d in self.options.media_dirs) or gettext(
                "no --media-dir given"
            )
            raise media.MediaError(
                gettext("missing media file %(file)s (%(where)s; --fetch-media downloads it)")
                % {"file": relative, "where": where}
            )
        return media.fetch(
            url,
            timeout=self.options.fetch_timeout,
            max_bytes=max_bytes,
            address_allowed=self.options.address_allowed,
        )

    def _media_redirects(self, item, image, paths):
        for url in {item.get("attachment_url") or "", item.get("guid") or ""}:
            if url and urlsplit(url).path.lower().endswith(IMAGE_SUFFIXES):
                self._redirect(url, image.file.url)
        base = (item.get("attachment_url") or "").rsplit("/", 1)[0]
        for path in paths[1:]:
            if base:
                self._redirect(f"{base}/{path.rsplit('/', 1)[-1]}", image.file.url)
        if item.get("link"):
            self._redirect(item["link"], image.file.url)
        self._redirect(f"/?attachment_id={item['wp_id']}", image.file.url)

    # -- posts and pages ----------------------------------------------------------------

    def _content_pass(self):
        self.progress.phase(
            "items", self.survey.items - self.survey.attachments, comments=self.survey.comments
        )
        chunk = []
        for item in self._spooled("items"):
            chunk.append(item)
            if len(chunk) >= CHUNK_ITEMS:
                self._content_chunk(chunk)
                chunk = []
        if chunk:
            self._content_chunk(chunk)

    def _content_chunk(self, items):
        """One transaction for a few items: an interruption loses none half-imported."""
        self.new_links = []  # (statement, organizations, topics) of statements made here
        self.new_comments = []  # (statement id, comments, known parents)
        self.pending_comment_ids = set()
        with transaction.atomic():
            for item in items:
                self._prepare(item)
                try:
                    self._content_item(item)
                finally:
                    self.progress.advance(comments=len(item["comments"]))
            self._store_new_links()
            self._store_new_comments()
            self._flush_redirects()

    def _content_item(self, item):
        post_type = item.get("post_type", "post")
        if post_type == "post":
            self._import_post(item)
        elif post_type == "page":
            self._import_page(item)
        else:
            what = SKIPPED_TYPES.get(post_type)
            reason = (
                gettext("%(what)s (not imported)") % {"what": what}
                if what
                else gettext("unknown post type “%(type)s”") % {"type": post_type}
            )
            self.report.add(
                "other", SKIPPED, reason, wp_id=item["wp_id"], title=plain(item.get("title"))
            )

    def _store_new_links(self):
        """New statements' organizations and topics in two INSERTs, then their labels.

        Written past the m2m signals (statements.derived asks callers that do
        so to refresh labels themselves), since one statement at a time costs
        each four more queries; the pages are refreshed when the import ends.
        """
        if not self.new_links:
            return
        organization_links, topic_links, linked = [], [], {}
        for statement, organizations, topics in self.new_links:
            organization_links += [
                Statement.organizations.through(statement_id=statement.pk, organization_id=o.pk)
                for o in organizations
            ]
            topic_links += [
                Statement.topics.through(statement_id=statement.pk, topic_id=t.pk) for t in topics
            ]
            linked.update({(type(o), o.pk): o for o in (*organizations, *topics)})
        Statement.organizations.through.objects.bulk_create(organization_links)
        Statement.topics.through.objects.bulk_create(topic_links)
        ids = [statement.pk for statement, _, _ in self.new_links]
        derived.refresh_labels(ids)
        pages.links_changed(ids, list(linked.values()))
        self.new_links = []

    def _importable(self, kind, item, title, status):
        """False, and reported, for an item with no id or in the trash."""
        if item["wp_id"] is None:
            self.report.add(kind, FAILED, gettext("no wp:post_id"), title=title)
            return False
        if status == "trash":
            self.report.add(
                kind,
                SKIPPED,
                gettext("in the trash (not imported)"),
                wp_id=item["wp_id"],
                title=title,
            )
            return False
        return True

    def _import_page(self, item):
        """A WordPress page becomes a site page (pages app); its parent is linked at the end."""
        report, wp_id = self.report, item["wp_id"]
        title, status = plain(item.get("title")), (item.get("status") or "").strip()
        if not self._importable(PAGE, item, title, status):
            return
        digest = _digest({k: v for k, v in item.items() if k != "meta_dict"})
        known = self.mappings[PAGE].get(wp_id)
        page = Page.objects.filter(pk=known[0]).first() if known else None
        parent = _int(item.get("post_parent"), 0)
        if parent:
            self.page_parents[wp_id] = parent
        if page is not None and known[1] == digest:
            self._register_page_links(item, page)
            report.count(PAGE, SKIPPED)
            return
        creating = page is None
        page = page or Page()
        notes = []
        page.title = _clip(title, 255) or f"Untitled #{wp_id}"
        if creating:
            page.slug = self._slug(item, notes, model=Page, fallback=f"page-{wp_id}")
            notes.append(
                gettext("not in a menu yet: add it to the header or footer menu in the admin")
            )
        converted = self.converter.convert(item.get("content") or "", post_id=wp_id)
        notes.extend(converted.notes)
        page.body = converted.html
        protected = bool((item.get("post_password") or "").strip())
        page.status = (
            Page.Status.PUBLISHED if status == "publish" and not protected else Page.Status.DRAFT
        )
        if status == "private":
            notes.append(gettext("private in WordPress: imported as a draft"))
        if protected:
            notes.append(gettext("password-protected in WordPress: imported as a draft"))
        with transaction.atomic():
            page.save()
            self._remember(PAGE, wp_id, page, digest)
            self._register_page_links(item, page)
            for old in self._old_addresses(item, "page_id"):
                self._redirect(old, page.get_absolute_url())
        if converted.internal_links:
            self.pages_needing_links.append(page.pk)
        report.count(PAGE, CREATED if creating else UPDATED)
        for note in dict.fromkeys(notes):
            report.note(PAGE, note, wp_id=wp_id, title=page.title)

    def _register_page_links(self, item, page):
        for old in self._old_addresses(item, "page_id"):
            self.link_map[old] = page.get_absolute_url()

    def _link_page_parents(self):
        """After every page is in: the order of the file does not matter."""
        for wp_id, parent_wp_id in self.page_parents.items():
            child, parent = self.mappings[PAGE].get(wp_id), self.mappings[PAGE].get(parent_wp_id)
            if child is None:
                continue
            if parent is None:
                self.report.note(
                    PAGE,
                    gettext("parent page #%(id)s is not in the export") % {"id": parent_wp_id},
                    wp_id=wp_id,
                )
                continue
            page = Page.objects.filter(pk=child[0]).first()
            if page is not None and page.parent_id != parent[0]:
                page.parent_id = parent[0]
                page.save()

    def _when(self, item):
        moment = dates.aware(item.get("post_date_gmt"), item.get("post_date"), self.zone)
        if moment is None:
            moment = _rfc822(item.get("pub_date"))
        return moment

    def _import_post(self, item):
        report, wp_id = self.report, item["wp_id"]
        title, status = plain(item.get("title")), (item.get("status") or "").strip()
        if not self._importable(POST, item, title, status):
            return
        login = (item.get("creator") or "").strip()
        user, organization = self.authors.get(login, (None, self.default_organization))
        digest = _digest(
            {k: v for k, v in item.items() if k != "meta_dict"},
            f"{user and user.pk}:{organization.pk}",
        )
        known = self.mappings[POST].get(wp_id)
        statement = Statement.objects.filter(pk=known[0]).first() if known else None
        if statement is not None and known[1] == digest:
            self._register_links(item, statement)
            report.count(POST, SKIPPED)
            report.count(COMMENT, SKIPPED, len(item["comments"]))
            return
        creating = statement is None
        statement = statement or Statement()
        notes = []
        statement.title = _clip(title, 255) or f"Untitled #{wp_id}"
        if not title:
            notes.append(gettext("no title: “Untitled” stands in"))
        if creating:
            statement.slug = self._slug(item, notes)
        statement.summary = _clip(plain(item.get("excerpt")), 500)
        converted = self.converter.convert(item.get("content") or "", post_id=wp_id)
        notes.extend(converted.notes)
        statement.body = converted.html
        moment = self._when(item)
        if status in ("publish", "future"):
            statement.status = Statement.Status.PUBLISHED
            if status == "future":
                notes.append(gettext("scheduled"))
        else:
            statement.status = Statement.Status.DRAFT
            if status == "private":
                notes.append(
                    gettext(
                        "private in WordPress: imported as a draft (there are no private "
                        "statements)"
                    )
                )
            elif status not in ("draft", "pending", "auto-draft"):
                notes.append(
                    gettext("status “%(status)s”: imported as a draft") % {"status": status}
                )
        if (item.get("post_password") or "").strip():
            if statement.status == Statement.Status.PUBLISHED:
                statement.status = Statement.Status.DRAFT
            notes.append(gettext("password-protected in WordPress: imported as a draft"))
        if moment is None:
            moment = timezone.now()
            notes.append(gettext("no date in the export: the time of the import stands in"))
        statement.publish_at = moment
        local = dates.parse(item.get("post_date"))
        statement.statement_date = local.date() if local else timezone.localtime(moment).date()
        statement.comments_open = (item.get("comment_status") or "open") == "open"
        statement.author = user
        thumbnail = _int(item["meta_dict"].get("_thumbnail_id"))
        if thumbnail:
            statement.featured_image = self.media_map.by_id(thumbnail)
            if statement.featured_image is None:
                notes.append(
                    gettext("featured image #%(id)s is not in the library") % {"id": thumbnail}
                )
        if item.get("is_sticky", "0").strip() == "1":
            notes.append(gettext("sticky in WordPress (noted; statements are listed by date)"))
        with transaction.atomic():
            statement.save()
            if creating:
                self.new_links.append((statement, [organization], self._topics(item)))
            else:
                statement.organizations.set([organization])
                statement.topics.set(self._topics(item))
            self._import_comments(item, statement)
            self._remember(POST, wp_id, statement, digest)
            self._post_redirects(item, statement)
        if converted.internal_links:
            self.needs_links.append(statement.pk)
        self.touched.add(statement.pk)
        report.count(POST, CREATED if creating else UPDATED)
        for note in dict.fromkeys(notes):
            report.note(POST, note, wp_id=wp_id, title=statement.title)

    def _slug(self, item, notes, *, model=Statement, fallback=None):
        fallback = fallback or f"post-{item['wp_id']}"
        raw = (item.get("post_name") or "").strip()
        decoded = unquote(raw)
        base = slugify(decoded) or slugify(plain(item.get("title"))) or fallback
        base = base[:190].strip("-")
        slug = unique_slug(model, base, fallback=fallback)
        if decoded and slugify(decoded) != decoded.lower():
            notes.append(
                gettext("slug “%(old)s” became “%(new)s”") % {"old": decoded, "new": slug}
            )
        elif slug != base:
            notes.append(
                gettext("slug “%(old)s” was taken: “%(new)s”") % {"old": base, "new": slug}
            )
        return slug

    def _topics(self, item):
        found = []
        for term in item["terms"]:
            if term.get("domain") not in TOPIC_DOMAINS:
                continue
            slug = slugify(unquote(term.get("nicename") or "")) or slugify(term.get("name") or "")
            name = plain(term.get("name"))
            if not name or slug == DEFAULT_CATEGORY:
                continue
            found.append(self._topic(slug, name))
        return list({t.pk: t for t in found}.values())

    def _topic(self, slug, name):
        key = slug or name
        if key not in self.topics:
            topic = (
                Topic.objects.filter(slug=slug).first()
                or Topic.objects.filter(name__iexact=_clip(name, 100)).first()
            )
            if topic is None:
                topic = Topic(
                    name=_clip(name, 100),
                    slug=unique_slug(Topic, slug or name, max_length=100, fallback="topic"),
                )
                topic.save()
            self.topics[key] = topic
        return self.topics[key]

    # -- comments -----------------------------------------------------------------------

    def _import_comments(self, item, statement):
        report = self.report
        known = self.mappings[COMMENT]
        present = {_int(c.get("id")) for c in item["comments"]}
        new = []
        for raw in item["comments"]:
            wp_id = _int(raw.get("id"))
            kind = (raw.get("type") or "").strip()
            who = plain(raw.get("author"))[:60]
            if wp_id is None:
                report.add(COMMENT, FAILED, gettext("no wp:comment_id"), title=who)
                continue
            if kind in ("pingback", "trackback"):
                report.add(
                    COMMENT,
                    SKIPPED,
                    gettext("%(what)s (not imported)") % {"what": kind},
                    wp_id=wp_id,
                    title=who,
                )
                present.discard(wp_id)
                continue
            if kind not in ("", "comment"):
                report.add(
                    COMMENT,
                    SKIPPED,
                    gettext("comment type “%(type)s” (not imported)") % {"type": kind},
                    wp_id=wp_id,
                    title=who,
                )
                present.discard(wp_id)
                continue
            if wp_id in known or wp_id in self.pending_comment_ids:
                report.count(COMMENT, SKIPPED)
                continue
            self.pending_comment_ids.add(wp_id)
            comment, reason = self._comment(raw)
            if comment is None:
                report.add(COMMENT, FAILED, reason, wp_id=wp_id, title=who)
                present.discard(wp_id)
                continue
            comment.import_key = wp_id
            parent = _int(raw.get("parent"), 0) or None
            if parent is not None and parent not in present:
                report.note(
                    COMMENT,
                    gettext("reply to a comment not in the export: shown as top-level"),
                    wp_id=wp_id,
                    title=who,
                )
                parent = None
            comment.import_parent_key = parent
            new.append(comment)
        if not new:
            return
        known_parents = {key: known[key][0] for key in present if key in known}
        self.new_comments.append((statement.pk, new, known_parents))

    def _store_new_comments(self):
        """Every comment of the chunk's statements, a thread level per INSERT."""
        if not self.new_comments:
            return
        stored = moderation.add_imported_many(self.new_comments, refresh=False)
        content_type = self.content_types[COMMENT]
        ImportedObject.objects.bulk_create(
            [
                ImportedObject(
                    source=self.source,
                    kind=COMMENT,
                    wp_id=key,
                    content_type=content_type,
                    object_id=pk,
                )
                for (_, key), pk in stored.items()
            ],
            batch_size=500,
        )
        known = self.mappings[COMMENT]
        for (_, key), pk in stored.items():
            known[key] = (pk, "")
        self.report.count(COMMENT, CREATED, len(stored))
        # In the chunk's transaction: a run interrupted later leaves the counts right.
        moderation.refresh_comment_counts(
            [statement_id for statement_id, _, _ in self.new_comments]
        )
        self.new_comments = []

    def _comment(self, raw):
        state = (raw.get("approved") or "0").strip()
        status = COMMENT_STATES.get(state)
        if status is None:
            status = Comment.Status.PENDING
        body = _comment_body(raw.get("content") or "")
        if not body:
            return None, gettext("empty comment")
        if len(body) > BODY_MAX:
            return None, gettext("longer than %(max)s characters") % {"max": BODY_MAX}
        created = dates.aware(raw.get("date_gmt"), raw.get("date"), self.zone) or timezone.now()
        website = (raw.get("author_url") or "").strip()
        if not website.lower().startswith(("http://", "https://")) or len(website) > WEBSITE_MAX:
            website = ""
        email = (raw.get("author_email") or "").strip()
        if len(email) > EMAIL_MAX or "@" not in email:
            email = ""
        ip = (raw.get("author_ip") or "").strip()
        try:
            ip = str(ipaddress.ip_address(ip)) if ip else None
        except ValueError:
            ip = None
        name = _CONTROL.sub("", plain(raw.get("author"))) or "Anonymous"
        comment = Comment(
            name=_clip(name, NAME_MAX),
            email=email,
            website=website,
            body=body,
            status=status,
            created_at=created,
            ip_address=ip,
        )
        return comment, ""

    # -- addresses ----------------------------------------------------------------------

    def _redirect(self, old_url, new_url):
        self.redirects.append((local_path(old_url), new_url))

    def _flush_redirects(self):
        if self.redirects:
            note = f"WordPress import of {self.source}"[:200]
            self.report.redirects += add_redirects(self.redirects, note)
            self.redirects = []

    def _archive_redirects(self):
        """/category/<slug>/ (with its parents' slugs before it) and /tag/<slug>/ → the topic."""
        channel = self.survey.channel
        parents = {c.get("slug", ""): c.get("parent", "") for c in channel.categories}
        for kind, terms in (("category", channel.categories), ("tag", channel.tags)):
            for term in terms:
                raw = term.get("slug", "")
                topic = self.topics.get(slugify(unquote(raw)))
                if topic is None:
                    continue
                chain, seen = [raw], set()
                while kind == "category" and parents.get(chain[0]) and chain[0] not in seen:
                    seen.add(chain[0])
                    chain.insert(0, parents[chain[0]])
                self._redirect(f"/{kind}/{'/'.join(chain)}/", topic.get_absolute_url())
        self._flush_redirects()

    def _register_links(self, item, statement):
        url = statement.get_absolute_url()
        for old in self._old_addresses(item, "p"):
            self.link_map[old] = url

    def _old_addresses(self, item, query_key):
        prefix = urlsplit(self.source).path.rstrip("/")
        addresses = [f"{prefix}/?{query_key}={item['wp_id']}"]
        link = (item.get("link") or "").strip()
        if link:
            addresses.append(link)
            raw_slug = (item.get("post_name") or "").strip()
            path = urlsplit(link).path
            for key, value in item["meta"]:
                if key == "_wp_old_slug" and value.strip() and raw_slug and raw_slug in path:
                    addresses.append(path.replace(raw_slug, value.strip()))
        return list(dict.fromkeys(local_path(address) for address in addresses))

    def _post_redirects(self, item, statement):
        self._register_links(item, statement)
        url = statement.get_absolute_url()
        for old in self._old_addresses(item, "p"):
            self._redirect(old, url)

    # -- afterwards ---------------------------------------------------------------------

    def _finish(self):
        self._link_page_parents()
        self._archive_redirects()
        self._rewrite_links()
        ids = sorted(self.touched)
        for start in range(0, len(ids), 500):
            pages.statements_changed(ids[start : start + 500])

    def _rewrite_links(self):
        def rewrite(match):
            address, _, fragment = html.unescape(match["path"]).partition("#")
            path = local_path(address)
            target = self.link_map.get(path)
            if target is None and "?" not in path and not path.endswith("/"):
                target = self.link_map.get(path + "/")
            if target is None:
                return match.group(0)
            return f'href="{target}#{fragment}"' if fragment else f'href="{target}"'

        for model, ids in ((Statement, self.needs_links), (Page, self.pages_needing_links)):
            for obj in model.objects.filter(pk__in=ids):
                body = _LOCAL_HREF.sub(rewrite, obj.body)
                if body != obj.body:
                    obj.body = body
                    obj.save()


def _comment_body(content):
    text = re.sub(r"<br\s*/?>", "\n", content, flags=re.IGNORECASE)
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(
        r'<a\b[^>]*href="([^"]*)"[^>]*>(.*?)</a>',
        lambda m: (
            m.group(2) if m.group(2).strip() == m.group(1) else f"{m.group(2)} ({m.group(1)})"
        ),
        text,
        flags=re.IGNORECASE | re.DOTALL,
    )
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return _CONTROL.sub("", text).strip()


def _rfc822(value):
    from email.utils import parsedate_to_datetime

    try:
        moment = parsedate_to_datetime(value or "")
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.year < 1970:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
