"""Which public pages depend on which content: the page cache's tags, in one place.

Every cached page names its tags here (tags_for_*: the views, feeds and the
sitemap URL call them), and every change to content asks here which tags it
touches (statements_changed and the other *_changed functions: the model
receivers in statements.signals and comments.moderation call them).

A published statement shows on its own page, its neighbours' previous/next
links, its translations' pages (their "Also in"), the home page, its topics'
and organizations' pages (and topic feeds), its language's list and feeds,
its year and month archives, the archive index, the topic and organization
indexes (their counts), the feeds and the sitemap.
Those pages' tags are bumped, after the transaction commits, when the
statement (or what it shows) changes — before and after the change, so a
statement that leaves a topic also leaves that topic's page. Drafts and
scheduled statements show nowhere, so changing them touches nothing: a
scheduled statement reaches the pages by the page cache's schedule
(statements.schedule), not by a tag.
"""

import contextlib
import contextvars

from django.db import transaction

from advocacy.pagecache import EVERY_PAGE, invalidate

from . import translations
from .models import Organization, Statement, Topic

HOME, FEED, SITEMAP, ARCHIVE = "home", "feed", "sitemap", "archive"
# The index pages of topics and of organizations (names and counts of published statements).
LABELS = "labels"
# The list of languages statements are written in (with counts) and each language's list.
LANGUAGES = "languages"


def statement_tag(slug):
    return f"statement:{slug}"


def page_tag(slug):
    """A site page's own page (pages app)."""
    return f"page:{slug}"


def topic_tag(slug):
    return f"topic:{slug}"


def organization_tag(slug):
    return f"organization:{slug}"


def year_tag(year):
    return f"archive:{year}"


def month_tag(year, month):
    return f"archive:{year}-{month:02d}"


# -- what each page depends on (computed from the URL alone, before rendering) ----------


def tags_for_home():
    return [HOME]


def tags_for_statement(slug):
    """Its page: the statement, its notes, comments and neighbours' links."""
    return [statement_tag(slug)]


def tags_for_page(slug):
    return [page_tag(slug)]


def tags_for_topic(slug):
    """The topic's page and its feeds."""
    return [topic_tag(slug)]


def tags_for_organization(slug):
    return [organization_tag(slug)]


def tags_for_archive():
    return [ARCHIVE]


def tags_for_label_index():
    return [LABELS]


def tags_for_languages(code=None):
    """The index of languages, or one language's list and feeds (`code`).

    One tag for all of them: few sites write in many languages, and every
    publication changes the index's counts anyway.
    """
    return [LANGUAGES]


def tags_for_year(year):
    return [year_tag(year)]


def tags_for_month(year, month):
    return [month_tag(year, month)]


def tags_for_feed():
    return [FEED]


def tags_for_sitemap():
    return [SITEMAP]


# -- which pages a change touches ----------------------------------------------------


def _date_tags(statement_date):
    """The archive pages a statement is filed in: by its own date (statements.views)."""
    return {year_tag(statement_date.year), month_tag(statement_date.year, statement_date.month)}


def visible_tags(statement_ids, *, listing_only=False):
    """Tags of every page that shows these statements now (none for unpublished ones).

    listing_only: the pages that list them (for a changed comment count),
    without feeds, sitemap and neighbours.
    """
    rows = list(
        Statement.objects.published()
        .filter(pk__in=statement_ids)
        .with_neighbours()
        .values_list("pk", "slug", "statement_date", "previous_slug", "next_slug")
    )
    if not rows:
        return set()
    tags = {HOME}
    for _, slug, statement_date, previous_slug, next_slug in rows:
        tags |= {statement_tag(slug), *_date_tags(statement_date)}
        if not listing_only:
            tags |= {statement_tag(previous_slug), statement_tag(next_slug)}
    ids = [row[0] for row in rows]
    if not listing_only:
        tags |= {FEED, SITEMAP, ARCHIVE, LABELS, LANGUAGES}
        # Each language version's page links the others ("Also in", hreflang).
        tags |= {statement_tag(slug) for slug in translations.group_slugs(ids)}
    tags |= {
        topic_tag(slug)
        for slug in Topic.objects.filter(statements__in=ids).values_list("slug", flat=True)
    }
    tags |= {
        organization_tag(slug)
        for slug in Organization.objects.filter(statements__in=ids).values_list("slug", flat=True)
    }
    return {tag for tag in tags if not tag.endswith(":None")}


# While a batch of changes runs (batched()): the statements seen and the tags to bump.
_batch = contextvars.ContextVar("statements_pages_batch", default=None)


BATCH_LIMIT = 500


class _Batch:
    def __init__(self):
        self.seen, self.tags, self.after = set(), set(), []
        self.everything = False
        # Statements made inside the batch showed nowhere before it: their
        # pages are computed once, at the end.
        self.last_pk_before = (
            Statement.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        )


def at_batch_end(function):
    """Inside batched(): run `function` once when the batch ends (True); otherwise False."""
    batch = _batch.get()
    if batch is None:
        return False
    if function not in batch.after:
        batch.after.append(function)
    return True


@contextlib.contextmanager
def batched():
    """Many changes in a row (an import): every page they touch is bumped once, at the end.

    Inside, a statement's pages are computed when it is first changed (the
    pages showing it before the batch, which a change may take it off) and,
    for all of them at once, when the batch ends (the pages showing them
    after); tags are bumped then, not once per save, m2m change and comment.
    Items committed before an error are bumped all the same. A batch that
    touches more than BATCH_LIMIT statements makes every cached page stale
    (one tag, EVERY_PAGE) instead of computing and bumping thousands of tags.
    """
    if _batch.get() is not None:  # already inside one: it bumps at its end
        yield
        return
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        if batch.everything:
            invalidate_on_commit({EVERY_PAGE})
        else:
            ids = sorted(batch.seen)
            batch.tags |= visible_tags(ids)
            invalidate_on_commit(batch.tags)
        for function in batch.after:
            function()


def invalidate_on_commit(tags):
    """Bump now and again after commit.

    Now: pages are fresh for this transaction's own reads. After commit: a
    request that read the first new version but rendered the old, not yet
    committed data stored its page under a version that is stale again.
    """
    tags = {tag for tag in tags if tag and not tag.endswith(":None")}
    if (batch := _batch.get()) is not None:
        if not batch.everything:
            batch.tags |= tags
        return
    if not tags:
        return
    if not transaction.get_connection().in_atomic_block:
        invalidate(*tags)  # no transaction: committed already, once is enough
        return
    invalidate(*tags, downstream=False)
    # A CDN is purged once, after the commit (a rolled-back change purges nothing).
    transaction.on_commit(lambda: invalidate(*tags))


def statements_changed(statement_ids, *, listing_only=False):
    """These statements changed (or what they show did): refresh every page showing them.

    Called before a change too when it may take a statement off a page (it
    leaves a topic, is unpublished, deleted): the pages showing it then.
    """
    if (batch := _batch.get()) is not None:
        if batch.everything:
            return
        first_seen = set(statement_ids) - batch.seen
        batch.seen |= first_seen
        if len(batch.seen) > BATCH_LIMIT:
            batch.everything = True
            return
        existing = [pk for pk in first_seen if pk <= batch.last_pk_before]
        if existing:
            batch.tags |= visible_tags(existing)
        return
    invalidate_on_commit(visible_tags(statement_ids, listing_only=listing_only))


def label_tag(obj):
    """The tag of an organization's or topic's own page."""
    return _label_tag(obj, obj.slug)


def links_changed(statement_ids, linked):
    """Statements joined or left these topics or organizations (`linked`)."""
    if _batch.get() is not None:
        statements_changed(statement_ids)
        invalidate_on_commit({label_tag(obj) for obj in linked})
        return
    tags = visible_tags(statement_ids)
    if tags:
        tags |= {label_tag(obj) for obj in linked} | {LABELS}
    invalidate_on_commit(tags)


def label_saving(label):
    """An organization or topic is about to be saved: its page at the slug it had.

    Read and bumped before the save (the new slug's page is bumped after it),
    so nothing is carried from one signal to the next.
    """
    if label.pk is None:
        return
    old_slug = type(label).objects.filter(pk=label.pk).values_list("slug", flat=True).first()
    if old_slug and old_slug != label.slug:
        invalidate_on_commit({_label_tag(label, old_slug)})


def label_saved(label):
    """An organization or topic was renamed: its page and its statements' pages."""
    tags = {_label_tag(label, label.slug), LABELS}
    tags |= visible_tags(list(label.statements.values_list("pk", flat=True)))
    invalidate_on_commit(tags)


def _label_tag(label, slug):
    return topic_tag(slug) if isinstance(label, Topic) else organization_tag(slug)


def site_page_changed(slugs, *, in_menu):
    """Site pages changed: their own pages and, for one in a menu, every page (the menus)."""
    tags = {page_tag(slug) for slug in slugs}
    if in_menu:
        tags.add(EVERY_PAGE)
    invalidate_on_commit(tags)


def note_changed(statement_id):
    """An editor's note shows on its statement's page only."""
    invalidate_on_commit(
        {tag for tag in visible_tags([statement_id]) if tag.startswith("statement:")}
    )
