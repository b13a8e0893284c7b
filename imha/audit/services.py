"""Writing and checking the audit log.

Every service that reads or changes personal data calls `record` inside its own
transaction, so an action and its audit entry are saved together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from imha.audit.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
CHAIN_HEAD_ID = 1


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


@transaction.atomic
def record(
    *,
    actor: object | None,
    action: str,
    object_type: str,
    object_id: object = "",
    summary: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Add one entry to the log, chained to the entry before it.

    `actor` is the user who acted (None for the public or the system). `object_type` is a
    short stable name such as "referral"; `summary` must not contain health details.
    """
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(
        pk=CHAIN_HEAD_ID, defaults={"last_hash": GENESIS_HASH}
    )
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
    digest = content.digest(head.last_hash)
    event = AuditEvent.objects.create(
        previous_hash=head.last_hash, entry_hash=digest, **asdict(content)
    )
    head.last_hash = digest
    head.save(update_fields=["last_hash"])
    return event


@dataclass(frozen=True)
class ChainProblem:
    event_id: int
    reason: str


def find_chain_problems(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Walk the log in order, recomputing every hash; yield each place the chain breaks."""
    expected_previous = GENESIS_HASH
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            break
        for event in batch:
            if event.previous_hash != expected_previous:
                yield ChainProblem(event.id, "does not follow the entry before it")
            recomputed = EntryContent.of(event).digest(event.previous_hash)
            if recomputed != event.entry_hash:
                yield ChainProblem(event.id, "its content has changed since it was written")
            expected_previous = event.entry_hash
            last_id = event.id
    head = AuditChainHead.objects.filter(pk=CHAIN_HEAD_ID).first()
    if head is not None and head.last_hash != expected_previous:
        yield ChainProblem(last_id, "entries after this one have been removed")
