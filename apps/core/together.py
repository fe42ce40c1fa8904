"""Several reads in one round trip: the statements of some ``values_list`` querysets sent to PostgreSQL
together (one query, as PostgreSQL and the query log count it), each result set converted exactly as the
queryset itself would convert it (the same rows, in the same order, with the same types).

For pages that read many small tables at once (the gap snapshot): each statement sent alone costs a
round trip, which on a busy machine costs more than the reading."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ValuesListIterable
from django.db.models.sql.compiler import SQLCompiler
from psycopg import ClientCursor


def read_together(*querysets: QuerySet[Any, Any]) -> list[list[tuple[Any, ...]]]:
    """The rows of each of ``querysets`` (``values_list`` querysets of one database, not flat), in one
    query. A queryset that can match nothing (``id__in=[]``) is answered without being sent, as Django
    answers it."""
    if not querysets:
        return []
    alias = querysets[0].db
    connection = connections[alias]
    with connection.cursor() as cursor:
        # One client-side cursor merges every statement's parameters (as ``compose_sql`` does, once each).
        mogrifier = ClientCursor(cursor.connection)
        compilers: list[SQLCompiler | None] = []
        statements: list[str] = []
        for queryset in querysets:
            if queryset._iterable_class is not ValuesListIterable or queryset.db != alias:
                raise ValueError("read_together reads values_list querysets of one database")
            compiler = queryset.query.get_compiler(alias)
            try:
                sql, params = compiler.as_sql()
            except EmptyResultSet:
                compilers.append(None)
                continue
            compilers.append(compiler)
            statements.append(mogrifier.mogrify(sql, params))
        results: list[list[tuple[Any, ...]]] = []
        if statements:
            cursor.execute(";\n".join(statements))
        first = True
        for compiler in compilers:
            if compiler is None:
                results.append([])
                continue
            if not first:
                cursor.nextset()
            first = False
            rows = cursor.fetchall()
            results.append([tuple(row) for row in compiler.results_iter(results=[rows], tuple_expected=True)])
    return results
