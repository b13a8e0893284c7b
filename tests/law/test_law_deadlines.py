from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imha.law import DeadlineRequest, ItemKind, LawInputError, compute_deadlines
from imha.law.periods import last_day_of_days_period, last_day_of_months_period, shift_months
from imha.law.working_days import LONDON

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31))


def items(result, kind):
    return [item for item in result.items if item.kind is kind]


# --- the counting rule ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2026, 1, 1), 6, date(2026, 6, 30)),
        (date(2026, 3, 1), 6, date(2026, 8, 31)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),  # no 31 February: runs to month end
        (date(2027, 8, 31), 6, date(2028, 2, 29)),  # leap year
        (date(2026, 8, 29), 6, date(2027, 2, 28)),
        (date(2027, 8, 29), 6, date(2028, 2, 28)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 2, 28), 1, date(2026, 3, 27)),
        (date(2026, 12, 15), 12, date(2027, 12, 14)),
    ],
)
def test_months_beginning_with(start: date, months: int, end: date) -> None:
    assert last_day_of_months_period(start, months) == end


def test_days_beginning_with_count_the_first_day() -> None:
    assert last_day_of_days_period(date(2026, 3, 1), 28) == date(2026, 3, 28)
    assert last_day_of_days_period(date(2026, 3, 1), 1) == date(2026, 3, 1)


def test_bad_period_lengths_are_rejected() -> None:
    with pytest.raises(ValueError):
        last_day_of_months_period(date(2026, 1, 1), 0)
    with pytest.raises(ValueError):
        last_day_of_days_period(date(2026, 1, 1), 0)


def test_shift_months_clamps_and_goes_backwards() -> None:
    assert shift_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert shift_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


@given(DAYS, st.integers(min_value=1, max_value=36))
def test_month_periods_tile_the_calendar(start: date, months: int) -> None:
    end = last_day_of_months_period(start, months)
    assert end >= start
    # The period is never shorter than months*28 days nor longer than months*31.
    assert months * 28 <= (end - start).days + 1 <= months * 31


# --- concrete statuses ----------------------------------------------------------


def test_section_2() -> None:
    result = compute_deadlines(DeadlineRequest("s2", date(2026, 3, 1)))
    assert items(result, ItemKind.EXPIRY)[0].end == date(2026, 3, 28)
    window = items(result, ItemKind.TRIBUNAL_WINDOW)[0]
    assert (window.start, window.end) == (date(2026, 3, 1), date(2026, 3, 14))
    assert result.notes


def test_section_3_from_31_august() -> None:
    result = compute_deadlines(
        DeadlineRequest(
            "section 3",
            date(2026, 8, 31),
            first_medication=date(2026, 11, 30),
            last_tribunal_consideration=date(2026, 10, 1),
        )
    )
    periods = items(result, ItemKind.PERIOD)
    assert [(p.start, p.end) for p in periods] == [
        (date(2026, 8, 31), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2027, 8, 31)),
        (date(2027, 9, 1), date(2028, 8, 31)),
        (date(2028, 9, 1), date(2029, 8, 31)),
    ]
    assert [(w.start, w.end) for w in items(result, ItemKind.TRIBUNAL_WINDOW)] == [
        (p.start, p.end) for p in periods
    ]
    six_month, long_stop = items(result, ItemKind.MANAGERS_REFERENCE)
    assert six_month.start == date(2027, 3, 1)
    assert long_stop.start == date(2029, 10, 1)
    assert items(result, ItemKind.CONSENT_TO_TREATMENT)[0].start == date(2027, 2, 28)
    assert items(result, ItemKind.RENEWAL_EXAMINATION)[0].start == date(2026, 12, 29)


def test_section_3_references_respect_applications_and_age() -> None:
    result = compute_deadlines(
        DeadlineRequest(
            "s3",
            date(2026, 4, 1),
            admission_date=date(2026, 3, 10),
            tribunal_applied_in_first_six_months=True,
        )
    )
    assert items(result, ItemKind.MANAGERS_REFERENCE) == []
    assert len(result.notes) == 2
    child = compute_deadlines(
        DeadlineRequest(
            "s3",
            date(2026, 4, 1),
            admission_date=date(2026, 3, 10),
            last_tribunal_consideration=date(2026, 6, 1),
            date_of_birth=date(2010, 1, 1),
        )
    )
    six_month, one_year = items(child, ItemKind.MANAGERS_REFERENCE)
    assert six_month.start == date(2026, 9, 10)
    assert one_year.start == date(2027, 6, 1)
    assert "under 18" in one_year.label


