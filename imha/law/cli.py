"""Command-line contract: `python -m imha.law COMMAND`.

COMMAND is `eligibility`, `deadlines` or `working-days` (each reads one JSON
object or an array of objects on stdin) or `sections` (reads nothing and
prints the catalogue).  Results go to stdout as JSON: an object in gives an
object out, an array in gives an array out.  Any bad input gives
{"error": {"field": ..., "message": ..., "index": ...}} on stdout and exit
status 2; "index" appears only when the input was an array.  The contract is
documented field by field in docs/law.md and must stay stable.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time
from typing import IO, Any

from .deadlines import DEFAULT_PERIODS, DeadlineRequest, compute_deadlines
from .eligibility import Circumstances, Treatment, assess
from .errors import LawInputError
from .jurisdiction import Jurisdiction
from .sections import SECTIONS
from .serialise import (
    deadlines_as_dict,
    decision_as_dict,
    response_due_as_dict,
    section_as_dict,
)
from .working_days import (
    DEFAULT_CUTOFF,
    DEFAULT_RESPONSE_WORKING_DAYS,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    respond_by,
    working_days_between,
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2

# Bounds that keep one request cheap; no real deadline needs more.
MAX_WORKING_DAYS = 3660
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200

Record = dict[str, Any]


class _Fields:
    """Reads typed fields from one input object, naming the field on error."""

    def __init__(self, record: Record, allowed: set[str]) -> None:
        unknown = sorted(set(record) - allowed)
        if unknown:
            raise LawInputError(
                unknown[0], "is not a recognised field; see docs/law.md for the field list"
            )
        self.record = record

    def _required(self, name: str) -> Any:
        value = self.record.get(name)
        if value is None:
            raise LawInputError(name, "is required")
        return value

    @staticmethod
    def _as_text(name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise LawInputError(name, "must be a string")
        return value

    @staticmethod
    def _as_int(name: str, value: Any) -> int:
        # bool is a subclass of int in Python, but `true` is never a number here.
        if isinstance(value, bool) or not isinstance(value, int):
            raise LawInputError(name, "must be a whole number")
        return value

    @staticmethod
    def _as_day(name: str, value: Any) -> date:
        text = _Fields._as_text(name, value)
        try:
            parsed = date.fromisoformat(text)
        except ValueError:
            raise LawInputError(name, f"{text!r} is not a date in the form YYYY-MM-DD") from None
        _check_year(name, parsed)
        return parsed

    def optional_text(self, name: str, default: str | None = None) -> str | None:
        value = self.record.get(name, default)
        return None if value is None else self._as_text(name, value)

    def required_text(self, name: str) -> str:
        return self._as_text(name, self._required(name))

    def optional_int(self, name: str) -> int | None:
        value = self.record.get(name)
        return None if value is None else self._as_int(name, value)

    def int_or_default(self, name: str, default: int) -> int:
        value = self.record.get(name)
        return default if value is None else self._as_int(name, value)

    def required_int(self, name: str) -> int:
        return self._as_int(name, self._required(name))

    def optional_bool(self, name: str) -> bool | None:
        value = self.record.get(name)
        if value is None or isinstance(value, bool):
            return value
        raise LawInputError(name, "must be true, false or null")

    def flag(self, name: str) -> bool:
        return self.optional_bool(name) is True

    def optional_day(self, name: str) -> date | None:
        value = self.record.get(name)
        return None if value is None else self._as_day(name, value)

    def required_day(self, name: str) -> date:
        return self._as_day(name, self._required(name))

    def required_moment(self, name: str) -> datetime:
        text = self.required_text(name)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise LawInputError(
                name, f"{text!r} is not a date and time such as 2026-12-24T16:00:00"
            ) from None
        _check_year(name, parsed)
        return parsed

    def required_day_or_moment(self, name: str) -> date:
        # A bare date is 10 characters; anything longer must carry a time.
        if len(self.required_text(name)) <= 10:
            return self.required_day(name)
        return self.required_moment(name)

    def clock(self, name: str, default: time) -> time:
        value = self.optional_text(name)
        if value is None:
            return default
        try:
            parsed = time.fromisoformat(value)
        except ValueError:
            raise LawInputError(name, f"{value!r} is not a time such as 17:00") from None
        if parsed.tzinfo is not None:
            raise LawInputError(name, "must be a UK local time without a time zone")
        return parsed

    def region(self, name: str) -> Jurisdiction:
        return Jurisdiction.parse(self.optional_text(name) or "england", name)


def _check_year(name: str, value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise LawInputError(name, f"must be between {EARLIEST_YEAR} and {LATEST_YEAR}")


# --- commands ------------------------------------------------------------------

_ELIGIBILITY_FIELDS = {
    "jurisdiction",
    "status",
    "age",
    "treatment_under_consideration",
    "in_hospital",
    "second_recommendation_received",
}


def run_eligibility(record: Record) -> Record:
    fields = _Fields(record, _ELIGIBILITY_FIELDS)
    circumstances = Circumstances(
        jurisdiction=fields.region("jurisdiction"),
        status=fields.optional_text("status"),
        age=fields.optional_int("age"),
        treatment_under_consideration=Treatment.parse(
            fields.optional_text("treatment_under_consideration")
        ),
        in_hospital=fields.optional_bool("in_hospital"),
        second_recommendation_received=fields.flag("second_recommendation_received"),
    )
    return decision_as_dict(assess(circumstances))


_DEADLINE_FIELDS = {
    "status",
    "start",
    "periods",
    "admission_date",
    "tribunal_applied_in_first_six_months",
    "last_tribunal_consideration",
    "date_of_birth",
    "first_medication",
}


def run_deadlines(record: Record) -> Record:
    fields = _Fields(record, _DEADLINE_FIELDS)
    request = DeadlineRequest(
        status=fields.required_text("status"),
        start=fields.required_day_or_moment("start"),
        periods=fields.int_or_default("periods", DEFAULT_PERIODS),
        admission_date=fields.optional_day("admission_date"),
        tribunal_applied_in_first_six_months=fields.flag("tribunal_applied_in_first_six_months"),
        last_tribunal_consideration=fields.optional_day("last_tribunal_consideration"),
        date_of_birth=fields.optional_day("date_of_birth"),
        first_medication=fields.optional_day("first_medication"),
    )
    return deadlines_as_dict(compute_deadlines(request))


_WORKING_DAY_FIELDS = {
    "add": {"operation", "region", "start", "days"},
    "between": {"operation", "region", "start", "end"},
    "respond_by": {"operation", "region", "received_at", "working_days", "cutoff"},
    "is_working_day": {"operation", "region", "date"},
}


def run_working_days(record: Record) -> Record:
    operation = record.get("operation")
    if operation not in _WORKING_DAY_FIELDS:
        raise LawInputError("operation", "must be one of " + ", ".join(sorted(_WORKING_DAY_FIELDS)))
    fields = _Fields(record, _WORKING_DAY_FIELDS[operation])
    region = fields.region("region")
    if operation == "add":
        start = fields.required_day("start")
        days = fields.required_int("days")
        if abs(days) > MAX_WORKING_DAYS:
            raise LawInputError(
                "days", f"must be between -{MAX_WORKING_DAYS} and {MAX_WORKING_DAYS}"
            )
        result = add_working_days(start, days, region)
        return {
            "operation": "add",
            "region": region.value,
            "start": start.isoformat(),
            "days": days,
            "result": result.isoformat(),
        }
    if operation == "between":
        start = fields.required_day("start")
        end = fields.required_day("end")
        return {
            "operation": "between",
            "region": region.value,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "working_days": working_days_between(start, end, region),
        }
    if operation == "respond_by":
        received_at = fields.required_moment("received_at")
        working_days = fields.int_or_default("working_days", DEFAULT_RESPONSE_WORKING_DAYS)
        if not 0 <= working_days <= MAX_WORKING_DAYS:
            raise LawInputError("working_days", f"must be between 0 and {MAX_WORKING_DAYS}")
        cutoff = fields.clock("cutoff", DEFAULT_CUTOFF)
        return response_due_as_dict(respond_by(received_at, working_days, cutoff, region))
    day = fields.required_day("date")
    return {
        "operation": "is_working_day",
        "region": region.value,
        "date": day.isoformat(),
        "working_day": is_working_day(day, region),
        "bank_holiday": bank_holiday_name(day, region),
    }


COMMANDS: dict[str, Callable[[Record], Record]] = {
    "eligibility": run_eligibility,
    "deadlines": run_deadlines,
    "working-days": run_working_days,
}

USAGE = (
    "usage: python -m imha.law {eligibility|deadlines|working-days|sections}\n"
    "Reads a JSON object or array on stdin (except 'sections') and writes JSON on stdout.\n"
)


# --- plumbing ------------------------------------------------------------------


def _error(field: str, message: str, index: int | None = None) -> Record:
    detail: Record = {"field": field, "message": message}
    if index is not None:
        detail["index"] = index
    return {"error": detail}


def _apply(handler: Callable[[Record], Record], item: Any) -> Record:
    if not isinstance(item, dict):
        raise LawInputError("input", "each request must be a JSON object")
    return handler(item)


def main(
    argv: list[str] | None = None, stdin: IO[str] | None = None, stdout: IO[str] | None = None
) -> int:
    args = sys.argv[1:] if argv is None else argv
    source = sys.stdin if stdin is None else stdin
    sink = sys.stdout if stdout is None else stdout

    def emit(payload: Any) -> None:
        json.dump(payload, sink, ensure_ascii=False, indent=2)
        sink.write("\n")

    if len(args) != 1 or args[0] not in (*COMMANDS, "sections"):
        emit(_error("command", USAGE.strip()))
        return EXIT_BAD_INPUT
    if args[0] == "sections":
        emit([section_as_dict(section) for section in SECTIONS])
        return EXIT_OK
    handler = COMMANDS[args[0]]
    try:
        payload = json.loads(source.read())
    except (json.JSONDecodeError, UnicodeDecodeError) as problem:
        emit(_error("input", f"not valid JSON: {problem}"))
        return EXIT_BAD_INPUT
    if isinstance(payload, list):
        results: list[Record] = []
        for index, item in enumerate(payload):
            try:
                results.append(_apply(handler, item))
            except LawInputError as problem:
                emit(_error(problem.field, problem.message, index))
                return EXIT_BAD_INPUT
        emit(results)
        return EXIT_OK
    try:
        emit(_apply(handler, payload))
    except LawInputError as problem:
        emit(_error(problem.field, problem.message))
        return EXIT_BAD_INPUT
    return EXIT_OK
