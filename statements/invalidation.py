"""Which cached pages a change touches, and telling the page cache.

A published statement shows on its own page, its neighbours' previous/next
links, the home page, its topics' and organizations' pages, its year and
month archives, the archive index, the feeds and the sitemap. Those pages'
tags are bumped, after the transaction commits, when the statement (or what
it shows) changes — before and after the change, so a statement that leaves
a topic also leaves that topic's page. Drafts and scheduled statements show
nowhere, so changing them touches nothing.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from advocacy.pagecache import invalidate, schedule_changed

from .models import EditorNote, Image, Organization, Statement, Topic

HOME, FEED, SITEMAP, ARCHIVE = "home", "feed", "sitemap", "archive"


def statement_tag(slug):
    return f"statement:{slug}"


def topic_tag(slug):
    return f"topic:{slug}"


def organization_tag(slug):
    return f"organization:{slug}"


def year_tag(year):
    return f"archive:{year}"


def month_tag(year, month):
    return f"archive:{year}-{month:02d}"


def _date_tags(publish_at):
    return {year_tag(publish_at.year), month_tag(publish_at.year, publish_at.month)}


def visible_tags(statement_ids, *, listing_only=False):
    """Tags of every page that shows these statements now (none for unpublished ones).

    listing_only: the pages that list them (for a changed comment count),
    without feeds, sitemap and neighbours.
    """
    rows = list(
        Statement.objects.published()
        .filter(pk__in=statement_ids)
        .with_neighbours()
        .values_list("pk", "slug", "publish_at", "previous_slug", "next_slug")
    )
    if not rows:
        return set()
    tags = {HOME}
    for _, slug, publish_at, previous_slug, next_slug in rows:
        tags |= {statement_tag(slug), *_date_tags(publish_at)}
        if not listing_only:
            tags |= {statement_tag(previous_slug), statement_tag(next_slug)}
    if not listing_only:
        tags |= {FEED, SITEMAP, ARCHIVE}
    ids = [row[0] for row in rows]
    tags |= {
        topic_tag(slug)
        for slug in Topic.objects.filter(statements__in=ids).values_list("slug", flat=True)
    }
    tags |= {
        organization_tag(slug)
        for slug in Organization.objects.filter(statements__in=ids).values_list("slug", flat=True)
    }
    return {tag for tag in tags if not tag.endswith(":None")}


def invalidate_on_commit(tags):
    """Bump now and again after commit.

    Now: pages are fresh for this transaction's own reads. After commit: a
    request that read the first new version but rendered the old, not yet
    committed data stored its page under a version that is stale again.
    """
    if tags:
        invalidate(*tags)
        transaction.on_commit(lambda: invalidate(*tags))


def _schedule_changed():
    # Its publish time may have changed: the page cache's next due time is
    # read again, now and (as with tags) once the change is committed.
    schedule_changed(committed=False)
    transaction.on_commit(lambda: schedule_changed(committed=True))


def statements_changed(statement_ids, *, listing_only=False):
    invalidate_on_commit(visible_tags(statement_ids, listing_only=listing_only))


# -- statements --------------------------------------------------------------------


@receiver(pre_save, sender=Statement)
def remember_pages_before_save(sender, instance, raw=False, **kwargs):
    instance._tags_before_save = set() if raw or not instance.pk else visible_tags([instance.pk])


@receiver(post_save, sender=Statement)
def refresh_pages_after_save(sender, instance, raw=False, **kwargs):
    _schedule_changed()
    if raw:
        return
    before = getattr(instance, "_tags_before_save", set())
    invalidate_on_commit(before | visible_tags([instance.pk]))


@receiver(pre_delete, sender=Statement)
def refresh_pages_before_delete(sender, instance, **kwargs):
    # Read while the row exists; bumped once the delete is committed.
    invalidate_on_commit(visible_tags([instance.pk]))
    _schedule_changed()


def _topics_or_organizations_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if reverse:
        # topic.statements.add(…): the statements are in pk_set.
        statements_changed(list(pk_set or []))
        invalidate_on_commit({_tag_for(instance)})
        return
    if action == "pre_clear":
        instance._tags_before_clear = visible_tags([instance.pk])
    elif action in ("post_add", "post_remove", "post_clear"):
        tags = visible_tags([instance.pk]) | getattr(instance, "_tags_before_clear", set())
        if tags and pk_set:
            tags |= {_tag_for(obj) for obj in model.objects.filter(pk__in=pk_set)}
        invalidate_on_commit(tags)


def _tag_for(obj):
    return topic_tag(obj.slug) if isinstance(obj, Topic) else organization_tag(obj.slug)


m2m_changed.connect(_topics_or_organizations_changed, sender=Statement.topics.through)
m2m_changed.connect(_topics_or_organizations_changed, sender=Statement.organizations.through)


# -- what statements show -------------------------------------------------------------


@receiver([post_save, post_delete], sender=EditorNote)
def refresh_note_page(sender, instance, raw=False, **kwargs):
    if not raw:
        invalidate_on_commit(
            {tag for tag in visible_tags([instance.statement_id]) if tag.startswith("statement:")}
        )


@receiver(post_save, sender=Image)
def refresh_pages_showing_image(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    ids = set(instance.statements_in_body.values_list("pk", flat=True))
    ids |= set(Statement.objects.filter(featured_image=instance).values_list("pk", flat=True))
    statements_changed(ids)


@receiver(pre_save, sender=Topic)
@receiver(pre_save, sender=Organization)
def remember_slug(sender, instance, raw=False, **kwargs):
    instance._slug_before_save = (
        sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        if instance.pk and not raw
        else None
    )


@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Organization)
def refresh_pages_naming(sender, instance, created, raw=False, **kwargs):
    """A renamed topic or organization is renamed on its statements and lists."""
    if created or raw:
        return
    tag = topic_tag if sender is Topic else organization_tag
    tags = {tag(instance.slug), tag(instance._slug_before_save)}
    tags |= visible_tags(list(instance.statements.values_list("pk", flat=True)))
    invalidate_on_commit({t for t in tags if not t.endswith(":None")})
