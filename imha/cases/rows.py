"""Rows for the case tables (caseloads, the case list, allocation), as plain dicts of the
strings each cell shows.

These pages list up to a hundred cases and cost processor time on every request. Building
a model instance for each case, its client, hospital, ward and advocate, and then having
the template call `case.client`, `case.location` and `{% url %}` for every cell was most
of that time. Here each row is read with `values_list` and made into its cells once.

Dicts rather than dataclasses: the template engine tries `row[key]` before `row.key`, so a
dict answers at once where a dataclass first raises and catches a TypeError, for every
cell.

The strings must read exactly as the models say them (`Client.__str__`, `Case.reference`,
`Case.location`, `User.__str__`, `Activity.time_label`); tests/cases/test_rows.py holds
each of these to its model.
"""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache
from typing import Any, TypedDict

from django.template.loader import render_to_string
from django.utils import dateformat, timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from imha.cases.models import ActivityKind, CaseStatus, status_title
from imha.core.routes import address_maker

NOT_ALLOCATED = "Not allocated"


def reference(case_id: int) -> str:
    """`Case.reference`."""
    return f"C{case_id:06d}"


def client_name(
    client_id: int, first_name: str, last_name: str, anonymised_at: datetime | None
) -> str:
    """`str(client)`: a removed name is never shown, even where the row still has it."""
    if anonymised_at is not None:
        return f"Anonymised client {client_id}"
    return f"{first_name} {last_name}"


def person_name(username: str, first_name: str, last_name: str) -> str:
    """`str(user)`: the full name, or the username when no name is recorded."""
    return f"{first_name} {last_name}".strip() or username


def location(
    hospital_name: str | None, hospital_ward_name: str | None, ward: str, community: str
) -> str:
    """`Case.location`, from the names a join gives (None when there is no hospital, or
    no ward from the hospital's list)."""
    if hospital_name is not None:
        ward_name = hospital_ward_name if hospital_ward_name is not None else ward
        return f"{hospital_name}, {ward_name}" if ward_name else hospital_name
    return community or "Community"


def time_label(moment: time | None) -> str:
    """`Activity.time_label`: "10am", "2:30pm"."""
    if moment is None:
        return ""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


class DateLabels(dict[date, str]):
    """Dates in one format, such as "D j M Y" for "Wed 25 Nov 2026", each formatted once a
    page: formatting costs far more than a lookup, and a page's rows share few dates."""

    def __init__(self, format_string: str) -> None:
        super().__init__()
        self.format_string = format_string

    def __missing__(self, day: date) -> str:
        label = self[day] = dateformat.format(day, self.format_string)
        return label


def day_labels() -> DateLabels:
    """For the caseload tables: "Wed 25 Nov 2026"."""
    return DateLabels("D j M Y")


def opened_labels() -> DateLabels:
    """For when a case was opened, as the `date:"j M Y"` filter shows it. Look up the UK
    day (`timezone.localdate(opened_at)`), as the filter would."""
    return DateLabels("j M Y")


@cache
def status_tags() -> dict[str, SafeString]:
    """The tag for each case status, drawn once from includes/case_status_tag.html (which
    the case page still includes) instead of including that template on every row."""
    return {
        status: SafeString(
            render_to_string("includes/case_status_tag.html", {"case": {"status": status}})
        )
        for status in CaseStatus.values
    }


def status_tag(status: str) -> SafeString:
    # The include shows anything neither open nor on hold as closed.
    tags = status_tags()
    return tags.get(status, tags[CaseStatus.CLOSED])


class StatusTitles(dict[str, str]):
    """Legal status titles by code, each looked up in the law tables once per page."""

    def __missing__(self, code: str) -> str:
        title = self[code] = status_title(code)
        return title


KIND_LABELS: dict[str, str] = dict(ActivityKind.choices)


# --- the rows ------------------------------------------------------------------------------


class CaseLink(TypedDict):
    """The cells every row about a case has: who it is for, its reference and its page."""

    url: str
    person: str
    reference: str


class DeadlineRow(CaseLink):
    due_on: date
    day: str
    what: str


class ActivityRow(CaseLink):
    day: str
    time: str
    kind: str


class CaseloadRow(CaseLink):
    location: str
    legal_status: str
    advocate: str
    status_tag: SafeString


class CaseListRow(CaseLink):
    opened: str
    advocate: str
    status_tag: SafeString


class WaitingRow(CaseLink):
    pk: int
    allocate_url: str
    opened: str
    location: str


class AdvocateRow(TypedDict):
    pk: int
    username: str
    name: str
    team: str
    open_cases: int


