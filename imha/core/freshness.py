"""Knowing when the project's data has changed, so kept pages and figures are never shown
after the records they were made from have been edited.

How it works
------------
Every SQL statement Django sends is looked at (a database "execute wrapper", installed on
each connection as it opens). An INSERT, UPDATE or DELETE on any table except the
bookkeeping ones (`BOOKKEEPING`, below) replaces the token in `core.DataVersion` with a new
random one, never before the change is visible to others (see below). The token is part
of the key of everything kept until the data changes: the quarterly return's figures
(imha.reports.caching) and the staff list pages (imha.core.kept_pages). The next view
after a change finds nothing kept under the new token and works its page or figures out
again; with no change, the token stays the same and what was kept is used.

Which writes count
------------------
Every table of this project's and Django's models, and any table that is not a model's at
all (raw SQL, a table a migration builds), except a named list of bookkeeping tables whose
writes never change what any kept page or figure shows. It is a list of what to leave out
rather than of what to watch because the kept pages read many tables, and a table added
later by anybody must count without them remembering this module: a table wrongly left in
only makes kept pages be worked out again more often, while a table wrongly left out would
show stale records. The bookkeeping tables have to be left out because they are written
on ordinary page views (a session renewed, an audit entry for a record viewed, the audit
chain sealed after it): counting them would replace the token on nearly every page view,
and nothing kept would ever be used.

Why the SQL and not model signals
---------------------------------
The apps change their tables in many ways that send no `post_save` or `post_delete`
signal: `bulk_create` (outcomes and a new case's issues), `QuerySet.update()` (retention
anonymises clients' dates of birth, cases and activities that way; the breach sweep marks
referrals), `bulk_update` (hospitals' reminder dates) and raw SQL. Every one of them is a
statement through a Django cursor, so looking at statements catches them all, including
ones added later by other people, with no hook in their code. Connecting `post_delete`
receivers would also turn every cascade and queryset delete of the models watched into
row-by-row deletes (Django only deletes in bulk when nobody listens), and with every model
watched that would be every delete in the project.

When the token is replaced
--------------------------
Never visibly before the change: a new token seen while the change is uncommitted could be
read by someone working a page out from the old data, who would keep the old page under
it, unnoticed until it expires. A token replaced with or after the commit is always at
least as new as the data: whoever reads it and then reads the data sees the change. A
rolled-back change takes its replacement with it, so it changes nothing.

- PostgreSQL (production): after the commit (`transaction.on_commit`), once per
  transaction, in its own one-round-trip transaction with synchronous_commit off. Inside
  the user's transaction it would hold the row's lock until their commit: every
  transaction writing data would queue behind every other, and two that also lock each
  other's rows would deadlock. Waiting for the disk flush of a separate commit measured
  6 ms on every public referral; without it, about 0.2 ms.
- SQLite (the demo): inside the user's transaction, just after the write, so it commits
  with the change, atomically. SQLite already lets only one transaction write at a time,
  so this adds no waiting, and a separate commit (with its disk flush) measured 30 ms on
  every public referral.

Why in the database
-------------------
The default cache is each process's own memory. A token kept in one worker's cache would
not reach the others, nor be touched by the task worker's changes. The database is the one
thing every process shares, whatever cache each keeps pages and figures in. Reading the
token is one primary-key lookup on a one-row table per page view, with SQL built once
(`data_version`).

What it cannot see: changes made outside Django (psql, a restored backup), and statements
it does not recognise as writes (see `statement_changes_data`). The lifetime of what is
kept (imha.reports.caching, imha.core.kept_pages) bounds how long those can go unseen, and
managers can recalculate the return at once.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets
import weakref
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from imha.core.kept_sql import fetch_rows, sql_of
from imha.core.models import DataVersion

logger = logging.getLogger(__name__)

# The bookkeeping tables: writes to them never change what a kept page or figure shows, so
# they keep the token. Keys are model labels ("app.Model") or app labels (every table of the
# app); the value says why each may be left out. Nothing kept may show what these tables
# hold (imha.core.kept_pages says so to the pages it keeps).
BOOKKEEPING: dict[str, str] = {
    "sessions": (
        "Sessions are saved on ordinary page views (renewed at most once a minute while a "
        "person is signed in, imha.core.middleware.SlidingSessionMiddleware); no page shows "
        "them."
    ),
    "audit": (
        "Audit entries are written by viewing records and by exports, and the chain head "
        "and each entry's seal after every audited request (imha.audit.services). Only the "
        "audit log's own pages and subject access exports show them, and neither is kept."
    ),
    "accounts.SignInAttempt": (
        "One row per password tried, kept only to throttle guessing; shown in the admin "
        "alone, which is never kept."
    ),
    "otp_totp": (
        "Authenticator devices record the last code used and failures at every sign-in "
        "(django_otp); no kept page shows them."
    ),
    "otp_static": (
        "Backup codes are used up (deleted) at sign-in; only the account page counts them, "
        "and it is never kept."
    ),
    "django_tasks_database": (
        "The background task queue's own rows (queued, started, finished), written for "
        "every email a referral sends. The work a task does is written to the apps' tables "
        "and counts; the queue itself is shown only in the admin, which is never kept."
    ),
    "migrations.Migration": (
        "django_migrations, the record of which migrations have run. The data migrations "
        "themselves write to the apps' tables and count."
    ),
    "admin.LogEntry": (
        "The admin's history of its own edits. The edits themselves count; only the admin, "
        "which is never kept, shows the history."
    ),
    "core.DataVersion": (
        "The token itself: replacing it is not a change to the data, and counting it would "
        "replace it again, without end."
    ),
}

# The table a statement writes to, for the statements Django writes with: INSERT INTO,
# UPDATE and DELETE FROM, plus SQLite's INSERT OR REPLACE / REPLACE INTO. The name may be
# quoted with double quotes (SQLite, PostgreSQL) or backticks. Anchored at the start and
# cheap to fail, so SELECTs, which are nearly every statement, cost almost nothing.
_WRITE_TARGET = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    r"\s+[\"`]?(?:\w+[\"`]?\.[\"`]?)?(\w+)",
    re.IGNORECASE,
)
# Writes whose target is not at the front (a WITH ... UPDATE, MERGE) or that empty whole
# tables (TRUNCATE). Django itself only sends TRUNCATE when flushing a test database, and
# nothing in the project sends the others. They always count: working out which tables
# they write is not worth the risk of getting it wrong for statements this rare.
_OTHER_WRITE = re.compile(r"\s*(?:WITH|MERGE|TRUNCATE)\b", re.IGNORECASE)
_WRITE_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.IGNORECASE)


def tables_of(label: str) -> set[str]:
    """The tables of one BOOKKEEPING entry: a model's, or every one of an app's models'
    (with their many-to-many tables)."""
    if label == MigrationRecorder.Migration._meta.label:
        # Django's own record of migrations is a model it keeps out of the app registry.
        return {MigrationRecorder.Migration._meta.db_table}
    if "." in label:
        models = [apps.get_model(label)]
    else:
        models = list(apps.get_app_config(label).get_models(include_auto_created=True))
    return {model._meta.db_table for model in models}


@functools.cache
def bookkeeping_tables() -> frozenset[str]:
    """The database tables of BOOKKEEPING (read from the models, so a renamed table is
    followed without anybody remembering to change this module)."""
    return frozenset(table for label in BOOKKEEPING for table in tables_of(label))


def statement_changes_data(sql: object) -> bool:
    """Whether this SQL statement may change the data: a write to any table other than the
    bookkeeping ones, including tables that are no model's."""
    if not isinstance(sql, str):
        return False
    target = _WRITE_TARGET.match(sql)
    if target is not None:
        return target.group(1).lower() not in bookkeeping_tables()
    return _OTHER_WRITE.match(sql) is not None and _WRITE_WORD.search(sql) is not None


# --- the token ------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(16)


@functools.cache
def _token_query(using: str) -> tuple[str, tuple[Any, ...]]:
    """The SQL reading the token, built by the ORM once per database (imha.core.kept_sql
    explains the pattern): building it took longer than the database took to answer, on a
    query that runs on every kept page view."""
    return sql_of(
        DataVersion.objects.filter(pk=DataVersion.SINGLETON_ID).values_list("token"), using
    )


def data_version(using: str = DEFAULT_DB_ALIAS) -> str:
    """The current token: one primary-key lookup.

    Read before reading the data, never after: a page or figures worked out after reading
    it include every change committed before it was replaced, so they may be kept under it.
    """
    found = fetch_rows(*_token_query(using), using=using)
    if found:
        return str(found[0][0])
    # No row yet: a new database, or one the test runner has emptied. Another process may
    # be creating it at the same moment, so insert only if still missing and read what won.
    DataVersion.objects.using(using).bulk_create(
        [DataVersion(pk=DataVersion.SINGLETON_ID, token=_new_token())],
        ignore_conflicts=True,
    )
    rows = DataVersion.objects.using(using).filter(pk=DataVersion.SINGLETON_ID)
    return rows.values_list("token", flat=True).get()


def mark_data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the token, so every page and figure kept before now is no longer used.

    One statement (an insert that updates the row if it is there, so it also creates a
    missing row), in whatever transaction is open, or on its own outside one.
    """
    connection = connections[using]
    if (
        connection.vendor == "postgresql"
        and connection.get_autocommit()
        and not connection.in_atomic_block
    ):
        _mark_in_its_own_quick_transaction(connection)
        return
    changed_at = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            _replace_token_sql(using), (DataVersion.SINGLETON_ID, _new_token(), changed_at)
        )


def _upsert(connection: BaseDatabaseWrapper, values: str) -> str:
    """The insert that replaces the token, or creates the row if it is missing, with
    `values` for the id, the token and the time. Both databases take it as written."""
    quote = connection.ops.quote_name
    table = quote(DataVersion._meta.db_table)
    id_, token, changed_at = quote("id"), quote("token"), quote("changed_at")
    # Built from names quoted by Django and the caller's values: nothing from outside.
    return (
        f"INSERT INTO {table} ({id_}, {token}, {changed_at}) VALUES ({values}) "  # noqa: S608
        f"ON CONFLICT ({id_}) DO UPDATE SET {token} = EXCLUDED.{token}, "
        f"{changed_at} = EXCLUDED.{changed_at}"
    )


@functools.cache
def _replace_token_sql(using: str) -> str:
    """The upsert with parameters, built once per database: on SQLite it runs after every
    write that changes the data, and replacing the token took 86 microseconds through the
    ORM's bulk_create, 18 with the SQL kept."""
    return _upsert(connections[using], "%s, %s, %s")


