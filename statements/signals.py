from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from .labels import refresh_labels
from .models import Image, Organization, Statement, Topic


@receiver(post_save, sender=Image)
def rerender_statements_showing(sender, instance, created, raw=False, **kwargs):
    """A caption or credit corrected in the library is corrected in every body."""
    if created or raw:
        return
    for statement in instance.statements_in_body.all():
        statement.save(update_fields=["body_html"])


@receiver(post_delete, sender=Image)
def delete_image_files(sender, instance, **kwargs):
    """A deleted photo leaves the disk too (after commit: a rollback keeps it)."""
    transaction.on_commit(instance.delete_files)


# -- Statement.labels: the names and slugs of its organizations and topics --------------


def relabel_linked_statements(sender, instance, action, reverse, pk_set, **kwargs):
    if not reverse:  # statement.topics.add(…)
        if action in ("post_add", "post_remove", "post_clear"):
            refresh_labels(Statement, [instance.pk])
        return
    # topic.statements.add(…): the statements are in pk_set, except on clear.
    if action == "pre_clear":
        instance._linked_statement_ids = list(instance.statements.values_list("pk", flat=True))
    elif action == "post_clear":
        refresh_labels(Statement, getattr(instance, "_linked_statement_ids", []))
    elif action in ("post_add", "post_remove"):
        refresh_labels(Statement, pk_set or [])


m2m_changed.connect(relabel_linked_statements, sender=Statement.organizations.through)
m2m_changed.connect(relabel_linked_statements, sender=Statement.topics.through)


@receiver(post_save, sender=Organization)
@receiver(post_save, sender=Topic)
def relabel_after_rename(sender, instance, created, raw=False, **kwargs):
    if not (created or raw):
        refresh_labels(Statement, instance.statements.values_list("pk", flat=True))


@receiver(pre_delete, sender=Organization)
@receiver(pre_delete, sender=Topic)
def remember_linked_statements(sender, instance, **kwargs):
    # The links go with it, without an m2m signal: read them while they exist.
    instance._linked_statement_ids = list(instance.statements.values_list("pk", flat=True))


@receiver(post_delete, sender=Organization)
@receiver(post_delete, sender=Topic)
def relabel_after_delete(sender, instance, **kwargs):
    refresh_labels(Statement, getattr(instance, "_linked_statement_ids", []))
