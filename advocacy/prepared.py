"""Querysets compiled to SQL once per database connection, then run with new values.

Turning a queryset into SQL is most of what the ORM costs on a hot page: for
the statement page's neighbours query 1.0 ms against 0.03 ms to run it on
SQLite (bench/inprocess.py, docs/performance.md). The queryset is still
written with the ORM, by the model that owns its rule (what "published"
means stays in one place); only its compilation is kept. Values that change
per request are `Param`s, passed by name when the query runs.

    neighbours = PreparedQuery(lambda: Statement.objects.filter(
        slug=Param("slug", Statement._meta.get_field("slug"))).values_list("pk", "title"))
    neighbours.rows(slug="clean-water")

Rows are tuples, in the order of the queryset's values_list(), converted
from the database's types as the ORM would (dates, JSON). The query runs
through the connection's cursor, so it is logged and counted like any other.
"""

import weakref

from django.db import connections
from django.db.models import Expression


class Param(Expression):
    """A value given when the query runs; `field` adapts it for the database."""

    def __init__(self, name, field):
        super().__init__(output_field=field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def __repr__(self):
        return f"Param({self.name!r})"


class PreparedQuery:
    def __init__(self, build):
        """`build(**shape)` returns a values_list() queryset; see rows()."""
        self.build = build
        # Per connection object: SQL differs by database, and the converters
        # belong to the connection they were made for.
        self._compiled = weakref.WeakKeyDictionary()

    def _compile(self, connection, shape):
        queryset = self.build(**dict(shape))
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        expressions = [column for column, _, _ in compiler.select]
        converters = compiler.get_converters(expressions)
        return compiler, sql, params, converters

    def rows(self, *, using="default", shape=(), **values):
        """Run the query with `values` for its Params.

        `shape` (a tuple of pairs, passed to build) selects one of several
        compiled forms, e.g. how many ids an IN list holds.
        """
        connection = connections[using]
        compiled = self._compiled.setdefault(connection, {})
        if shape not in compiled:
            compiled[shape] = self._compile(connection, shape)
        compiler, sql, params, converters = compiled[shape]
        params = [
            param.output_field.get_db_prep_value(values[param.name], connection)
            if isinstance(param, Param)
            else param
            for param in params
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        if converters:
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows
