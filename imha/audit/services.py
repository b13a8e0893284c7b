"""Writing and checking the audit log.

Every service that reads or changes personal data calls `record` inside its own
transaction, so an action and its audit entry are saved together or not at all. Entries are
chained by `seal_pending` after that transaction commits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from functools import partial

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from imha.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
CHAIN_HEAD_ID = 1
# Entries sealed per transaction; a backlog (after an outage of the sealer, say) is worked
# through in batches of this size so no transaction grows without bound.
SEAL_BATCH_SIZE = 500

# The sealer's statements, written out rather than built by the ORM each time: sealing runs
# after every audited request in the system, and building these through the ORM cost
# several times the processor time the database takes to run them. Both databases accept
# them as written (SQLite has had UPDATE ... RETURNING since 3.35). The table names are the
# models' own, fixed by the migrations; tests/audit/test_sealing_cost.py checks they match.
WAITING_SQL = "SELECT 1 FROM audit_auditevent WHERE id = %s AND chain_position IS NULL"
LOCK_HEAD_SQL = (
    "UPDATE audit_auditchainhead SET last_hash = last_hash WHERE id = %s "
    "RETURNING last_hash, last_position"
)
SEAL_SQL = (
    "UPDATE audit_auditevent SET chain_position = %s, previous_hash = %s, entry_hash = %s "
    "WHERE id = %s"
)
MOVE_HEAD_SQL = "UPDATE audit_auditchainhead SET last_hash = %s, last_position = %s WHERE id = %s"


@dataclass(frozen=True)
class EntryContent:
    """What an audit entry says, apart from its place in the chain."""

    occurred_at: datetime
    actor_id: int | None
    actor_username: str
    actor_role: str
    action: str
    object_type: str
    object_id: str
    summary: str
    ip_address: str | None

    @classmethod
    def of(cls, event: AuditEvent) -> EntryContent:
        return cls(**{field: getattr(event, field) for field in cls.__dataclass_fields__})

    def digest(self, previous_hash: str) -> str:
        # A canonical JSON form (sorted keys, UTC timestamp to the microsecond) hashes the
        # same on SQLite and PostgreSQL, whatever each does to datetimes on the way through.
        content = {**asdict(self), "previous_hash": previous_hash}
        content["occurred_at"] = self.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
        encoded = json.dumps(content, sort_keys=True, separators=(",", ":")).encode("utf-8")
        return hashlib.sha256(encoded).hexdigest()


def request_ip(request: HttpRequest | None) -> str | None:
    """The address a request came from, for audit entries, throttling and rate limits.

    REMOTE_ADDR is the proxy's view in production, and the proxy is set up to pass the real
    address (gunicorn --forwarded-allow-ips), so a client-sent X-Forwarded-For is never read.
    """
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record(
    *,
    actor: object | None,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Add one entry to the log, inside the caller's transaction.

    `actor` is the user who acted (None for the public or the system). `object_type` is a
    short stable name such as "referral"; `summary` must not contain health details.

    The entry is saved with the action it describes, so both are kept or neither is. It is
    sealed into the hash chain once that transaction commits: chaining inside it would hold
    the chain's lock for the whole of every audited request, and every audited request in
    the system would then queue behind the slowest one.
    """
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    content = EntryContent(
        occurred_at=timezone.now(),
        actor_id=actor_id,
        actor_username=getattr(actor, "username", "") if actor_id else "",
        actor_role=getattr(actor, "role", "") if actor_id else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        summary=summary[:300],
        ip_address=request_ip(request),
    )
    event = AuditEvent.objects.create(**asdict(content))
    # robust: the action has already been committed by the time this runs, so a failure to
    # seal must not turn it into an error page; the next seal, or verify_audit, picks the
    # entry up.
    transaction.on_commit(partial(seal_after_commit, event.pk), robust=True)
    return event


def seal_after_commit(event_id: int) -> None:
    """Make sure one newly committed entry is in the chain.

    Under load another request's sealer has often already taken this entry into its batch
    while this request waited, so look before queueing for the lock.
    """
    with connection.cursor() as cursor:
        cursor.execute(WAITING_SQL, [event_id])
        waiting = cursor.fetchone() is not None
    if waiting:
        seal_pending()


def seal_pending(batch_size: int = SEAL_BATCH_SIZE) -> int:
    """Chain every entry not yet sealed, oldest first; return how many were sealed.

    Entries join the chain in the order they are sealed, which is close to, but not always,
    the order of their ids: a transaction that began earlier can commit later.
    """
    sealed = 0
    while True:
        with transaction.atomic():
            head = lock_chain_head()
            # The ORM reads the entries, so their times come back exactly as `verify_audit`
            # will read them when it recomputes the hashes.
            pending = list(
                AuditEvent.objects.filter(chain_position__isnull=True).order_by("id")[:batch_size]
            )
            previous_hash, position = head.last_hash, head.last_position
            seals = []
            for event in pending:
                position += 1
                event_hash = EntryContent.of(event).digest(previous_hash)
                seals.append((position, previous_hash, event_hash, event.pk))
                previous_hash = event_hash
            if seals:
                with connection.cursor() as cursor:
                    # One statement sent for every entry (psycopg pipelines them): unlike
                    # the ORM's bulk_update, no CASE expression as long as the batch to build.
                    cursor.executemany(SEAL_SQL, seals)
                    cursor.execute(MOVE_HEAD_SQL, [previous_hash, position, head.pk])
        sealed += len(pending)
        if len(pending) < batch_size:
            return sealed


def lock_chain_head() -> AuditChainHead:
    """Lock the chain head for the current transaction, creating it on first use.

    A no-op UPDATE takes the lock on both databases: a row lock on PostgreSQL, and on SQLite
    the write lock at once, rather than a read lock that would have to be upgraded later
    and could fail if another writer got there first. RETURNING reads the head in the same
    statement, so locking costs one round trip rather than two.
    """
    with connection.cursor() as cursor:
        cursor.execute(LOCK_HEAD_SQL, [CHAIN_HEAD_ID])
        row = cursor.fetchone()
        if row is None:
            AuditChainHead.objects.get_or_create(
                pk=CHAIN_HEAD_ID, defaults={"last_hash": GENESIS_HASH, "last_position": 0}
            )
            cursor.execute(LOCK_HEAD_SQL, [CHAIN_HEAD_ID])
            row = cursor.fetchone()
    return AuditChainHead(pk=CHAIN_HEAD_ID, last_hash=row[0], last_position=row[1])


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str


def find_chain_problems(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the sealed log in chain order, recomputing every hash; yield each break."""
    expected_previous = GENESIS_HASH
    expected_position = 1
    last_position = 0
    last_id = 0
    while True:
        batch = list(
            AuditEvent.objects.filter(chain_position__gt=last_position).order_by("chain_position")[
                :batch_size
            ]
        )
        if not batch:
            break
        for event in batch:
            # The query picked sealed entries only, so these are set.
            position = event.chain_position or 0
            previous_hash = event.previous_hash or ""
            if previous_hash != expected_previous or position != expected_position:
                yield ChainProblem(event.id, "does not follow the entry before it")
            recomputed = EntryContent.of(event).digest(previous_hash)
            if recomputed != event.entry_hash:
                yield ChainProblem(event.id, "its content has changed since it was written")
            expected_previous = event.entry_hash or ""
            expected_position = position + 1
            last_position = position
            last_id = event.id
    head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).first()
    if head is not None and (
        head.last_hash != expected_previous or head.last_position != last_position
    ):
        yield ChainProblem(last_id, "entries after this one have been removed")
