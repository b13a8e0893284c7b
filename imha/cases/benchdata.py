"""Benchmark data for case work: many clients, each with a case and a legal status, and
many activities. Called by `manage.py bench_data` (see imha/core/management/commands).

Rows are made with bulk_create in batches, skipping services and the audit log: this is
volume for measuring pages, not a record of anything that happened. Names are plainly
fictional ("Bench Client 123"). The open cases' statutory dates are stored as the
services would store them (`stored_deadlines.rebuild`, a few queries a batch).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Max
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.cases import stored_deadlines
from imha.cases.matching import normalised_name
from imha.cases.models import (
    ACTIVE_STATUSES,
    Activity,
    ActivityKind,
    Case,
    CaseStatus,
    Client,
    ClosureReason,
    LegalStatusPeriod,
)

BATCH = 5000
# Most cases in a service's history are closed; an advocate carries about a hundred open.
OPEN_SHARE = 0.08
STATUS_CODES = ["s2", "s3", "s3", "s3", "s17a", "s37", "s37/41", "conditional_discharge"]
ACTIVITY_KINDS = list(ActivityKind.values)

STAFF_PAGES: list[tuple[str, str, str]] = [
    ("my caseload", "/staff/cases/mine/", Role.ADVOCATE.value),
    ("allocation", "/staff/cases/allocation/", Role.MANAGER.value),
    ("case list", "/staff/cases/", Role.MANAGER.value),
]


def _case_rows(
    clients: list[Client], advocates: list[User], offset: int, rng: random.Random, today: date
) -> list[Case]:
    cases = []
    for index, client in enumerate(clients):
        number = offset + index
        opened = today - timedelta(days=rng.randint(1, 6 * 365))
        # The first case of each batch is open and the first advocate's: bench_data counts the
        # queries of the first advocate's caseload at the small size too, and an empty list
        # skips the query for its page of rows, which made the count depend on luck.
        is_open = rng.random() < OPEN_SHARE or index == 0
        opened_at = timezone.make_aware(datetime.combine(opened, time(9, 0)))
        cases.append(
            Case(
                client=client,
                status=CaseStatus.OPEN if is_open else CaseStatus.CLOSED,
                opened_at=opened_at,
                closed_at=None if is_open else opened_at + timedelta(days=rng.randint(7, 200)),
                closure_reason="" if is_open else ClosureReason.WORK_COMPLETE,
                allocated_advocate=advocates[index % len(advocates)] if advocates else None,
                allocated_at=opened_at,
                ward="Bench Ward",
                legal_status_code=STATUS_CODES[number % len(STATUS_CODES)],
            )
        )
    return cases


def generate(*, clients: int, activities: int, staff: dict[str, list[User]]) -> None:
    advocates = staff.get(Role.ADVOCATE, [])
    rng = random.Random(clients * 7919 + activities)  # noqa: S311 - fictional data only
    today = timezone.localdate()
    offset = (Client.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    case_refs: list[tuple[int, int | None]] = []
    for start in range(0, clients, BATCH):
        size = min(BATCH, clients - start)
        made = Client.objects.bulk_create(
            Client(
                first_name="Bench",
                last_name=f"Client {offset + start + n}",
                normalised_name=normalised_name("Bench", f"Client {offset + start + n}"),
                date_of_birth=date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000)),
            )
            for n in range(size)
        )
        cases = Case.objects.bulk_create(
            _case_rows(made, advocates, offset + start, rng, today), batch_size=BATCH
        )
        LegalStatusPeriod.objects.bulk_create(
            (
                LegalStatusPeriod(
                    case=case,
                    status_code=case.legal_status_code,
                    started_on=case.opened_at.date() - timedelta(days=rng.randint(0, 30)),
                    first_medication_on=case.opened_at.date(),
                )
                for case in cases
            ),
            batch_size=BATCH,
        )
        stored_deadlines.rebuild(
            [case.pk for case in cases if case.status in ACTIVE_STATUSES], today=today
        )
        case_refs.extend((case.pk, case.allocated_advocate_id) for case in cases)
    if not case_refs:
        case_refs = list(Case.objects.values_list("pk", "allocated_advocate_id")[:BATCH])
    if not case_refs:
        return
    for start in range(0, activities, BATCH):
        size = min(BATCH, activities - start)
        rows = []
        for _ in range(size):
            case_id, advocate_id = case_refs[rng.randrange(len(case_refs))]
            rows.append(
                Activity(
                    case_id=case_id,
                    advocate_id=advocate_id,
                    kind=ACTIVITY_KINDS[rng.randrange(len(ACTIVITY_KINDS))],
                    occurs_on=today + timedelta(days=rng.randint(-6 * 365, 30)),
                    starts_at_time=time(rng.randint(9, 16), 0),
                    duration_minutes=rng.choice((15, 30, 45, 60, 90)),
                )
            )
        Activity.objects.bulk_create(rows, batch_size=BATCH)
