"""Queries whose SQL is built once by the ORM and then kept, for the busiest pages.

Some dashboard figures and list pages come from queries the ORM took ten to twenty times
longer to build than the database took to answer. Their SQL depends only on a few
arguments, so it is built once and kept, and the rows are read with a plain cursor. Only
the SQL and its parameters are kept, never the rows, so every request reads the data
afresh.

Two ways to use it:
- `sql_of` and `fetch_rows`, with the caller's own `lru_cache`d function keyed on the
  arguments and on `connection.vendor` (PostgreSQL and SQLite get different SQL). The rows
  come back as the database sends them, without the ORM's conversions: use this only for
  numbers and text (SQLite gives booleans as 0 and 1, and dates as text).
- `kept_rows`, for a `values_list` query: the rows come back exactly as the queryset would
  give them, converted as the ORM converts them, dates and all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, QuerySet
from django.db.models.query import ValuesListIterable


def sql_of(
    queryset: QuerySet[Any, Any], using: str = DEFAULT_DB_ALIAS
) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters the ORM would run for `queryset` on database `using`."""
    sql, params = queryset.query.get_compiler(using=using).as_sql()
    return sql, tuple(params)


def fetch_rows(
    sql: str, params: tuple[Any, ...], using: str = DEFAULT_DB_ALIAS
) -> list[tuple[Any, ...]]:
    """The rows of SQL from `sql_of`, unconverted."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- converting rows as the ORM does -----------------------------------------------------------


def converters_of(column: Expression, connection: BaseDatabaseWrapper) -> list[Any]:
    """What turns the column's raw value into the field's, as SQLCompiler.get_converters."""
    return connection.ops.get_db_converters(column) + column.get_db_converters(connection)


def columns_to_convert(
    columns: Sequence[Expression], connection: BaseDatabaseWrapper
) -> tuple[tuple[int, Expression], ...]:
    """The selected columns whose values need converting, with their positions. Which ones
    do depends only on the vendor and the fields, so it can be kept; the converters
    themselves are bound to one thread's connection, so they are looked up each time."""
    return tuple(
        (position, column)
        for position, column in enumerate(columns)
        if converters_of(column, connection)
    )


def converted(
    row: Sequence[Any],
    columns: tuple[tuple[int, Expression], ...],
    connection: BaseDatabaseWrapper,
) -> list[Any]:
    """The row's values as a queryset would give them (see SQLCompiler.apply_converters)."""
    return converted_rows([row], columns, connection)[0]


def converted_rows(
    rows: Sequence[Sequence[Any]],
    columns: tuple[tuple[int, Expression], ...],
    connection: BaseDatabaseWrapper,
) -> list[list[Any]]:
    """`converted` for many rows, with the converters looked up once for all of them, as
    SQLCompiler.results_iter does, rather than once a row."""
    converters = [
        (position, column, converters_of(column, connection)) for position, column in columns
    ]
    result = []
    for row in rows:
        values = list(row)
        for position, column, column_converters in converters:
            for convert in column_converters:
                values[position] = convert(values[position], column, connection)
        result.append(values)
    return result


# --- values_list queries kept by key -----------------------------------------------------------

# How many queries each process keeps; the oldest goes first. A caseload keeps three for each
# person each day, so this is some hundreds of people's, and a few megabytes at most.
KEPT_ROWS_LIMIT = 2000


@dataclass(frozen=True)
class _KeptRowsQuery:
    # None for a query the ORM knows matches nothing (`.none()`, `pk__in=[]`): it runs no SQL.
    sql: str | None
    params: tuple[Any, ...]
    width: int
    columns: tuple[tuple[int, Expression], ...]


_kept_queries: dict[tuple[Hashable, str, str], _KeptRowsQuery] = {}
_kept_queries_lock = threading.Lock()


def kept_rows(
    key: Hashable,
    build: Callable[[], QuerySet[Any, tuple[Any, ...]]],
    using: str = DEFAULT_DB_ALIAS,
) -> list[tuple[Any, ...]]:
    """`list(build())` for a `values_list` query, with the ORM building its SQL only the
    first time this process sees `key`.

    `key` must name everything the query's SQL and parameters depend on (whose records, which
    days, which page): two calls with the same key run the same SQL, whatever their `build`
    would have made. Put the module and purpose first so keys from different places never
    meet, and keep the person's id and anything their visibility depends on in it.
    """
    connection = connections[using]
    full_key = (key, connection.vendor, using)
    kept = _kept_queries.get(full_key)
    if kept is None:
        kept = _prepared(build(), connection)
        with _kept_queries_lock:
            while len(_kept_queries) >= KEPT_ROWS_LIMIT:
                del _kept_queries[next(iter(_kept_queries))]
            _kept_queries[full_key] = kept
    if kept.sql is None:
        return []
    rows = fetch_rows(kept.sql, kept.params, using)
    trimmed = [row[: kept.width] for row in rows]
    return [tuple(values) for values in converted_rows(trimmed, kept.columns, connection)]


def _prepared(queryset: QuerySet[Any, Any], connection: BaseDatabaseWrapper) -> _KeptRowsQuery:
    if queryset._iterable_class is not ValuesListIterable:
        raise TypeError("kept_rows keeps values_list queries only (not flat, not named).")
    compiler = queryset.query.get_compiler(connection=connection)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        # As SQLCompiler.execute_sql: the answer is no rows, whatever the data.
        return _KeptRowsQuery(sql=None, params=(), width=0, columns=())
    # As SQLCompiler.results_iter: the first `col_count` columns are the values asked for;
    # any after them are extra columns the SQL needed, and are dropped from each row.
    selected = [column for column, _sql, _alias in compiler.select[: compiler.col_count]]
    return _KeptRowsQuery(
        sql=sql,
        params=tuple(params),
        width=compiler.col_count,
        columns=columns_to_convert(selected, connection),
    )


def forget_kept_rows() -> None:
    """Drop every kept query (tests; nothing else needs to: a query's SQL never goes stale
    while its key says everything it depends on)."""
    with _kept_queries_lock:
        _kept_queries.clear()


class KeptPages:
    """A `values_list` query for a Paginator to slice, each page read by `kept_rows` under
    `key` and the page's bounds. The Paginator must be told the count (KnownCountPaginator):
    this object cannot count itself."""

    def __init__(self, key: Hashable, build: Callable[[], QuerySet[Any, tuple[Any, ...]]]):
        self.key = key
        self.build = build

    def __getitem__(self, index: slice) -> list[tuple[Any, ...]]:
        if not isinstance(index, slice) or index.step is not None or index.start is None:
            raise TypeError("KeptPages is sliced by a Paginator: [start:stop] only.")
        start, stop = index.start, index.stop
        return kept_rows((self.key, start, stop), lambda: self.build()[start:stop])
