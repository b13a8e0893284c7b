"""Statutory dates for a status: when it ends, when it can be renewed, when
the tribunal can be asked, when it must be asked, and the s58 three-month point.

All day-based periods use the counting rules in `periods.py` ("beginning
with" includes the first day; months are calendar months; the corresponding
date rule handles short months).  Hour-based powers are counted in elapsed
hours, so a period that crosses a clock change still lasts exactly that many
real hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import Enum

from .errors import LawInputError
from .periods import (
    last_day_of_days_period,
    last_day_of_months_period,
    shift_months,
)
from .sections import Duration, LegalBasis, Section, TimeUnit, lookup
from .working_days import to_london

MAX_PERIODS = 50
DEFAULT_PERIODS = 4


class ItemKind(Enum):
    PERIOD = "period"
    EXPIRY = "expiry"
    EXTENSION_LIMIT = "extension_limit"
    RENEWAL_EXAMINATION = "renewal_examination"
    TRIBUNAL_WINDOW = "tribunal_window"
    MANAGERS_REFERENCE = "managers_reference"
    SECRETARY_OF_STATE_REFERENCE = "secretary_of_state_reference"
    CONSENT_TO_TREATMENT = "consent_to_treatment"


@dataclass(frozen=True)
class KeyDate:
    """One named date or window.  A single date has start == end.

    Dates are whole days (the window includes both ends); for hour-based
    powers `start` and `end` are UK-local datetimes.
    """

    kind: ItemKind
    label: str
    source: str
    start: date
    end: date
    sequence: int | None = None


@dataclass(frozen=True)
class DeadlineRequest:
    """What the calculation needs.

    start: the day the current authority began (admission, order, direction,
        CTO made, guardianship accepted, conditional discharge).  Hour-based
        powers (s4, s5(2), s5(4), s135, s136, s17E) need a datetime.
    periods: how many periods (or tribunal windows) to list.
    admission_date: the "applicable day" for the hospital managers' 6-month
        reference (s68(5)): the day of the original admission under s2 or s3.
        Defaults to `start`.
    tribunal_applied_in_first_six_months: True if, in those 6 months, an
        application or reference was made that s68(3) counts (an application
        made while on s2 does not count).
    last_tribunal_consideration: when the tribunal last considered the case.
    date_of_birth: needed for the under-18 one-year reference rule.
    first_medication: first time medication for mental disorder was given in
        this continuous period of detention (s58(1)(b)).
    """

    status: str
    start: date
    periods: int = DEFAULT_PERIODS
    admission_date: date | None = None
    tribunal_applied_in_first_six_months: bool = False
    last_tribunal_consideration: date | None = None
    date_of_birth: date | None = None
    first_medication: date | None = None


@dataclass(frozen=True)
class DeadlineResult:
    status: str
    title: str
    items: tuple[KeyDate, ...]
    notes: tuple[str, ...]


# Hour-based powers: what the clock starts from, and how many hours it runs.
# The hours repeat the catalogue on purpose (a test checks they agree) so this
# module never has to cope with a missing length.
_HOUR_BASED: dict[str, tuple[str, int]] = {
    "s4": ("admission to hospital", 72),
    "s5(2)": ("the doctor's report reaching the hospital managers", 72),
    "s5(4)": ("the nurse recording the holding power", 6),
    "s135": ("arrival at the place of safety", 24),
    "s136": ("arrival at the place of safety", 24),
    "s17e": ("the patient's return to hospital", 72),
}

# Which tribunal windows each periodic status has.  "every" = one window per
# period; "after_first" = none in the first period, then one per period.
_PERIOD_WINDOWS: dict[str, tuple[str, str]] = {
    "s3": ("every", "MHA 1983 s66(1)(b), (f), (2)(b), (f)"),
    "s7": ("every", "MHA 1983 s66(1)(c), (f), (2)(c), (f)"),
    "s17a": ("every", "MHA 1983 s66(1)(ca), (fza)"),
    "s37": ("after_first", "MHA 1983 s66(1)(f) as applied by s40(4) and Sch 1; s69(1)(a)"),
    "s47": ("every", "MHA 1983 s69(2)(b); s66(1)(f) as applied by Sch 1"),
    "s48": ("every", "MHA 1983 s69(2)(b); s66(1)(f) as applied by Sch 1"),
    "s37_guardianship": ("every", "MHA 1983 s69(1)(b)(i); s66(1)(f) as applied by Sch 1"),
}

_RENEWAL_SOURCES = {
    "s3": "MHA 1983 s20(3)",
    "s7": "MHA 1983 s20(6)",
    "s17a": "MHA 1983 s20A(4)",
    "s37": "MHA 1983 s20(3) as applied by Sch 1",
    "s47": "MHA 1983 s20(3) as applied by Sch 1",
    "s48": "MHA 1983 s20(3) as applied by Sch 1",
    "s37_guardianship": "MHA 1983 s20(6) as applied by Sch 1",
}

# Where each periodic status's length and renewal come from.
_PERIOD_SOURCES = {
    "s3": "MHA 1983 s20(1)-(2)",
    "s7": "MHA 1983 s20(1)-(2)",
    "s17a": "MHA 1983 s20A(1), (3)",
    "s35": "MHA 1983 s35(4), (7)",
    "s36": "MHA 1983 s36(4), (6)",
    "s37": "MHA 1983 s20(1)-(2) as applied by s40(4) and Sch 1",
    "s38": "MHA 1983 s38(5)",
    "s47": "MHA 1983 s47(3); s20(1)-(2) as applied by Sch 1",
    "s48": "MHA 1983 s48(3), s47(3); s20(1)-(2) as applied by Sch 1",
    "s37_guardianship": "MHA 1983 s20(1)-(2) as applied by s40(4) and Sch 1",
}

# Statuses whose first tribunal window opens on the start date (s69(2)(b));
# s37/41 patients must wait 6 months (s70).
_RESTRICTED_WITH_EARLY_WINDOW = frozenset({"s45a", "s47/49", "s48/49"})

# Unrestricted statuses the hospital managers' 3-year (1-year if under 18)
# reference covers.
_MANAGERS_LONG_STOP = frozenset({"s3", "s17a", "s37", "s47", "s48"})


def compute_deadlines(request: DeadlineRequest) -> DeadlineResult:
    """Work out the key dates for one status.  Raises LawInputError on bad input."""
    section = lookup(request.status)
    if not 1 <= request.periods <= MAX_PERIODS:
        raise LawInputError("periods", f"must be between 1 and {MAX_PERIODS}")
    if section.code in _HOUR_BASED:
        return _hour_based(section, request)
    if section.code in ("s17", "informal"):
        raise LawInputError(
            "status",
            f"{section.code} has no dates of its own: "
            + (
                "leave lasts as long as the section the patient is detained under, so ask "
                "about that section instead"
                if section.code == "s17"
                else "an informal patient is not held under any time-limited power"
            ),
        )
    start = _as_day(request.start)
    items: list[KeyDate] = []
    notes: list[str] = []
    if section.code == "s2":
        items.extend(_assessment_dates(start))
        notes.append(
            "If the patient moves onto section 3, the hospital managers' 6-month reference "
            "to the tribunal counts from this section 2 admission."
        )
    elif section.initial_period is not None:
        items.extend(_periodic_dates(section, section.initial_period, start, request.periods))
    else:
        items.extend(_open_ended_windows(section, start, request.periods))
    items.extend(_references(section, start, request, notes))
    items.extend(_consent_to_treatment(section, request, notes))
    return DeadlineResult(
        status=section.code, title=section.title, items=tuple(items), notes=tuple(notes)
    )


def _as_day(value: date) -> date:
    if isinstance(value, datetime):
        return to_london(value).date()
    return value


def _period_end(start: date, length: Duration) -> date:
    if length.unit is TimeUnit.MONTHS:
        return last_day_of_months_period(start, length.amount)
    if length.unit is TimeUnit.WEEKS:
        return last_day_of_days_period(start, length.amount * 7)
    return last_day_of_days_period(start, length.amount)


def _fmt(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _hour_based(section: Section, request: DeadlineRequest) -> DeadlineResult:
    if not isinstance(request.start, datetime):
        raise LawInputError(
            "start",
            f"{section.code} is measured in hours, so the start must include a time "
            "(for example 2026-03-01T14:30)",
        )
    what, hours = _HOUR_BASED[section.code]
    began = to_london(request.start)
    ends = _plus_hours(began, hours)
    items = [
        KeyDate(
            ItemKind.EXPIRY,
            f"{section.title} ends {hours} hours after {what}.",
            section.sources[0],
            began,
            ends,
        )
    ]
    notes: list[str] = []
    if section.extension is not None:
        extra = section.extension.amount
        items.append(
            KeyDate(
                ItemKind.EXTENSION_LIMIT,
                f"Latest end if a doctor authorises the {extra}-hour extension.",
                "MHA 1983 s136B",
                began,
                _plus_hours(began, hours + extra),
            )
        )
    if section.code == "s4":
        day_one = began.date()
        items.append(
            KeyDate(
                ItemKind.EXPIRY,
                "If the second medical recommendation arrives in time, the detention becomes "
                "section 2 and ends on this day, 28 days counting the s4 admission day.",
                "MHA 1983 s4(4)(a), s2(4)",
                day_one,
                last_day_of_days_period(day_one, 28),
            )
        )
        items.append(
            KeyDate(
                ItemKind.TRIBUNAL_WINDOW,
                "If it becomes section 2: the patient can apply to the tribunal in this window.",
                "MHA 1983 s66(1)(a), (2)(a)",
                day_one,
                last_day_of_days_period(day_one, 14),
            )
        )
    if section.code == "s17e":
        notes.append(
            "If the CTO is revoked the patient is detained again and the hospital managers "
            "must refer the case to the tribunal as soon as possible (s68(7))."
        )
    return DeadlineResult(
        status=section.code, title=section.title, items=tuple(items), notes=tuple(notes)
    )


def _plus_hours(began: datetime, hours: int) -> datetime:
    # Add real elapsed time: go through UTC so a clock change inside the period
    # neither gains nor loses an hour, then show the result in UK time.
    return to_london(began.astimezone(UTC) + timedelta(hours=hours))


def _assessment_dates(start: date) -> list[KeyDate]:
    return [
        KeyDate(
            ItemKind.PERIOD,
            f"Section 2 runs from {_fmt(start)} for 28 days.",
            "MHA 1983 s2(4)",
            start,
            last_day_of_days_period(start, 28),
            1,
        ),
        KeyDate(
            ItemKind.EXPIRY,
            "Section 2 ends at the end of this day. It cannot be renewed.",
            "MHA 1983 s2(4)",
            last_day_of_days_period(start, 28),
            last_day_of_days_period(start, 28),
        ),
        KeyDate(
            ItemKind.TRIBUNAL_WINDOW,
            "The patient can apply to the tribunal in these first 14 days.",
            "MHA 1983 s66(1)(a), (2)(a)",
            start,
            last_day_of_days_period(start, 14),
        ),
    ]


def _periodic_dates(
    section: Section, first_length: Duration, start: date, count: int
) -> list[KeyDate]:
    lengths = [first_length, *section.renewal_periods]
    cap = _period_end(start, section.maximum_total) if section.maximum_total else None
    windows = _PERIOD_WINDOWS.get(section.code)
    items: list[KeyDate] = []
    period_start = start
    for number in range(1, count + 1):
        length = lengths[min(number - 1, len(lengths) - 1)]
        period_end = _period_end(period_start, length)
        last = False
        if cap is not None and period_end >= cap:
            period_end = cap
            last = True
        name = "First period" if number == 1 else f"Renewal period {number - 1}"
        items.append(
            KeyDate(
                ItemKind.PERIOD,
                f"{name}: {_fmt(period_start)} to {_fmt(period_end)}"
                + (" (the longest the law allows)." if last else "."),
                _PERIOD_SOURCES[section.code],
                period_start,
                period_end,
                number,
            )
        )
        if number == 1:
            items.append(
                KeyDate(
                    ItemKind.EXPIRY,
                    f"{section.title} ends at the end of this day unless it is renewed.",
                    _PERIOD_SOURCES[section.code],
                    period_end,
                    period_end,
                )
            )
        if section.code in _RENEWAL_SOURCES and not last:
            items.append(
                KeyDate(
                    ItemKind.RENEWAL_EXAMINATION,
                    "To renew, the responsible clinician must examine the patient and report "
                    f"in the 2 months ending {_fmt(period_end)}.",
                    _RENEWAL_SOURCES[section.code],
                    shift_months(period_end, -2) + timedelta(days=1),
                    period_end,
                    number,
                )
            )
        if windows is not None and (windows[0] == "every" or number > 1):
            items.append(
                KeyDate(
                    ItemKind.TRIBUNAL_WINDOW,
                    "The patient can apply to the tribunal once in "
                    + ("the first period." if number == 1 else f"{name.lower()}."),
                    windows[1],
                    period_start,
                    period_end,
                    number,
                )
            )
        if last:
            break
        period_start = period_end + timedelta(days=1)
    return items


def _open_ended_windows(section: Section, start: date, count: int) -> list[KeyDate]:
    """Tribunal windows for statuses with no fixed end (restricted patients)."""
    items: list[KeyDate] = []
    if section.basis is LegalBasis.CONDITIONAL_DISCHARGE:
        window_start = last_day_of_months_period(start, 12) + timedelta(days=1)
        window_end = last_day_of_months_period(start, 24)
        for number in range(1, count + 1):
            items.append(
                KeyDate(
                    ItemKind.TRIBUNAL_WINDOW,
                    (
                        "The patient can first apply to the tribunal between 12 months and "
                        "2 years after the conditional discharge."
                        if number == 1
                        else "The patient can apply once in this 2-year period."
                    ),
                    "MHA 1983 s75(2)",
                    window_start,
                    window_end,
                    number,
                )
            )
            window_start = window_end + timedelta(days=1)
            window_end = last_day_of_months_period(window_start, 24)
        return items
    number = 1
    if section.code in _RESTRICTED_WITH_EARLY_WINDOW:
        items.append(
            KeyDate(
                ItemKind.TRIBUNAL_WINDOW,
                "The patient can apply to the tribunal in the first 6 months.",
                "MHA 1983 s69(2)(b)",
                start,
                last_day_of_months_period(start, 6),
                number,
            )
        )
        number += 1
    window_start = last_day_of_months_period(start, 6) + timedelta(days=1)
    window_end = last_day_of_months_period(start, 12)
    label = "The patient can apply once between 6 and 12 months."
    while number <= count:
        items.append(
            KeyDate(
                ItemKind.TRIBUNAL_WINDOW,
                label,
                "MHA 1983 s70",
                window_start,
                window_end,
                number,
            )
        )
        number += 1
        label = "The patient can apply once in this year."
        window_start = window_end + timedelta(days=1)
        window_end = last_day_of_months_period(window_start, 12)
    return items


def _references(
    section: Section, start: date, request: DeadlineRequest, notes: list[str]
) -> list[KeyDate]:
    items: list[KeyDate] = []
    if section.code in ("s3", "s17a"):
        applicable_day = request.admission_date or start
        if request.tribunal_applied_in_first_six_months:
            notes.append(
                "No 6-month reference is needed because an application or reference was "
                "made in the first 6 months (s68(3))."
            )
        else:
            due = last_day_of_months_period(applicable_day, 6) + timedelta(days=1)
            items.append(
                KeyDate(
                    ItemKind.MANAGERS_REFERENCE,
                    "If nobody has applied to the tribunal, the hospital managers must refer "
                    f"the case when the 6 months from admission on {_fmt(applicable_day)} "
                    "run out.",
                    "MHA 1983 s68(2), (3), (5)",
                    due,
                    due,
                )
            )
    if section.code in _MANAGERS_LONG_STOP:
        baseline = request.last_tribunal_consideration
        if baseline is None and section.code in ("s3", "s17a"):
            notes.append(
                "Give the date the tribunal last considered the case to see when the "
                "hospital managers' 3-year (1-year if under 18) reference falls due."
            )
        else:
            baseline = baseline or start
            under_18 = _under_18_on(request.date_of_birth, shift_months(baseline, 12))
            months = 12 if under_18 else 36
            due = last_day_of_months_period(baseline, months) + timedelta(days=1)
            items.append(
                KeyDate(
                    ItemKind.MANAGERS_REFERENCE,
                    "The hospital managers must refer the case to the tribunal if it has not "
                    f"been considered for {'1 year (patient under 18)' if under_18 else '3 years'}"
                    " by this date.",
                    "MHA 1983 s68(6)"
                    + (" as applied by Sch 1" if section.code not in ("s3", "s17a") else ""),
                    due,
                    due,
                )
            )
    if section.restricted and section.basis is LegalBasis.DETAINED:
        baseline = request.last_tribunal_consideration or start
        due = last_day_of_months_period(baseline, 36) + timedelta(days=1)
        items.append(
            KeyDate(
                ItemKind.SECRETARY_OF_STATE_REFERENCE,
                "The Secretary of State for Justice must refer the case to the tribunal if it "
                "has not been considered for 3 years by this date.",
                "MHA 1983 s71(2)",
                due,
                due,
            )
        )
    return items


def _under_18_on(date_of_birth: date | None, day: date) -> bool:
    if date_of_birth is None:
        return False
    return day < shift_months(date_of_birth, 18 * 12)


def _consent_to_treatment(
    section: Section, request: DeadlineRequest, notes: list[str]
) -> list[KeyDate]:
    if request.first_medication is None:
        return []
    if not section.consent_to_treatment_part_4:
        notes.append(
            f"The section 58 three-month rule does not apply to {section.code}"
            + (
                "; community patients have their own certificate rules in Part 4A."
                if section.basis is LegalBasis.COMMUNITY_TREATMENT
                else "."
            )
        )
        return []
    # Erring early on purpose: if the corresponding day does not exist (first
    # dose on 30 November) the month-end is used, so the safeguard is never late.
    needed_from = shift_months(request.first_medication, 3)
    return [
        KeyDate(
            ItemKind.CONSENT_TO_TREATMENT,
            "From this day medication for mental disorder needs the patient's recorded "
            "consent or a second opinion (SOAD) certificate: three months have passed since "
            f"it was first given on {_fmt(request.first_medication)}.",
            "MHA 1983 s58(1)(b)",
            needed_from,
            needed_from,
        )
    ]
