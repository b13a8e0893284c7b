"""Knowing when the data behind the quarterly return has changed, so kept figures are never
shown after the records they were counted from have been edited.

How it works
------------
Every SQL statement Django sends is looked at (a database "execute wrapper", installed on
each connection as it opens). An INSERT, UPDATE or DELETE on a table the return reads
replaces the token in `ReportingDataVersion` with a new random one, never before the
change is visible to others (see below). The token is part of the key of every kept
return (imha.reports.caching), so the next view after a change finds nothing kept under
the new token and counts again; with no change, the token stays the same and the kept
figures are used.

Why the SQL and not model signals
---------------------------------
The apps change these tables in many ways that send no `post_save` or `post_delete`
signal: `bulk_create` (outcomes and a new case's issues), `QuerySet.update()` (retention
anonymises clients' dates of birth, cases and activities that way; the breach sweep marks
referrals), `bulk_update` (hospitals' reminder dates) and raw SQL. Every one of them is a
statement through a Django cursor, so looking at statements catches them all, including
ones added later by other people, with no hook in their code. Connecting `post_delete`
receivers would also turn every cascade and queryset delete of those models into
row-by-row deletes (Django only deletes in bulk when nobody listens).

When the token is replaced
--------------------------
Never visibly before the change: a new token seen while the change is uncommitted could be
read by someone counting the old data, who would keep old figures under it, unnoticed
until they expire. A token replaced with or after the commit is always at least as new
as the data: whoever reads it and counts sees the change. A rolled-back change takes its
replacement with it, so it changes nothing.

- PostgreSQL (production): after the commit (`transaction.on_commit`), once per
  transaction, in its own one-round-trip transaction with synchronous_commit off. Inside
  the user's transaction it would hold the row's lock until their commit: every transaction
  writing reported data would queue behind every other, and two that also lock each
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
thing every process shares, whatever cache each keeps figures in. Reading the token is one
primary-key lookup on a one-row table per page view.

What it cannot see: changes made outside Django (psql, a restored backup), and statements
it does not recognise as writes (see `statement_changes_reported_data`). The kept figures'
lifetime (imha.reports.caching) bounds how long those can go unseen, and managers can
recalculate at once.
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

from imha.reports.models import ReportingDataVersion

logger = logging.getLogger(__name__)

# Every model whose table any figure in the return reads (imha.reports.selectors). Case
# issues are read only as the path from an outcome to its case's hospital, and hospitals
# for their names and whether they are active, but a change to either can change a figure.
REPORTED_MODELS: tuple[str, ...] = (
    "referrals.Referral",
    "cases.Client",
    "cases.Case",
    "cases.CaseIssue",
    "cases.IssueOutcome",
    "cases.Activity",
    "hospitals.Hospital",
    "hospitals.QualifyingNotice",
)

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
# tables (TRUNCATE). Django itself only sends TRUNCATE when flushing a test database; they
# are taken as a change if they name a reported table anywhere.
_OTHER_WRITE = re.compile(r"\s*(?:WITH|MERGE|TRUNCATE)\b", re.IGNORECASE)
_WRITE_WORD = re.compile(r"\b(?:INSERT|UPDATE|DELETE|MERGE|TRUNCATE)\b", re.IGNORECASE)


@functools.cache
def reported_tables() -> frozenset[str]:
    """The database tables of REPORTED_MODELS (read from the models, so a renamed table is
    followed without anybody remembering to change this module)."""
    return frozenset(apps.get_model(label)._meta.db_table for label in REPORTED_MODELS)


@functools.cache
def _reported_table_anywhere() -> re.Pattern[str]:
    # Whole words only: cases_case must not match cases_casenote.
    names = "|".join(sorted(map(re.escape, reported_tables())))
    return re.compile(rf"\b(?:{names})\b", re.IGNORECASE)


def statement_changes_reported_data(sql: object) -> bool:
    """Whether this SQL statement may change a table the return reads."""
    if not isinstance(sql, str):
        return False
    tables = reported_tables()
    target = _WRITE_TARGET.match(sql)
    if target is not None:
        return target.group(1).lower() in tables
    if _OTHER_WRITE.match(sql) and _WRITE_WORD.search(sql):
        return _reported_table_anywhere().search(sql) is not None
    return False


# --- the token ------------------------------------------------------------------------------


def _new_token() -> str:
    return secrets.token_hex(16)


def data_version(using: str = DEFAULT_DB_ALIAS) -> str:
    """The current token: one primary-key lookup.

    Read before counting, never after: figures counted after reading it include every
    change committed before it was replaced, so they may be kept under it.
    """
    rows = ReportingDataVersion.objects.using(using).filter(pk=ReportingDataVersion.SINGLETON_ID)
    token = rows.values_list("token", flat=True).first()
    if token is not None:
        return token
    # No row yet: a new database, or one the test runner has emptied. Another process may
    # be creating it at the same moment, so insert only if still missing and read what won.
    ReportingDataVersion.objects.using(using).bulk_create(
        [ReportingDataVersion(pk=ReportingDataVersion.SINGLETON_ID, token=_new_token())],
        ignore_conflicts=True,
    )
    return rows.values_list("token", flat=True).get()


def mark_data_changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the token, so every kept return counted before now is no longer used.

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
    ReportingDataVersion.objects.using(using).bulk_create(
        [ReportingDataVersion(pk=ReportingDataVersion.SINGLETON_ID, token=_new_token())],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["token", "changed_at"],
    )


def _mark_in_its_own_quick_transaction(connection: BaseDatabaseWrapper) -> None:
    """PostgreSQL, after a commit: replace the token in one round trip, without waiting for
    the disk.

    A commit normally waits for its log record to be flushed to disk, which measured 6 ms
    added to every public referral (more than a fifth of its time). The token is not worth
    that: with synchronous_commit off for this one transaction it is visible to everyone at
    once and reaches the disk a fraction of a second later. Only a crash of the database
    server in that moment can lose it, bringing back the token from before the change; the
    figures kept under that one would then be shown until their lifetime ends.

    The statements go as one string, so one round trip. The token is hex digits made here
    and the table name is quoted by Django, so nothing outside this module is interpolated.
    """
    token = _new_token()
    quote = connection.ops.quote_name
    table = quote(ReportingDataVersion._meta.db_table)
    # Built from names quoted by Django and the hex token made above: nothing from outside.
    sql = (
        "BEGIN; SET LOCAL synchronous_commit TO OFF; "  # noqa: S608
        f"INSERT INTO {table} ({quote('id')}, {quote('token')}, {quote('changed_at')}) "
        f"VALUES ({ReportingDataVersion.SINGLETON_ID}, '{token}', now()) "
        f"ON CONFLICT ({quote('id')}) DO UPDATE SET {quote('token')} = EXCLUDED.{quote('token')}, "
        f"{quote('changed_at')} = EXCLUDED.{quote('changed_at')}; COMMIT;"
    )
    with connection.cursor() as cursor:
        try:
            cursor.execute(sql)
        except DatabaseError:
            # The BEGIN above went through: end the failed transaction, or the connection
            # would refuse everything after it.
            cursor.execute("ROLLBACK")
            raise


class _MarkAfterCommit:
    """What runs after a commit. Every reported write in a transaction registers the same
    one, and only its first run replaces the token, so a transaction that saves a hundred
    activities costs one statement after its commit, not a hundred.

    Each write registers it again rather than relying on an earlier registration: Django
    drops callbacks registered inside a savepoint that is rolled back, and a write after
    that still needs one. (It also keeps tests honest: one test transaction can hold many
    simulated commits, each running only the callbacks registered since the last.)
    """

    __slots__ = ("done",)

    def __init__(self) -> None:
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        self.done = True
        _mark_safely()


# The mark each connection's open transaction will run. Connections belong to one thread,
# so no lock is needed; weak keys, so a closed thread's connections are not kept alive.
_pending: weakref.WeakKeyDictionary[BaseDatabaseWrapper, _MarkAfterCommit] = (
    weakref.WeakKeyDictionary()
)


def _pending_mark(connection: BaseDatabaseWrapper) -> _MarkAfterCommit:
    mark = _pending.get(connection)
    if mark is None or mark.done:
        # Once a mark has run, its transaction has committed; later writes are another's.
        mark = _pending[connection] = _MarkAfterCommit()
    return mark


def _mark_safely(using: str = DEFAULT_DB_ALIAS) -> None:
    """Replace the token, logging rather than raising if that fails.

    By the time this runs the user's change has committed, so failing their request now
    would only hide that it worked; at worst the kept figures stay until their lifetime
    ends (or a manager recalculates). It runs with autocommit on (after a commit, or for a
    statement outside any transaction), so a failed statement spoils no transaction.
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
    if ReportingDataVersion._meta.db_table not in connections[using].introspection.table_names():
        # Migrating a new database: other apps' data migrations write before this app's
        # table exists. With no token yet, no figures can be kept under one, so there is
        # nothing to make stale.
        return
    logger.exception("Could not mark the quarterly return's data as changed")


