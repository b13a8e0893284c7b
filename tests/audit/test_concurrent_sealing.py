"""Many requests writing audit entries at once still give one unbroken chain.

Only PostgreSQL serves concurrent requests in production; SQLite's test database is a single
in-memory file that threads cannot write to at the same time.
"""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from imha.audit import services as audit
from imha.audit.models import AuditAction, AuditChainHead, AuditEvent

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
]

WRITERS = 8
ENTRIES_EACH = 15


def write_entries(writer: int, start: threading.Barrier, failures: list[BaseException]) -> None:
    try:
        start.wait(timeout=10)
        for number in range(ENTRIES_EACH):
            # Each entry in its own transaction, as each request has; the seal runs when it
            # commits.
            with transaction.atomic():
                audit.record(
                    actor=None,
                    action=AuditAction.VIEW,
                    object_type="case",
                    object_id=f"{writer}-{number}",
                )
    except BaseException as error:  # reported by the test, not lost in the thread
        failures.append(error)
    finally:
        close_old_connections()
        connection.close()


def test_concurrent_writers_leave_every_entry_sealed_in_one_chain() -> None:
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []
    threads = [
        threading.Thread(target=write_entries, args=(writer, start, failures))
        for writer in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    total = WRITERS * ENTRIES_EACH
    assert AuditEvent.objects.count() == total
    assert not AuditEvent.objects.filter(chain_position__isnull=True).exists()
    positions = sorted(AuditEvent.objects.values_list("chain_position", flat=True))
    assert positions == list(range(1, total + 1))
    assert AuditChainHead.objects.get().last_position == total
    assert list(audit.find_chain_problems()) == []