def test_hospital_order_has_no_window_in_first_six_months() -> None:
    result = compute_deadlines(
        DeadlineRequest("s37", date(2026, 1, 15), date_of_birth=date(1990, 5, 5))
    )
    windows = items(result, ItemKind.TRIBUNAL_WINDOW)
    assert windows[0].start == date(2026, 7, 15)
    assert [w.sequence for w in windows] == [2, 3, 4]
    (reference,) = items(result, ItemKind.MANAGERS_REFERENCE)
    assert reference.start == date(2029, 1, 15)
    assert "Sch 1" in reference.source


def test_restricted_hospital_order() -> None:
    result = compute_deadlines(DeadlineRequest("37/41", date(2026, 1, 15), periods=3))
    windows = items(result, ItemKind.TRIBUNAL_WINDOW)
    assert [(w.start, w.end) for w in windows] == [
        (date(2026, 7, 15), date(2027, 1, 14)),
        (date(2027, 1, 15), date(2028, 1, 14)),
        (date(2028, 1, 15), date(2029, 1, 14)),
    ]
    assert items(result, ItemKind.SECRETARY_OF_STATE_REFERENCE)[0].start == date(2029, 1, 15)
    assert items(result, ItemKind.PERIOD) == []


@pytest.mark.parametrize("code", ["s47/49", "s48/49", "s45a"])
def test_restricted_transfers_can_apply_in_first_six_months(code: str) -> None:
    windows = items(
        compute_deadlines(DeadlineRequest(code, date(2026, 1, 15))), ItemKind.TRIBUNAL_WINDOW
    )
    assert (windows[0].start, windows[0].end) == (date(2026, 1, 15), date(2026, 7, 14))
    assert windows[1].start == date(2026, 7, 15)
    assert len(windows) == 4


def test_conditional_discharge_windows() -> None:
    result = compute_deadlines(
        DeadlineRequest("conditional discharge", date(2026, 2, 1), periods=2)
    )
    assert [(w.start, w.end) for w in items(result, ItemKind.TRIBUNAL_WINDOW)] == [
        (date(2027, 2, 1), date(2028, 1, 31)),
        (date(2028, 2, 1), date(2030, 1, 31)),
    ]
    assert items(result, ItemKind.SECRETARY_OF_STATE_REFERENCE) == []


def test_conditional_discharge_has_no_s58_rule() -> None:
    result = compute_deadlines(
        DeadlineRequest(
            "conditional_discharge", date(2026, 2, 1), first_medication=date(2026, 2, 1)
        )
    )
    assert items(result, ItemKind.CONSENT_TO_TREATMENT) == []
    assert "does not apply" in result.notes[0]


def test_cto_points_to_part_4a_and_counts_reference_from_admission() -> None:
    result = compute_deadlines(
        DeadlineRequest(
            "cto",
            date(2026, 5, 20),
            admission_date=date(2026, 1, 10),
            first_medication=date(2026, 1, 12),
        )
    )
    assert items(result, ItemKind.MANAGERS_REFERENCE)[0].start == date(2026, 7, 10)
    assert any("Part 4A" in note for note in result.notes)
    assert any("last considered" in note for note in result.notes)


@pytest.mark.parametrize(
    ("code", "ends"),
    [
        ("s35", [date(2026, 3, 28), date(2026, 4, 25), date(2026, 5, 23)]),
        ("s36", [date(2026, 3, 28), date(2026, 4, 25), date(2026, 5, 23)]),
    ],
)
def test_remands_stop_at_twelve_weeks(code: str, ends: list[date]) -> None:
    result = compute_deadlines(DeadlineRequest(code, date(2026, 3, 1), periods=10))
    periods = items(result, ItemKind.PERIOD)
    assert [p.end for p in periods] == ends
    assert "longest" in periods[-1].label
    assert items(result, ItemKind.TRIBUNAL_WINDOW) == []


def test_interim_hospital_order_stops_at_twelve_months() -> None:
    result = compute_deadlines(DeadlineRequest("s38", date(2026, 3, 1), periods=50))
    periods = items(result, ItemKind.PERIOD)
    assert periods[0].end == date(2026, 5, 23)
    assert periods[1].end == date(2026, 6, 20)
    assert periods[-1].end == date(2027, 2, 28)
    assert len(periods) == 12


@pytest.mark.parametrize("code", ["s7", "s37_guardianship", "s47", "s48"])
def test_every_period_has_a_window(code: str) -> None:
    result = compute_deadlines(
        DeadlineRequest(code, date(2026, 3, 1), first_medication=date(2026, 3, 1))
    )
    assert len(items(result, ItemKind.TRIBUNAL_WINDOW)) == 4