def quick_mark_sql(connection: BaseDatabaseWrapper, token: str) -> str:
    """PostgreSQL: the one string that replaces the token in a transaction of its own with
    synchronous_commit off (see `_mark_in_its_own_quick_transaction`).

    It starts with BEGIN, not with a write, and writes only the token's own table, so the
    execute wrapper never counts it as a change to the data (which would mark again). The
    values are in the text, as several statements in one string cannot take parameters:
    the token is hex digits made by `_new_token`.
    """
    values = f"{DataVersion.SINGLETON_ID}, '{token}', now()"
    return f"BEGIN; SET LOCAL synchronous_commit TO OFF; {_upsert(connection, values)}; COMMIT;"


def _mark_in_its_own_quick_transaction(connection: BaseDatabaseWrapper) -> None:
    """PostgreSQL, after a commit: replace the token in one round trip, without waiting for
    the disk.

    A commit normally waits for its log record to be flushed to disk, which measured 6 ms
    added to every public referral (more than a fifth of its time). The token is not worth
    that: with synchronous_commit off for this one transaction it is visible to everyone at
    once and reaches the disk a fraction of a second later. Only a crash of the database
    server in that moment can lose it, bringing back the token from before the change; the
    pages and figures kept under that one would then be shown until their lifetime ends.

    The statements go as one string, so one round trip. The token is hex digits made by
    `_new_token` and the table name is quoted by Django, so nothing from outside this module
    is interpolated.
    """
    sql = quick_mark_sql(connection, _new_token())
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql)
        except DatabaseError:
            # The BEGIN above went through: end the failed transaction, or the connection
            # would refuse everything after it.
            cursor.execute("ROLLBACK")
            raise


class _MarkAfterCommit:
    """What runs after a commit. Every counted write in a transaction registers the same
    one, and only its first run replaces the token, so a transaction that saves a hundred
    activities costs one statement after its commit, not a hundred.

    Each write registers it again rather than relying on an earlier registration: Django
    drops callbacks registered inside a savepoint that is rolled back, and a write after
    that still needs one. (It also keeps tests honest: one test transaction can hold many
    simulated commits, each running only the callbacks registered since the last.)
    """

    __slots__ = ("done", "using")

    def __init__(self, using: str) -> None:
        self.done = False
        self.using = using

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        _mark_safely(self.using)