# The columns each row is read from, in the order the builders below unpack them.
CLIENT_COLUMNS = (
    "client_id",
    "client__first_name",
    "client__last_name",
    "client__anonymised_at",
)
ADVOCATE_COLUMNS = (
    "allocated_advocate__username",
    "allocated_advocate__first_name",
    "allocated_advocate__last_name",
)
LOCATION_COLUMNS = ("hospital__name", "hospital_ward__name", "ward", "community_location")
CASELOAD_COLUMNS = (
    "pk",
    *CLIENT_COLUMNS,
    *LOCATION_COLUMNS,
    "legal_status_code",
    *ADVOCATE_COLUMNS,
    "status",
)
CASE_LIST_COLUMNS = ("pk", *CLIENT_COLUMNS, "opened_at", *ADVOCATE_COLUMNS, "status")
WAITING_COLUMNS = ("pk", *CLIENT_COLUMNS, "opened_at", *LOCATION_COLUMNS)
ADVOCATE_ROW_COLUMNS = ("pk", "username", "first_name", "last_name", "team__name", "open_cases")


def advocate_label(username: str | None, first_name: str, last_name: str) -> str:
    """The advocate cell: a LEFT JOIN gives None for the username of an unallocated case."""
    return NOT_ALLOCATED if username is None else person_name(username, first_name, last_name)


def caseload_rows(values: Any) -> list[CaseloadRow]:
    """Rows from `CASELOAD_COLUMNS` tuples."""
    case_url = address_maker("cases:case_detail")
    titles = StatusTitles()
    return [
        {
            "url": case_url(pk),
            "person": client_name(client_id, first, last, anonymised_at),
            "reference": reference(pk),
            "location": location(hospital, hospital_ward, ward, community),
            "legal_status": titles[code],
            "advocate": advocate_label(username, advocate_first, advocate_last),
            "status_tag": status_tag(status),
        }
        for (
            pk,
            client_id,
            first,
            last,
            anonymised_at,
            hospital,
            hospital_ward,
            ward,
            community,
            code,
            username,
            advocate_first,
            advocate_last,
            status,
        ) in values
    ]


def case_list_rows(values: Any) -> list[CaseListRow]:
    """Rows from `CASE_LIST_COLUMNS` tuples."""
    case_url = address_maker("cases:case_detail")
    opened = opened_labels()
    return [
        {
            "url": case_url(pk),
            "person": client_name(client_id, first, last, anonymised_at),
            "reference": reference(pk),
            "opened": opened[timezone.localdate(opened_at)],
            "advocate": advocate_label(username, advocate_first, advocate_last),
            "status_tag": status_tag(status),
        }
        for (
            pk,
            client_id,
            first,
            last,
            anonymised_at,
            opened_at,
            username,
            advocate_first,
            advocate_last,
            status,
        ) in values
    ]


def waiting_rows(values: Any) -> list[WaitingRow]:
    """Rows from `WAITING_COLUMNS` tuples."""
    case_url = address_maker("cases:case_detail")
    opened = opened_labels()
    allocate_url = address_maker("cases:case_allocate")
    return [
        {
            "pk": pk,
            "url": case_url(pk),
            "allocate_url": allocate_url(pk),
            "person": client_name(client_id, first, last, anonymised_at),
            "reference": reference(pk),
            "opened": opened[timezone.localdate(opened_at)],
            "location": location(hospital, hospital_ward, ward, community),
        }
        for (
            pk,
            client_id,
            first,
            last,
            anonymised_at,
            opened_at,
            hospital,
            hospital_ward,
            ward,
            community,
        ) in values
    ]


def advocate_rows(values: Any) -> list[AdvocateRow]:
    """Rows from `ADVOCATE_ROW_COLUMNS` tuples; `team` is blank for no team."""
    return [
        {
            "pk": pk,
            "username": username,
            "name": person_name(username, first, last),
            "team": team or "",
            "open_cases": open_cases,
        }
        for pk, username, first, last, team, open_cases in values
    ]


def advocate_options(advocates: list[AdvocateRow]) -> SafeString:
    """The advocate choices of an allocation form. Every waiting case has the same list,
    so it is drawn once a page rather than once a row (a row per case times an option per
    advocate)."""
    return format_html_join(
        "",
        '<option value="{}">{} ({}, {} open)</option>',
        (
            (row["pk"], row["name"], row["team"] or "no team", row["open_cases"])
            for row in advocates
        ),
    )


def deadline_rows(found: list[tuple[date, int, str, str]]) -> list[DeadlineRow]:
    """Rows from (day, case ID, what, person) tuples."""
    case_url = address_maker("cases:case_detail")
    days = day_labels()
    return [
        {
            "url": case_url(case_id),
            "person": person,
            "reference": reference(case_id),
            "due_on": due_on,
            "day": days[due_on],
            "what": what,
        }
        for due_on, case_id, what, person in found
    ]


def activity_rows(values: Any) -> list[ActivityRow]:
    """Rows from (case ID, kind, day, start time, *`CLIENT_COLUMNS` of the case) tuples."""
    case_url = address_maker("cases:case_detail")
    days = day_labels()
    return [
        {
            "url": case_url(case_id),
            "person": client_name(client_id, first, last, anonymised_at),
            "reference": reference(case_id),
            "day": days[occurs_on],
            "time": time_label(starts_at_time),
            "kind": KIND_LABELS.get(kind, kind),
        }
        for (
            case_id,
            kind,
            occurs_on,
            starts_at_time,
            client_id,
            first,
            last,
            anonymised_at,
        ) in values
    ]
