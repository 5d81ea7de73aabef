from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual


def length_limits(prefix, **limits):
    """Constraints that make the database itself refuse over-long text.

    PostgreSQL enforces a varchar's length but not a text column's, and SQLite
    enforces neither: without these, text that bypasses a form (imports, the
    shell, a bug) would be stored at any length on one backend and not the other.
    """
    return [
        models.CheckConstraint(
            condition=LessThanOrEqual(Length(field), limit), name=f"{prefix}_{field}_max_length"
        )
        for field, limit in limits.items()
    ]
