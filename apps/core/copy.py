"""Bulk inserts through PostgreSQL ``COPY``: the fastest way to write many rows, several times faster than
``bulk_create`` (which renders and parses one parameter per value, and builds a model instance per row).

Rows go through the Django connection's psycopg cursor, so they are part of the caller's transaction (and
roll back with it). ``COPY`` fires row triggers and checks every constraint exactly as ``INSERT`` does; it
bypasses only what Django does in Python: ``save()``, signals, ``auto_now`` and field defaults, so the
caller gives every column that has no database default."""

from __future__ import annotations

import itertools
import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def _type_name(field: models.Field[Any, Any]) -> str:
    # psycopg looks types up by name without modifiers: "varchar(16)[]" is "varchar[]".
    return re.sub(r"\(.*?\)", "", str(field.db_type(connection)))


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys for ``model``, drawn from its sequence as ``INSERT`` would draw them
    (``COPY`` returns none, so rows that others point to get their ids first). One query."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],  # type: ignore[union-attr]
        )
        return [row[0] for row in cursor.fetchall()]


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """``COPY`` ``rows`` into ``model``'s table, each a sequence of values in the order of ``fields``
    (attribute names: ``nation_id``, not ``nation``), as the database takes them: JSON as Python objects,
    arrays as lists. Returns how many rows were written; one statement, whatever their number (logged as a
    query where Django logs queries, so query counts include it), and none for no rows."""
    concrete = [model._meta.get_field(name) for name in fields]
    columns = [f.column for f in concrete if isinstance(f, models.Field)]
    if len(columns) != len(fields):
        raise ValueError(f"Not all of {fields} are columns of {model.__name__}.")
    names = ", ".join(f'"{column}"' for column in columns)
    sql = f'COPY "{model._meta.db_table}" ({names}) FROM STDIN'
    remaining = iter(rows)
    first = next(remaining, None)
    if first is None:
        return 0
    written, start = 0, time.monotonic()
    # Django's error wrapper turns psycopg's errors into ``django.db`` ones, as for any other query.
    with connection.cursor() as wrapper, connection.wrap_database_errors, wrapper.cursor.copy(sql) as copy:
        copy.set_types([_type_name(f) for f in concrete if isinstance(f, models.Field)])
        for row in itertools.chain([first], remaining):
            copy.write_row(row)
            written += 1
    if connection.queries_logged:  # psycopg's own cursor bypasses Django's debug wrapper
        connection.queries_log.append({"sql": f"{sql} -- {written} rows", "time": f"{time.monotonic() - start:.3f}"})
    return written