def test_hour_based_powers() -> None:
    result = compute_deadlines(DeadlineRequest("s136", datetime(2026, 3, 28, 12, 0)))
    expiry, extended = items(result, ItemKind.EXPIRY)[0], items(result, ItemKind.EXTENSION_LIMIT)[0]
    # The clocks go forward on 29 March 2026: 24 real hours later reads 13:00 BST.
    assert expiry.end == datetime(2026, 3, 29, 13, 0, tzinfo=LONDON)
    assert extended.end == datetime(2026, 3, 30, 1, 0, tzinfo=LONDON)
    nurse = compute_deadlines(DeadlineRequest("s5(4)", datetime(2026, 6, 1, 22, 0)))
    assert nurse.items[0].end == datetime(2026, 6, 2, 4, 0, tzinfo=LONDON)
    recall = compute_deadlines(DeadlineRequest("s17e", datetime(2026, 6, 1, 9, 0)))
    assert recall.items[0].end == datetime(2026, 6, 4, 9, 0, tzinfo=LONDON)
    assert "s68(7)" in recall.notes[0]


def test_section_4_shows_what_happens_if_it_becomes_section_2() -> None:
    result = compute_deadlines(DeadlineRequest("s4", datetime(2026, 3, 1, 23, 30)))
    first, as_s2 = items(result, ItemKind.EXPIRY)
    assert first.end == datetime(2026, 3, 4, 23, 30, tzinfo=LONDON)
    assert as_s2.end == date(2026, 3, 28)
    assert items(result, ItemKind.TRIBUNAL_WINDOW)[0].end == date(2026, 3, 14)


def test_day_based_status_accepts_a_datetime_start() -> None:
    result = compute_deadlines(DeadlineRequest("s2", datetime(2026, 3, 1, 23, 30)))
    assert items(result, ItemKind.EXPIRY)[0].end == date(2026, 3, 28)


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (DeadlineRequest("s136", date(2026, 3, 1)), "start"),
        (DeadlineRequest("s17", date(2026, 3, 1)), "status"),
        (DeadlineRequest("informal", date(2026, 3, 1)), "status"),
        (DeadlineRequest("s3", date(2026, 3, 1), periods=0), "periods"),
        (DeadlineRequest("s3", date(2026, 3, 1), periods=51), "periods"),
        (DeadlineRequest("s999", date(2026, 3, 1)), "status"),
    ],
)
def test_bad_requests(request_: DeadlineRequest, field: str) -> None:
    with pytest.raises(LawInputError) as caught:
        compute_deadlines(request_)
    assert caught.value.field == field


# --- properties ------------------------------------------------------------------

PERIODIC = ["s3", "s7", "s17a", "s35", "s36", "s37", "s38", "s47", "s48", "s37_guardianship"]
OPEN_ENDED = ["s37/41", "s45a", "s47/49", "s48/49", "conditional_discharge"]


@given(st.sampled_from(PERIODIC), DAYS, st.integers(min_value=1, max_value=8))
def test_periods_are_contiguous_increasing_and_hold_their_windows(code, start, count) -> None:
    result = compute_deadlines(DeadlineRequest(code, start, periods=count))
    periods = items(result, ItemKind.PERIOD)
    assert periods[0].start == start
    expiry = items(result, ItemKind.EXPIRY)[0]
    assert expiry.end == periods[0].end >= start
    for earlier, later in itertools.pairwise(periods):
        assert later.start == earlier.end + timedelta(days=1)
        assert later.end > earlier.end
    by_number = {p.sequence: p for p in periods}
    for window in items(result, ItemKind.TRIBUNAL_WINDOW) + items(
        result, ItemKind.RENEWAL_EXAMINATION
    ):
        period = by_number[window.sequence]
        assert period.start <= window.start <= window.end <= period.end


@given(st.sampled_from(OPEN_ENDED), DAYS, st.integers(min_value=1, max_value=8))
def test_open_ended_windows_follow_each_other(code, start, count) -> None:
    windows = items(
        compute_deadlines(DeadlineRequest(code, start, periods=count)), ItemKind.TRIBUNAL_WINDOW
    )
    assert len(windows) == count
    assert windows[0].start >= start
    for earlier, later in itertools.pairwise(windows):
        assert later.start == earlier.end + timedelta(days=1)
        assert later.end > later.start


@given(DAYS)
def test_section_2_window_sits_inside_the_detention(start: date) -> None:
    result = compute_deadlines(DeadlineRequest("s2", start))
    period = items(result, ItemKind.PERIOD)[0]
    window = items(result, ItemKind.TRIBUNAL_WINDOW)[0]
    assert period.start == window.start <= window.end < period.end
    assert (period.end - period.start).days == 27


@given(
    st.sampled_from(["s4", "s5(2)", "s5(4)", "s135", "s136", "s17e"]),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2080, 1, 1)),
)
def test_hour_based_expiry_is_after_start(code: str, began: datetime) -> None:
    result = compute_deadlines(DeadlineRequest(code, began))
    for item in result.items:
        assert item.end >= item.start
    assert result.items[0].end > result.items[0].start
