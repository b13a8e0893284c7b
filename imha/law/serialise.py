"""Plain-dict forms of the engine's results, ready for JSON.

Kept apart from the dataclasses so the wire format (used by the command line
and by other tools) is written down in one place and can be kept stable.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .deadlines import DeadlineResult, KeyDate
from .eligibility import Decision
from .sections import Duration, Section
from .working_days import ResponseDue


def _iso(value: date) -> str:
    return value.isoformat()


def _duration(value: Duration | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {"amount": value.amount, "unit": value.unit.value, "text": value.describe()}


def section_as_dict(section: Section) -> dict[str, Any]:
    return {
        "code": section.code,
        "title": section.title,
        "part": section.part.value,
        "basis": section.basis.value,
        "summary": section.summary,
        "duration": section.duration,
        "renewal": section.renewal,
        "tribunal": section.tribunal,
        "initial_period": _duration(section.initial_period),
        "renewal_periods": [_duration(length) for length in section.renewal_periods],
        "maximum_total": _duration(section.maximum_total),
        "extension": _duration(section.extension),
        "restricted": section.restricted,
        "consent_to_treatment_part_4": section.consent_to_treatment_part_4,
        "aliases": list(section.aliases),
        "sources": list(section.sources),
    }


def decision_as_dict(decision: Decision) -> dict[str, Any]:
    duty = decision.duty_to_inform
    return {
        "jurisdiction": decision.jurisdiction.value,
        "status": decision.status,
        "qualifies": decision.qualifies,
        "category": decision.category.value,
        "reasons": list(decision.reasons),
        "duty_to_inform": None
        if duty is None
        else {
            "holder": duty.holder,
            "when": duty.when,
            "how": duty.how,
            "nearest_relative_copy": duty.nearest_relative_copy,
            "sources": list(duty.sources),
        },
        "referrers": [
            {
                "referrer": right.referrer.value,
                "description": right.description,
                "source": right.source,
            }
            for right in decision.referrers
        ],
        "sources": list(decision.sources),
    }


def key_date_as_dict(item: KeyDate) -> dict[str, Any]:
    return {
        "kind": item.kind.value,
        "label": item.label,
        "source": item.source,
        "start": _iso(item.start),
        "end": _iso(item.end),
        "sequence": item.sequence,
    }


def deadlines_as_dict(result: DeadlineResult) -> dict[str, Any]:
    return {
        "status": result.status,
        "title": result.title,
        "items": [key_date_as_dict(item) for item in result.items],
        "notes": list(result.notes),
    }


def response_due_as_dict(due: ResponseDue) -> dict[str, Any]:
    return {
        "operation": "respond_by",
        "region": due.region.value,
        "received_at": due.received_at.isoformat(),
        "counted_as_received_on": _iso(due.counted_as_received_on),
        "working_days": due.working_days,
        "due_date": _iso(due.due_date),
        "due_at": due.due_at.isoformat(),
    }
