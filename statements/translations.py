"""Statements that are translations of each other: the group, its rules, its links.

A group is one original and the statements whose `translation_of` names it;
a translation of a translation joins the original's group, so a group is
never deeper than that. Each language appears once in a group.
"""

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from . import languages


def root_id(statement):
    """The group's original: the statement itself unless it translates another."""
    return statement.translation_of_id or statement.pk


def flatten(statement):
    """Before a save: point a translation of a translation at the original."""
    original = statement.translation_of
    if original is not None and original.translation_of_id is not None:
        statement.translation_of_id = original.translation_of_id


def _group(statement):
    from .models import Statement

    root = root_id(statement)
    if root is None:
        return Statement.objects.none()
    return Statement.objects.filter(Q(pk=root) | Q(translation_of_id=root))


def validate(statement):
    """The errors of a statement's place in its group, by field (model.clean calls it)."""
    if statement.translation_of_id is None:
        return
    if statement.pk is not None and statement.translation_of_id == statement.pk:
        raise ValidationError(
            {"translation_of": _("A statement cannot be a translation of itself.")}
        )
    original = statement.translation_of
    if original.translation_of_id is not None and original.translation_of_id == statement.pk:
        raise ValidationError(
            {"translation_of": _("That statement is already a translation of this one.")}
        )
    others = _group(original if original.translation_of_id is None else original.translation_of)
    if statement.pk is not None:
        others = others.exclude(pk=statement.pk)
    taken = others.filter(language=statement.language).first()
    if taken is not None:
        raise ValidationError(
            {
                "language": _("“%(title)s” is already the %(language)s version of this statement.")
                % {"title": taken.title, "language": languages.name_local(statement.language)}
            }
        )


def published_versions(statement, *, using="default"):
    """Every published statement of its group, the statement itself included (one query).

    [(pk, language, slug, title)], the interface's languages first.
    """
    from .models import Statement

    root = root_id(statement)
    rows = list(
        Statement.objects.using(using)
        .published()
        .filter(Q(pk=root) | Q(translation_of_id=root))
        .order_by()
        .values_list("pk", "language", "slug", "title")
    )
    order = {code: n for n, (code, _) in enumerate(languages.choices())}
    return sorted(rows, key=lambda row: (order.get(row[1], len(order)), row[1]))


def group_slugs(statement_ids):
    """Slugs of every statement in the groups of these statements (their pages link each other)."""
    from .models import Statement

    roots = set(
        Statement.objects.filter(pk__in=statement_ids).values_list("translation_of_id", flat=True)
    )
    roots.discard(None)
    roots |= set(statement_ids)
    return set(
        Statement.objects.filter(Q(pk__in=roots) | Q(translation_of_id__in=roots)).values_list(
            "slug", flat=True
        )
    )