# --- watching every statement ---------------------------------------------------------------


def watch_statement(
    execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]
) -> Any:
    """The execute wrapper: run the statement, then, if it wrote to a reported table, ask for
    a new token once the transaction commits."""
    result = execute(sql, params, many, context)
    if statement_changes_reported_data(sql):
        _schedule_mark(context["connection"])
    return result


def _schedule_mark(connection: BaseDatabaseWrapper) -> None:
    if connection.in_atomic_block:
        if connection.vendor == "sqlite":
            # SQLite: in the same transaction, so the new token commits with the change,
            # atomically, and costs no commit (and disk flush) of its own: measured, a
            # separate commit added 30 ms to every public referral. It adds no waiting
            # either, as SQLite lets one transaction write at a time anyway, and this one
            # is already writing. Each write replaces it (a few microseconds each), since a
            # savepoint rolled back takes its replacement with it.
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
        # would hold the row's lock to the commit, so every transaction that writes
        # reported data would queue behind every other, and two that also lock each
        # other's rows would deadlock. robust as well: _mark_safely already logs database
        # errors, and nothing else it raises should reach a request that has committed.
        transaction.on_commit(_pending_mark(connection), using=connection.alias, robust=True)
        return
    if connection.get_autocommit():
        # Outside any transaction the statement has committed already.
        _mark_safely()
        return
    # Transactions managed by hand (set_autocommit(False)) have no commit hook in Django,
    # so the token is replaced now, inside them. On PostgreSQL, figures counted between
    # now and their commit could be kept under the new token; nothing in this project
    # manages transactions by hand.
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
    """Called once, from ReportsConfig.ready."""
    # Each thread gets its own connection objects, and each fires connection_created when
    # it first connects, before its first statement runs.
    connection_created.connect(watch_connection, dispatch_uid="imha.reports.freshness")
    for connection in connections.all(initialized_only=True):
        watch_connection(connection)
