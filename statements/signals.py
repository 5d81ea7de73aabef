"""Model receivers: each only tells statements.derived and statements.pages what changed.

Signals remain where a write does not go through code of ours: the admin and
forms set links through m2m managers, and querysets delete without calling
delete(). Statement.save derives the statement's own values itself
(statements.derived); the receivers here keep what depends on other rows.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from . import derived, pages, schedule
from .models import EditorNote, Image, Organization, Statement, Topic

# -- statements ------------------------------------------------------------------------


@receiver(pre_save, sender=Statement)
def refresh_pages_before_save(sender, instance, raw=False, **kwargs):
    # The pages showing it before the change (a topic it leaves, a list it
    # leaves when unpublished) are bumped now and on commit; those showing it
    # after, on post_save: nothing is carried from one signal to the next.
    if not raw and instance.pk:
        pages.statements_changed([instance.pk])


@receiver(post_save, sender=Statement)
def refresh_pages_after_save(sender, instance, raw=False, **kwargs):
    schedule.statement_changed()
    if not raw:
        pages.statements_changed([instance.pk])


@receiver(pre_delete, sender=Statement)
def refresh_pages_before_delete(sender, instance, **kwargs):
    # Read while the row exists; bumped once the delete is committed.
    pages.statements_changed([instance.pk])
    schedule.statement_changed()


def links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A statement's organizations or topics changed, from either side."""
    if not reverse:  # statement.topics.add(…), or the statement's admin form
        if action == "pre_clear":
            pages.statements_changed([instance.pk])  # the topics it is leaving
        elif action in ("post_add", "post_remove", "post_clear"):
            derived.refresh_labels([instance.pk])
            pages.links_changed([instance.pk], model.objects.filter(pk__in=pk_set or []))
        return
    # topic.statements.add(…): the statements are in pk_set, except on clear.
    if action == "pre_clear":
        ids = list(instance.statements.values_list("pk", flat=True))
        # Labelled as they will be: the links are gone by post_clear, and with
        # them the list of statements that had them.
        derived.refresh_labels(ids, unlinking=instance)
        pages.links_changed(ids, [instance])
    elif action in ("post_add", "post_remove"):
        derived.refresh_labels(pk_set or [])
        pages.links_changed(list(pk_set or []), [instance])


m2m_changed.connect(links_changed, sender=Statement.topics.through)
m2m_changed.connect(links_changed, sender=Statement.organizations.through)


# -- organizations and topics ---------------------------------------------------------


@receiver(pre_save, sender=Topic)
@receiver(pre_save, sender=Organization)
def refresh_page_at_old_slug(sender, instance, raw=False, **kwargs):
    if not raw:
        pages.label_saving(instance)


@receiver(post_save, sender=Topic)
@receiver(post_save, sender=Organization)
def relabel_after_rename(sender, instance, created, raw=False, **kwargs):
    """A renamed topic or organization is renamed on its statements and lists."""
    if not (created or raw):
        derived.refresh_labels(instance.statements.values_list("pk", flat=True))
        pages.label_saved(instance)


@receiver(pre_delete, sender=Organization)
@receiver(pre_delete, sender=Topic)
def remember_linked_statements(sender, instance, **kwargs):
    # Kept on the instance until post_delete, the one place left that does so:
    # Django deletes the links without an m2m signal, and only after every
    # pre_delete of a multi-row delete, so labels computed here would still
    # show the other organizations or topics being deleted with it; after it,
    # nothing says which statements had the links.
    instance._linked_statement_ids = list(instance.statements.values_list("pk", flat=True))
    pages.statements_changed(instance._linked_statement_ids)


@receiver(post_delete, sender=Organization)
@receiver(post_delete, sender=Topic)
def relabel_after_delete(sender, instance, **kwargs):
    derived.refresh_labels(getattr(instance, "_linked_statement_ids", []))


# -- what statements show -------------------------------------------------------------


@receiver([post_save, post_delete], sender=EditorNote)
def refresh_note_page(sender, instance, raw=False, **kwargs):
    if not raw:
        pages.note_changed(instance.statement_id)


@receiver(post_save, sender=Image)
def refresh_statements_showing(sender, instance, created, raw=False, **kwargs):
    """A caption or credit corrected in the library: the bodies and pages showing it."""
    if created or raw:
        return
    derived.image_changed(instance)  # each statement's save refreshes its pages
    pages.statements_changed(
        Statement.objects.filter(featured_image=instance).values_list("pk", flat=True)
    )


@receiver(post_delete, sender=Image)
def delete_image_files(sender, instance, **kwargs):
    """A deleted photo leaves the disk too (after commit: a rollback keeps it)."""
    transaction.on_commit(instance.delete_files)