# The mark each connection's open transaction will run. Connections belong to one thread,
# so no lock is needed; weak keys, so a closed thread's connections are not kept alive.
_pending: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _MarkAfterCommit] = (
    weakref.WeakKeyDictionary()
)


def _pending_mark(connection: BaseDatabaseWrapper) -> _MarkAfterCommit:
    mark = _pending.get(connection)
    if mark is None or mark.done:
        # Once a mark has run, its transaction has committed; later writes are another's.
        mark = _pending[connection] = _MarkAfterCommit(connection.alias)
    return mark


def _mark_safely(using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the token, logging rather than raising if that fails.

    By the time this runs the user's change has committed, so failing their request now
    would only hide that it worked; at worst kept pages and figures stay until their
    lifetime ends (or a manager recalculates the return). It runs with autocommit on (after
    a commit, or for a statement outside any transaction), so a failed statement spoils no
    transaction.
    """
    try:
        mark_data_changed(using)
    except DatabaseError:
        _report_failure(using)


def _mark_within(connection: BaseDatabaseWrapper) -> None:
    """Replace the token inside the open transaction, in a savepoint of its own, so that
    if it fails the caller's transaction carries on as if it had not been tried."""
    try:
        with transaction.atomic(using=connection.alias):
            mark_data_changed(connection.alias)
    except DatabaseError:
        _report_failure(connection.alias)


def _report_failure(using: str) -> None:
    if DataVersion._meta.db_table not in connections[using].introspection.table_names():
        # Migrating a new database: other apps' migrations write before this app's table
        # exists. With no token yet, nothing can be kept under one, so there is nothing to
        # make stale.
        return
    logger.exception("Could not mark the data as changed")


# --- watching every statement ---------------------------------------------------------------


def watch_statement(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """The execute wrapper: run the statement, then, if it changed the data, ask for a new
    token once the transaction commits."""
    result = execute(sql, params, many, context)
    if statement_changes_data(sql):
        _schedule_mark(context["connection"])
    return result


def _schedule_mark(connection: BaseDatabaseWrapper) -> None:
    if connection.in_atomic_block:
        if connection.vendor == "sqlite":
            # SQLite: in the same transaction, so the new token commits with the change,
            # atomically, and costs no commit (and disk flush) of its own: measured, a
            # separate commit added 30 ms to every public referral. It adds no waiting
            # either, as SQLite lets one transaction write at a time anyway, and this one
            # is already writing. Each write replaces it (about 20 microseconds each), since
            # a savepoint rolled back takes its replacement with it.
            #
            # No savepoint around it: SQLite cannot open one while the statement just run
            # is still being read (an INSERT ... RETURNING), and it does not need one, as a
            # failed statement there spoils nothing else in the transaction.
            try:
                mark_data_changed(connection.alias)
            except DatabaseError:
                _report_failure(connection.alias)
            return
        # PostgreSQL (and others): after the commit. Replacing it inside the transaction
        # would hold the row's lock to the commit, so every transaction that writes data
        # would queue behind every other, and two that also lock each other's rows would
        # deadlock. robust as well: _mark_safely already logs database errors, and nothing
        # else it raises should reach a request that has committed.
        transaction.on_commit(_pending_mark(connection), using=connection.alias, robust=True)
        return
    if connection.get_autocommit():
        # Outside any transaction the statement has committed already.
        _mark_safely(connection.alias)
        return
    # Transactions managed by hand (set_autocommit(False)) have no commit hook in Django,
    # so the token is replaced now, inside them. On PostgreSQL, pages and figures worked out
    # between now and their commit could be kept under the new token; nothing in this
    # project manages transactions by hand.
    _mark_within(connection)


def watch_connection(connection: BaseDatabaseWrapper, **_kwargs: Any) -> None:
    """Install the wrapper on a connection, once.

    It goes first in the list, so it is the outermost wrapper and Django's own
    `execute_wrapper()` context manager, which removes the last wrapper on leaving, can
    never take it away when a connection happens to open inside one.
    """
    if watch_statement not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_statement)


def start_watching() -> None:
    """Called once, from CoreConfig.ready."""
    # Each thread gets its own connection objects, and each fires connection_created when
    # it first connects, before its first statement runs.
    connection_created.connect(watch_connection, dispatch_uid="imha.core.freshness")
    for connection in connections.all(initialized_only=True):
        watch_connection(connection)
