"""Small-number suppression for commissioners.

The rule, applied to every figure a commissioner sees on screen or in an export:

1. Primary: a count from 1 to 4 is shown as "<5" (fewer than 5). Zero is shown as 0, and
   5 or more exactly.
2. Secondary: each table's rows add up to its total. If the total is shown and exactly one
   row is "<5", that row could be worked out by taking the others from the total, so the
   smallest other non-zero row is hidden too, shown as "[c]". With two or more rows hidden,
   no single one can be worked out.
3. A percentage is not shown when its top or bottom figure, or the difference between
   them, is from 1 to 4, or when any count it is worked out from is hidden: otherwise the
   percentage and the total would give the hidden count back.
4. A median is not shown when it is based on 1 to 4 referrals, and a total of advocate
   time is not shown when it covers 1 to 4 activities.

A figure appears in one table only (the hearings list reuses the activity table's rows), so
what one table hides another cannot show. The rule protects each table as it is published;
it cannot stop somebody subtracting one report from another with overlapping filters, which
is why commissioners' date ranges must be whole months (see imha.reports.forms).
"""

from __future__ import annotations

from dataclasses import replace

from imha.reports.figures import (
    SMALL_NUMBER_LIMIT,
    AdvocateTime,
    Breakdown,
    Figure,
    HospitalDuty,
    Median,
    QuarterlyReturn,
    Rate,
    ResponseTimes,
    Shown,
)

SMALL = Figure(None, Shown.SMALL)
HIDDEN = Figure(None, Shown.HIDDEN)


def is_small(value: int | None) -> bool:
    return value is not None and 0 < value < SMALL_NUMBER_LIMIT


def primary(figure: Figure) -> Figure:
    return SMALL if is_small(figure.value) else figure


def suppress_breakdown(breakdown: Breakdown) -> Breakdown:
    total = primary(breakdown.total)
    rows = [replace(row, figure=primary(row.figure)) for row in breakdown.rows]
    suppressed = [row for row in rows if row.figure.is_suppressed]
    if not total.is_suppressed and len(suppressed) == 1:
        candidates = [
            (row.figure.value, index)
            for index, row in enumerate(rows)
            if not row.figure.is_suppressed and row.figure.value
        ]
        # A shown total of 5 or more with one row under 5 always has another non-zero row.
        _value, index = min(candidates)
        rows[index] = replace(rows[index], figure=HIDDEN)
    return replace(breakdown, rows=tuple(rows), total=total)


def suppress_rate(rate: Rate, *, derived_from: tuple[Figure, ...] = ()) -> Rate:
    part, whole = rate.part.value, rate.whole.value
    difference = None if part is None or whole is None else whole - part
    hide = (
        is_small(part)
        or is_small(whole)
        or is_small(difference)
        or any(figure.is_suppressed for figure in derived_from)
    )
    return Rate(primary(rate.part), primary(rate.whole), suppressed=hide)


def suppress_median(median: Median) -> Median:
    if is_small(median.based_on.value):
        return Median(None, SMALL, median.unit, suppressed=True)
    return median


def suppress_time(time: AdvocateTime) -> AdvocateTime:
    if is_small(time.activities.value):
        return AdvocateTime(None, SMALL, time.label, suppressed=True)
    return time


def suppress_response(response: ResponseTimes) -> ResponseTimes:
    outcomes = suppress_breakdown(response.outcomes)
    # The percentage is in time / (in time + late + overdue); any of those hidden in the
    # table above would come back out of an exact percentage.
    derived_from = tuple(
        row.figure for row in outcomes.rows if row.key in {"in_time", "late", "overdue"}
    )
    return ResponseTimes(
        outcomes=outcomes,
        answered_in_time=suppress_rate(response.answered_in_time, derived_from=derived_from),
        median_working_days=suppress_median(response.median_working_days),
    )


def suppress_duty(row: HospitalDuty) -> HospitalDuty:
    return HospitalDuty(
        name=row.name,
        became_qualifying=primary(row.became_qualifying),
        deadline_reached=primary(row.deadline_reached),
        told_verbally_in_time=suppress_rate(row.told_verbally_in_time),
        given_in_writing_in_time=suppress_rate(row.given_in_writing_in_time),
    )


def suppressed(report: QuarterlyReturn) -> QuarterlyReturn:
    """A copy of the return with small numbers suppressed; suppressed figures keep no value."""
    activities = suppress_breakdown(report.activities_by_type)
    return replace(
        report,
        is_suppressed=True,
        referrals_received=primary(report.referrals_received),
        referral_breakdowns=tuple(suppress_breakdown(b) for b in report.referral_breakdowns),
        response=suppress_response(report.response),
        cases=replace(
            report.cases,
            open_at_end=primary(report.cases.open_at_end),
            opened=primary(report.cases.opened),
            closed=primary(report.cases.closed),
        ),
        cases_closed_by_reason=suppress_breakdown(report.cases_closed_by_reason),
        activities_by_type=activities,
        minutes_by_type=tuple(suppress_time(time) for time in report.minutes_by_type),
        advocate_time=suppress_time(report.advocate_time),
        outcomes=suppress_breakdown(report.outcomes),
        people_supported=primary(report.people_supported),
        equality=tuple(suppress_breakdown(b) for b in report.equality),
        duty_to_inform=tuple(suppress_duty(row) for row in report.duty_to_inform),
    )
