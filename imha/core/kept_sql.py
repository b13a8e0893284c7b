"""Queries whose SQL is built once by the ORM and then kept, for the busiest figures.

Some dashboard figures come from queries the ORM took ten to twenty times longer to build
than the database took to answer. Their SQL depends only on a few arguments, so a selector
builds it once with an `lru_cache`d function (keyed on those arguments and on
`connection.vendor`, since PostgreSQL and SQLite get different SQL) and reads the rows with
a plain cursor. Only the SQL and its parameters are kept, never the rows, so every request
reads the figures afresh. The rows come back as the database sends them, without the ORM's
conversions: use this only for numbers and text (SQLite gives booleans as 0 and 1).
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet


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
