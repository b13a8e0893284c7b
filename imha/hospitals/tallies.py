"""Keeping `FirstInformationTally` in step with the notices it counts.

Each notice with a qualifying day adds one to the tally row for its hospital, qualifying day
and deadline, and one to each "in time" count it meets. When a service changes a notice it
notes the notice's contribution before and after, and `record_changes` moves the difference
in the same transaction. `rebuild` works the rows out afresh from the notices, for the data
migration and for bulk-loaded benchmark data; it takes the model classes so the migration
can pass its historical ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from imha.hospitals.models import FirstInformationTally, QualifyingNotice


@dataclass(frozen=True)
class Contribution:
    """What one notice adds to the tallies."""

    hospital_id: int
    qualifying_since: date
    information_due_by: date
    told_verbally_in_time: bool
    given_in_writing_in_time: bool


def contribution(notice: QualifyingNotice) -> Contribution | None:
    """The notice's share of the tallies; None if it has never qualified."""
    since, due = notice.qualifying_since, notice.information_due_by
    if since is None or due is None:
        return None
    verbal, written = notice.first_told_verbally_on, notice.first_given_in_writing_on
    return Contribution(
        hospital_id=notice.hospital_id,
        qualifying_since=since,
        information_due_by=due,
        told_verbally_in_time=verbal is not None and verbal <= due,
        given_in_writing_in_time=written is not None and written <= due,
    )


Key = tuple[int, date, date]


def record_change(before: Contribution | None, after: Contribution | None) -> None:
    record_changes([(before, after)])


def record_changes(changes: Iterable[tuple[Contribution | None, Contribution | None]]) -> None:
    """Move each notice's contribution from its old row to its new one.

    Call inside the transaction that saves the notices.
    """
    deltas: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
    for before, after in changes:
        if before == after:
            continue
        for share, sign in ((before, -1), (after, 1)):
            if share is None:
                continue
            delta = deltas[(share.hospital_id, share.qualifying_since, share.information_due_by)]
            delta[0] += sign
            delta[1] += sign * share.told_verbally_in_time
            delta[2] += sign * share.given_in_writing_in_time
    # Rows are always changed in the same order, so two transactions that touch the same
    # rows queue behind each other instead of deadlocking.
    for key in sorted(deltas):
        if any(deltas[key]):
            _add(key, *deltas[key])


def _add(key: Key, patients: int, verbal: int, written: int) -> None:
    hospital_id, since, due = key
    row = FirstInformationTally.objects.filter(
        hospital_id=hospital_id, qualifying_since=since, information_due_by=due
    )
    change = {
        "patients": F("patients") + patients,
        "told_verbally_in_time": F("told_verbally_in_time") + verbal,
        "given_in_writing_in_time": F("given_in_writing_in_time") + written,
    }
    if row.update(**change):
        return
    try:
        with transaction.atomic():
            FirstInformationTally.objects.create(
                hospital_id=hospital_id,
                qualifying_since=since,
                information_due_by=due,
                patients=patients,
                told_verbally_in_time=verbal,
                given_in_writing_in_time=written,
            )
        return
    except IntegrityError:
        # Another transaction made the row after our update found nothing (or the counts
        # would go below zero, which the update below then reports).
        pass
    if not row.update(**change):
        raise RuntimeError(f"The first-information tally for {key} could not be updated.")


def rebuild(
    notice_model: Any = QualifyingNotice,
    tally_model: Any = FirstInformationTally,
    hospital_ids: list[int] | None = None,
) -> int:
    """Replace the tallies (for some hospitals, or all) with counts taken from the notices.

    Returns how many rows were written.
    """
    notices = notice_model.objects.filter(
        qualifying_since__isnull=False, information_due_by__isnull=False
    )
    tallies = tally_model.objects.all()
    if hospital_ids is not None:
        notices = notices.filter(hospital_id__in=hospital_ids)
        tallies = tallies.filter(hospital_id__in=hospital_ids)
    tallies.delete()
    counted = (
        notices.order_by()
        .values("hospital_id", "qualifying_since", "information_due_by")
        .annotate(
            patients=Count("pk"),
            told_verbally_in_time=Count(
                "pk", filter=Q(first_told_verbally_on__lte=F("information_due_by"))
            ),
            given_in_writing_in_time=Count(
                "pk", filter=Q(first_given_in_writing_on__lte=F("information_due_by"))
            ),
        )
    )
    rows = tally_model.objects.bulk_create(
        (tally_model(**values) for values in counted), batch_size=1000
    )
    return len(rows)
