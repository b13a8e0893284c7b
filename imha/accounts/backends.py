"""Signed-in requests look up their person and authenticator with kept SQL.

Every signed-in request loads two rows before its view runs: the person, by the id in the
session (`django.contrib.auth.get_user` asks the session's backend), and the authenticator
that passed the second factor, by the persistent id django-otp keeps in the session
(`imha.accounts.middleware`). Through the ORM those two lookups were about half of what
the staff dashboard cost, almost all of it spent building the same SQL again; the
database's part was small. Their SQL never changes, so it is built once by the ORM and kept
as in `imha.core.kept_sql`, and the row is read with a plain cursor.

Only how the row is read changes; what is done with it does not:
- The row becomes a model instance through `Model.from_db` after the same database and
  field conversions the ORM applies, so on SQLite `is_active` is a bool and `last_login` a
  datetime, exactly as from a queryset.
- The id is prepared and range-checked as an ORM lookup would: a missing person, or one
  whose id cannot exist, is None.
- `get_user` still refuses anyone `user_can_authenticate` refuses (an inactive person),
  and `django.contrib.auth.get_user` still compares the session's password hash with the
  person's afterwards, so deactivating someone or changing their password ends their other
  sessions on their next request.
- Signing in (the password check), permissions and the async methods are ModelBackend's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import Expression, Model

from imha.accounts.models import User
from imha.core.kept_sql import columns_to_convert, converted, fetch_rows, sql_of

# The id the kept SQL is built with; its one parameter is swapped for the real id each time.
_PLACEHOLDER_ID = 0


@dataclass(frozen=True)
class _KeptSelectByPk:
    """A model's `SELECT ... WHERE pk = %s`, and what is needed to turn its row into one."""

    sql: str
    # The model field each selected column fills, in order.
    field_names: tuple[str, ...]
    # The columns whose values the database or the field converts, with their positions:
    # which ones need it depends only on the vendor and the fields, so it is kept; the
    # converters themselves are bound to a thread's connection, so they are not.
    converted_columns: tuple[tuple[int, Expression], ...]


@lru_cache(maxsize=16)
def _select_by_pk(model: type[Model], vendor: str) -> _KeptSelectByPk:
    # Keyed on the vendor because PostgreSQL and SQLite get different SQL (and converters).
    queryset = model._default_manager.filter(pk=_PLACEHOLDER_ID)
    sql, params = sql_of(queryset)
    if params != (_PLACEHOLDER_ID,):
        # A default manager that adds its own conditions would make the placeholder
        # ambiguous; refuse rather than run SQL whose parameters might be misplaced.
        raise ImproperlyConfigured(
            f"{model.__name__}'s default manager adds parameters {params!r}; "
            "it cannot be looked up with kept SQL."
        )
    compiler = queryset.query.get_compiler(DEFAULT_DB_ALIAS)
    compiler.setup_query()
    columns = [column for column, _sql, _alias in compiler.select]
    return _KeptSelectByPk(
        sql=sql,
        field_names=tuple(column.target.attname for column in columns),
        converted_columns=columns_to_convert(columns, connection),
    )


def kept_instance_by_pk[ModelT: Model](model: type[ModelT], pk: Any) -> ModelT | None:
    """`model._default_manager.filter(pk=pk).first()`, with SQL built once: one query.

    Only for models with an integer primary key and no relations loaded with them.
    """
    pk_field = model._meta.pk
    if pk_field is None:
        raise TypeError(f"{model.__name__} has no primary key to look up by.")
    # As the ORM's exact lookup prepares its value: a value that is not a number raises
    # the same error, and one outside the column's range matches nothing.
    prepared = pk_field.get_prep_value(pk)
    if prepared is None:
        return None
    lowest, highest = connection.ops.integer_field_range(pk_field.get_internal_type())
    if (lowest is not None and prepared < lowest) or (highest is not None and prepared > highest):
        return None
    kept = _select_by_pk(model, connection.vendor)
    rows = fetch_rows(kept.sql, (pk_field.get_db_prep_value(prepared, connection, prepared=True),))
    if not rows:
        return None
    values = converted(rows[0], kept.converted_columns, connection)
    return model.from_db(connection.alias, kept.field_names, values)


class KeptSqlModelBackend(ModelBackend):
    """ModelBackend, with the person behind each signed-in request loaded by kept SQL."""

    def get_user(self, user_id: Any) -> User | None:
        user = kept_instance_by_pk(get_user_model(), user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
