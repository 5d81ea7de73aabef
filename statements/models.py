from django.conf import settings
from django.contrib.postgres.search import (
    SearchQuery,
    SearchVector,
    SearchVectorField,
)
from django.core.validators import FileExtensionValidator
from django.db import connections, models
from django.db.models import Case, Count, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from advocacy.db import length_limits
from advocacy.prepared import Param, PreparedQuery

from . import images, languages, translations
from .images import validate_image_file
from .sanitize import sanitize_html


def unique_slug(model, text, *, exclude_pk=None, max_length=200, fallback="item"):
    """An ASCII slug for `text`, unique within `model`.

    Django's slugify transliterates what NFKD can (é → e) and drops the rest;
    a title with no Latin letters at all falls back to `fallback`.
    """
    base = slugify(text)[: max_length - 8].strip("-") or fallback
    slug, n = base, 2
    others = (
        model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager
    )
    while others.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    initials = models.CharField(
        _("initials"),
        max_length=8,
        help_text=_("Signs your editor's notes, e.g. “jb” renders as [jb]."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        constraints = length_limits("staffprofile", initials=8)

    def __str__(self):
        return self.initials


class LabelQuerySet(models.QuerySet):
    """Organizations and topics, as their index pages list them."""

    def with_published_counts(self):
        """Those with published statements, each with `published_count` (one query)."""
        relation = "organizations" if self.model is Organization else "topics"
        counts = (
            Statement.objects.published()
            .filter(**{relation: OuterRef("pk")})
            .order_by()
            .values(relation)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(published_count=Subquery(counts)).filter(published_count__gt=0)


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        constraints = length_limits("organization", name=200, slug=200, url=500, description=2000)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("statements:organization", kwargs={"slug": self.slug})


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)

    objects = LabelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        constraints = length_limits("topic", name=100, slug=100, description=2000)

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("statements:topic", kwargs={"slug": self.slug})


def image_upload_to(instance, filename):
    # Image.save has images.store_upload write every upload under a name of its
    # own. Should Django ever save a file through the field itself, the name is
    # still generated, and the content, not `filename`, decides the suffix.
    return images.library_name(images.format_of(instance.file))


class Image(models.Model):
    file = models.ImageField(
        _("file"),
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        validators=[
            FileExtensionValidator(images.ACCEPTED_EXTENSIONS),
            validate_image_file,
        ],
        help_text=images.FORMATS_SENTENCE,
    )
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    # Smaller copies, made by a task after the upload: [{"width", "height", "format", "name"}].
    renditions = models.JSONField(default=list, editable=False)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("Describe what the picture shows for people who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(
        _("credit"), max_length=200, blank=True, help_text=_("For example “© Reuters / Jane Doe”.")
    )
    credit_url = models.URLField(_("credit link"), max_length=500, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        verbose_name=_("uploaded by"),
    )

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = length_limits("image", alt_text=300, caption=500, credit=200, credit_url=500)

    def __str__(self):
        return self.caption or self.alt_text

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.store_upload(self.file.file)
        super().save(*args, **kwargs)
        if getattr(self, "_copies_wanted", False):
            self._copies_wanted = False
            self.queue_renditions()

    def queue_renditions(self):
        """The smaller copies are made by a task; until then pages show the original."""
        from background.tasks import make_image_renditions

        result = make_image_renditions.enqueue(self.pk)
        if result.is_finished:  # a backend that runs tasks at once (the tests')
            self.refresh_from_db(fields=["renditions"])

    def store_upload(self, upload):
        """Have statements.images store `upload`; point this image at what it wrote.

        A credit or caption found in the photo's metadata fills an empty field,
        for the editor to confirm (prefilled_from_metadata names them).
        """
        stored = images.store_upload(upload, self.file.storage)
        self.prefilled_from_metadata = []
        for field_name in ("credit", "caption"):
            if stored.metadata.get(field_name) and not getattr(self, field_name):
                max_length = self._meta.get_field(field_name).max_length
                setattr(self, field_name, stored.metadata[field_name][:max_length])
                self.prefilled_from_metadata.append(field_name)
        # Point the field at the stored file, not at the upload still in memory.
        self.file = stored.name
        self.renditions = []
        self._copies_wanted = True
        self.width, self.height = stored.width, stored.height

    def stored_names(self):
        """Every file this image keeps in storage: the original and its copies."""
        return [self.file.name, *(r["name"] for r in self.renditions)] if self.file else []

    def delete_files(self):
        storage = self.file.storage
        for name in self.stored_names():
            if storage.exists(name):
                storage.delete(name)

    def _renditions_of(self, fmt):
        return [r for r in self.renditions if r["format"] == fmt]

    def srcset(self, fmt):
        storage = self.file.storage
        return ", ".join(
            f"{storage.url(r['name'])} {r['width']}w" for r in self._renditions_of(fmt)
        )

    @property
    def srcset_webp(self):
        return self.srcset("webp")

    @property
    def srcset_original(self):
        return self.srcset(self._original_format())

    def _original_format(self):
        formats = {r["format"] for r in self.renditions} - {"webp"}
        return formats.pop() if formats else "webp"

    def rendition_url(self, max_width):
        """The largest copy in the original format no wider than max_width."""
        fitting = [
            r for r in self._renditions_of(self._original_format()) if r["width"] <= max_width
        ] or self._renditions_of(self._original_format())[:1]
        if not fitting:
            return self.file.url
        return self.file.storage.url(max(fitting, key=lambda r: r["width"])["name"])

    @property
    def display_url(self):
        return self.rendition_url(1600)

    @property
    def thumbnail_url(self):
        return self.rendition_url(480)


# PostgreSQL full-text search: each statement is indexed with its language's
# configuration (statements.languages), named in the SQL, so the stored vectors
# and the queries always agree whatever the server's default.


def _search_config_of_row():
    configs = sorted({languages.search_config(code) for code, _name in languages.choices()})
    return Case(
        *(
            When(language__in=languages.codes_for_config(config), then=Value(config))
            for config in configs
            if config != languages.FALLBACK_SEARCH_CONFIG
        ),
        default=Value(languages.FALLBACK_SEARCH_CONFIG),
    )


def search_vector():
    config = _search_config_of_row()
    return (
        SearchVector("title", weight="A", config=config)
        + SearchVector("summary", weight="B", config=config)
        + SearchVector("body_text", weight="C", config=config)
    )


class StatementQuerySet(models.QuerySet):
    def published(self, now=None):
        """What visitors may see: published, and its publish time has come (by `now`)."""
        now = timezone.now() if now is None else now
        return self.filter(status=Statement.Status.PUBLISHED, publish_at__lte=now)

    def scheduled(self):
        return self.filter(status=Statement.Status.PUBLISHED, publish_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Statement.Status.DRAFT)

    def for_listing(self):
        """Everything a list of statements shows, in one query (bylines: Statement.labels)."""
        return self.select_related("featured_image")

    def for_detail(self):
        """The statement page's statement; what surrounds it: Statement.page_relations().

        The page itself reads it with Statement.objects.for_page(), the same
        query compiled once.
        """
        return self.select_related("featured_image").defer(*_NOT_ON_THE_PAGE)

    def for_page(self, slug, *, drafts=False):
        """The statement at `slug` as its page shows it (for_detail()), or None.

        Published ones only, unless `drafts` (staff previews).
        """
        query = _PAGE_STATEMENT_WITH_DRAFTS if drafts else _PAGE_STATEMENT
        rows = query.rows(slug=slug, now=timezone.now(), using=self.db)
        if not rows:
            return None
        row = rows[0]
        statement = Statement.from_db(self.db, _PAGE_FIELDS, row[: len(_PAGE_FIELDS)])
        image = None
        if statement.featured_image_id is not None:
            image = Image.from_db(self.db, _IMAGE_FIELDS, row[len(_PAGE_FIELDS) :])
        Statement.featured_image.field.set_cached_value(statement, image)
        return statement

    # Listing order is (publish_at, pk). Range conditions (not an OR), so the
    # database walks the listing index from the given point and stops at the
    # first row. The point may be values or OuterRef()s.
    def before(self, publish_at, pk):
        """Statements listed before the point, nearest first."""
        return (
            self.filter(publish_at__lte=publish_at)
            .exclude(publish_at=publish_at, pk__gte=pk)
            .order_by("-publish_at", "-pk")
        )

    def after(self, publish_at, pk):
        """Statements listed after the point, nearest first."""
        return (
            self.filter(publish_at__gte=publish_at)
            .exclude(publish_at=publish_at, pk__lte=pk)
            .order_by("publish_at", "pk")
        )

    def with_neighbours(self):
        """Annotate the previous and next published statement's slug and title."""
        published = Statement.objects.published()
        earlier = published.before(OuterRef("publish_at"), OuterRef("pk"))
        later = published.after(OuterRef("publish_at"), OuterRef("pk"))
        return self.annotate(
            previous_slug=Subquery(earlier.values("slug")[:1]),
            previous_title=Subquery(earlier.values("title")[:1]),
            next_slug=Subquery(later.values("slug")[:1]),
            next_title=Subquery(later.values("title")[:1]),
        )

    def in_language(self, code):
        return self.filter(language=code)

    def count_by_language(self):
        """[(language, number of statements)], the most used first."""
        return list(
            self.order_by()
            .values("language")
            .annotate(n=Count("pk"))
            .order_by("-n", "language")
            .values_list("language", "n")
        )

    def search(self, query, *, language=None):
        """Statements matching `query`, in `language` only if given.

        On PostgreSQL the query is read as each language reads it: stemmed by
        the configuration its statements are indexed with, one condition per
        configuration in use (each one uses the search index).
        """
        query = query.strip()
        if not query:
            return self.none()
        if language:
            self = self.in_language(language)
        if connections[self.db].vendor == "postgresql":
            codes = [language] if language else languages.in_use(using=self.db)
            configs = sorted({languages.search_config(code) for code in codes})
            condition = Q(pk__in=[])
            for config in configs:
                search_query = SearchQuery(query, search_type="websearch", config=config)
                condition |= Q(
                    language__in=[c for c in codes if languages.search_config(c) == config],
                    search_vector=search_query,
                )
            # Newest first, as on SQLite: ranking every match would cost time in
            # proportion to how common the words are; the date order lets the
            # database stop after one page of matches.
            return self.filter(condition)
        terms = query.split()[:10]
        condition = Q()
        for term in terms:
            condition &= (
                Q(title__icontains=term)
                | Q(summary__icontains=term)
                | Q(body_text__icontains=term)
            )
        return self.filter(condition)


class Statement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(
        _("slug"),
        max_length=200,
        unique=True,
        help_text=_("The web address of the statement (letters, digits and hyphens)."),
    )
    organizations = models.ManyToManyField(
        Organization,
        related_name="statements",
        verbose_name=_("organizations"),
        help_text=_("Shown as “Statement by X, Y and Z”."),
    )
    statement_date = models.DateField(
        _("date of the statement"),
        default=timezone.localdate,
        help_text=_("The date the organizations issued it; may differ from the publish date."),
    )
    summary = models.TextField(
        _("summary"),
        max_length=500,
        blank=True,
        help_text=_("One or two sentences for lists, feeds and shares."),
    )
    body = ProseEditorField(
        _("body"),
        config={"extensions": settings.STATEMENT_BODY_EXTENSIONS},
        sanitize=sanitize_html,
        blank=True,
    )
    # The body as the public page shows it (figures expanded) and as plain text
    # for search, both derived on save; body_images records which library
    # images the body shows, so editing an image re-renders those statements
    # (statements.derived keeps all of these true).
    body_html = models.TextField(editable=False, blank=True)
    body_text = models.TextField(editable=False, blank=True)
    # PostgreSQL only (GIN-indexed there); always empty on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    body_images = models.ManyToManyField(
        Image, editable=False, blank=True, related_name="statements_in_body"
    )
    topics = models.ManyToManyField(
        Topic, related_name="statements", blank=True, verbose_name=_("topics")
    )
    # The organizations' and topics' names and slugs as its pages show them
    # (statements.derived keeps them in step with the links).
    labels = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish at"),
        default=timezone.now,
        db_index=True,
        help_text=_("A published statement appears at this time; a future time schedules it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="statements",
        verbose_name=_("author"),
    )
    featured_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("featured image"),
    )
    source_name = models.CharField(
        _("originally published by"),
        max_length=200,
        blank=True,
        help_text=_("For reposts: the publisher of the original."),
    )
    source_url = models.URLField(
        _("original URL"),
        max_length=500,
        blank=True,
        help_text=_("For reposts: the original's address, used as the page's canonical link."),
    )
    comments_open = models.BooleanField(
        _("comments open"),
        default=True,
        help_text=_("Untick to close comments on this statement."),
    )
    language = models.CharField(
        _("language"),
        max_length=15,
        choices=languages.choices,
        default=languages.default,
        help_text=_("The language the statement is written in."),
    )
    translation_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="translations",
        verbose_name=_("translation of"),
        help_text=_("The statement this one translates: each page links to the other languages."),
    )
    do_not_email = models.BooleanField(
        _("do not email subscribers"),
        default=False,
        help_text=_("Tick before publishing to leave this statement out of subscribers' mail."),
    )
    # Approved comments, kept up to date by comments.moderation so lists never count rows.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        get_latest_by = "publish_at"
        indexes = [
            models.Index(fields=["status", "-publish_at", "-id"], name="statement_listing_idx"),
            # The archive files statements by their own date (the byline's).
            models.Index(
                fields=["status", "-statement_date", "-id"], name="statement_archive_idx"
            ),
        ]
        constraints = length_limits(
            "statement",
            title=255,
            slug=200,
            summary=500,
            source_name=200,
            source_url=500,
            language=15,
        )

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Imported here: statements.derived works on this model.
        from .derived import statement_saved, statement_saving

        images, update_fields = statement_saving(self, kwargs.get("update_fields"))
        if update_fields is not None:
            kwargs["update_fields"] = update_fields
        super().save(*args, **kwargs)
        statement_saved(self, images)

    def get_absolute_url(self):
        return reverse("statements:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        translations.validate(self)

    @property
    def direction(self):
        return languages.direction(self.language)

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def state(self):
        if self.status == self.Status.DRAFT:
            return "draft"
        return "published" if self.publish_at <= timezone.now() else "scheduled"

    @property
    def is_repost(self):
        return bool(self.source_name or self.source_url)

    @property
    def canonical_url(self):
        """The original for reposts; otherwise None (the page's own URL)."""
        return self.source_url or None

    def neighbours(self):
        """The published statements listed just before and after this one: (previous, next).

        One query: the row of each side's first match, both picked by subquery.
        """
        rows = _NEIGHBOURS.rows(
            publish_at=self.publish_at, pk=self.pk, now=timezone.now(), using=self._state.db
        )
        previous = next_ = None
        for pk, publish_at, slug, title in rows:
            if (publish_at, pk) < (self.publish_at, self.pk):
                previous = _Neighbour(slug, title)
            else:
                next_ = _Neighbour(slug, title)
        return previous, next_

    @property
    def byline_organizations(self):
        return [
            _Label("statements:organization", *pair)
            for pair in self.labels.get("organizations", [])
        ]

    @property
    def topic_labels(self):
        return [_Label("statements:topic", *pair) for pair in self.labels.get("topics", [])]

    def page_relations(self):
        """What the statement page shows around the statement, in two plain queries.

        Organizations and topics (stored on the statement), editor's notes with
        their editors' initials and, once published, the previous and next
        statements. prefetch_related and correlated subqueries cost about twice
        as much for one statement: their bookkeeping is made for many rows
        (docs/performance.md).
        """
        notes = [
            _NoteOnPage(text, placement, editor_initials(initials, first, last, username))
            for text, placement, first, last, username, initials in _PAGE_NOTES.rows(
                statement=self.pk, using=self._state.db
            )
        ]
        previous, next_ = self.neighbours() if self.is_published else (None, None)
        versions = [
            _Version(language, slug, title, pk == translations.root_id(self))
            for pk, language, slug, title in translations.published_versions(
                self, using=self._state.db
            )
        ]
        return {
            "versions": versions,
            "other_languages": [v for v in versions if v.slug != self.slug],
            "organizations": self.byline_organizations,
            "topics": self.topic_labels,
            "notes_above": [n for n in notes if n.placement == EditorNote.Placement.ABOVE],
            "notes_below": [n for n in notes if n.placement == EditorNote.Placement.BELOW],
            "previous_statement": previous,
            "next_statement": next_,
        }


class _Label:
    """An organization or topic as a statement's pages link it."""

    def __init__(self, url_name, name, slug):
        self.url_name, self.name, self.slug = url_name, name, slug

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse(self.url_name, kwargs={"slug": self.slug})


class _Version:
    """A published language version of a statement, as its page links it."""

    def __init__(self, language, slug, title, is_original):
        self.language, self.slug, self.title = language, slug, title
        self.is_original = is_original
        self.name = languages.display_name(language)
        self.direction = languages.direction(language)

    def get_absolute_url(self):
        return reverse("statements:detail", kwargs={"slug": self.slug})


class _Neighbour:
    def __init__(self, slug, title):
        self.slug, self.title = slug, title

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("statements:detail", kwargs={"slug": self.slug})


class EditorNote(models.Model):
    class Placement(models.TextChoices):
        ABOVE = "above", _("Above the body")
        BELOW = "below", _("Below the body")

    statement = models.ForeignKey(
        Statement,
        on_delete=models.CASCADE,
        related_name="editor_notes",
        verbose_name=_("statement"),
    )
    text = models.TextField(_("text"), max_length=2000)
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="editor_notes",
        verbose_name=_("editor"),
    )
    placement = models.CharField(
        _("placement"), max_length=5, choices=Placement, default=Placement.ABOVE
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("editor's note")
        verbose_name_plural = _("editor's notes")
        constraints = length_limits("editornote", text=2000)

    def __str__(self):
        return self.text[:60]

    @property
    def initials(self):
        profile = getattr(self.editor, "staff_profile", None)
        return editor_initials(
            profile.initials if profile else "",
            self.editor.first_name,
            self.editor.last_name,
            self.editor.get_username(),
        )


def editor_initials(profile_initials, first_name, last_name, username):
    """How an editor signs a note: their profile's initials, else from their name."""
    if profile_initials:
        return profile_initials
    full_name = f"{first_name} {last_name}".strip()
    return "".join(part[0] for part in full_name.split()).lower() or username[:2]


class _NoteOnPage:
    def __init__(self, text, placement, initials):
        self.text, self.placement, self.initials = text, placement, initials


# The statement page's queries, compiled once (advocacy/prepared.py): building
# them cost the ORM about 2 ms a page, running them a tenth of that.

# Stored for search, never shown.
_NOT_ON_THE_PAGE = ("body_text", "search_vector")


def _field(model, name):
    return model._meta.get_field(name)


def _page_fields():
    return [f.attname for f in Statement._meta.concrete_fields if f.name not in _NOT_ON_THE_PAGE]


_PAGE_FIELDS = _page_fields()
_IMAGE_FIELDS = [f.attname for f in Image._meta.concrete_fields]


def _page_statement(drafts):
    statements = Statement.objects.all()
    if not drafts:
        statements = statements.published(now=Param("now", _field(Statement, "publish_at")))
    columns = [
        *(f.name for f in Statement._meta.concrete_fields if f.name not in _NOT_ON_THE_PAGE),
        *(f"featured_image__{f.name}" for f in Image._meta.concrete_fields),
    ]
    return (
        statements.filter(slug=Param("slug", _field(Statement, "slug")))
        .order_by()
        .values_list(*columns)[:1]
    )


_PAGE_STATEMENT = PreparedQuery(lambda: _page_statement(drafts=False))
_PAGE_STATEMENT_WITH_DRAFTS = PreparedQuery(lambda: _page_statement(drafts=True))


def _neighbours():
    publish_at = Param("publish_at", _field(Statement, "publish_at"))
    pk = Param("pk", _field(Statement, "id"))
    published = Statement.objects.published(now=Param("now", _field(Statement, "publish_at")))
    nearest = [
        Subquery(published.before(publish_at, pk).values("pk")[:1]),
        Subquery(published.after(publish_at, pk).values("pk")[:1]),
    ]
    return (
        Statement.objects.filter(pk__in=nearest)
        .order_by()
        .values_list("pk", "publish_at", "slug", "title")
    )


_NEIGHBOURS = PreparedQuery(_neighbours)

_PAGE_NOTES = PreparedQuery(
    lambda: EditorNote.objects.filter(
        statement=Param("statement", _field(EditorNote, "statement"))
    ).values_list(
        "text",
        "placement",
        "editor__first_name",
        "editor__last_name",
        "editor__username",
        "editor__staff_profile__initials",
    )
)
