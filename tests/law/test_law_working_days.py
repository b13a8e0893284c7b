from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from imha.law import (
    Jurisdiction,
    LawInputError,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    next_working_day,
    receipt_working_day,
    respond_by,
    working_days_between,
)
from imha.law.working_days import LONDON, to_london

REGIONS = st.sampled_from(["england", "wales"])
DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


# --- the calendar itself ------------------------------------------------------


@pytest.mark.parametrize("region", ["england", "wales"])
@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 12, 25), "Christmas Day"),
        (date(2026, 12, 28), "Boxing Day (observed)"),
        (date(2027, 5, 31), "Spring Bank Holiday"),
        (date(2027, 12, 27), "Christmas Day (observed)"),
        (date(2027, 12, 28), "Boxing Day (observed)"),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
    ],
)
def test_bank_holidays_come_from_the_holidays_package(region: str, day: date, name: str) -> None:
    assert bank_holiday_name(day, region) == name
    assert not is_working_day(day, region)


def test_ordinary_days() -> None:
    assert is_working_day(date(2026, 12, 24))  # Thursday
    assert not is_working_day(date(2026, 12, 19))  # Saturday
    assert not is_working_day(date(2026, 12, 20))  # Sunday
    assert bank_holiday_name(date(2026, 12, 24)) is None


def test_region_accepts_enum_and_aliases_and_rejects_others() -> None:
    assert is_working_day(date(2026, 12, 24), Jurisdiction.WALES)
    assert is_working_day(date(2026, 12, 24), "GB-WLS")
    assert Jurisdiction.parse(" Cymru ") is Jurisdiction.WALES
    with pytest.raises(LawInputError) as caught:
        is_working_day(date(2026, 12, 24), "scotland")
    assert caught.value.field == "region"
    with pytest.raises(LawInputError):
        Jurisdiction.parse(None)  # type: ignore[arg-type]


# --- adding and counting --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        (date(2026, 12, 24), 3, date(2026, 12, 31)),
        (date(2027, 5, 28), 1, date(2027, 6, 1)),
        (date(2026, 12, 19), 1, date(2026, 12, 21)),  # from a Saturday
        (date(2026, 12, 19), 0, date(2026, 12, 19)),
        (date(2026, 12, 29), -1, date(2026, 12, 24)),
        (date(2027, 1, 4), -1, date(2026, 12, 31)),
    ],
)
def test_add_working_days_known_dates(start: date, n: int, expected: date) -> None:
    assert add_working_days(start, n, "england") == expected


def test_between_known_dates() -> None:
    # 24 Dec 2026 (Thu) to 31 Dec 2026 (Thu): 29, 30, 31 count; 25, 28 are holidays.
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 31), "england") == 3
    assert working_days_between(date(2026, 12, 31), date(2026, 12, 24), "england") == -3
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 24), "england") == 0
    # A whole year: 261 weekdays in 2027 less 8 weekday bank holidays.
    assert working_days_between(date(2026, 12, 31), date(2027, 12, 31), "england") == 253
    assert next_working_day(date(2027, 5, 28)) == date(2027, 6, 1)


@given(DAYS, st.integers(min_value=-40, max_value=40), REGIONS)
def test_adding_never_lands_on_a_weekend_or_bank_holiday(start: date, n: int, region: str) -> None:
    result = add_working_days(start, n, region)
    if n == 0:
        assert result == start
    else:
        assert result.weekday() < 5
        assert bank_holiday_name(result, region) is None
        assert is_working_day(result, region)


@given(DAYS, st.integers(min_value=0, max_value=40), REGIONS)
def test_adding_is_strictly_monotonic_in_n(start: date, n: int, region: str) -> None:
    assert add_working_days(start, n, region) < add_working_days(start, n + 1, region)


@given(DAYS, st.integers(min_value=0, max_value=60), REGIONS)
def test_between_inverts_add_forwards(start: date, n: int, region: str) -> None:
    assert working_days_between(start, add_working_days(start, n, region), region) == n


@given(DAYS, st.integers(min_value=0, max_value=60), REGIONS)
def test_between_inverts_add_backwards_from_a_working_day(start: date, n: int, region: str) -> None:
    if not is_working_day(start, region):
        start = next_working_day(start, region)
    assert working_days_between(start, add_working_days(start, -n, region), region) == -n


@given(DAYS, DAYS, REGIONS)
def test_between_matches_a_day_by_day_count(a: date, b: date, region: str) -> None:
    low, high = min(a, b), max(a, b)
    if (high - low).days > 400:
        high = low + timedelta(days=400)
    expected = sum(
        1
        for offset in range(1, (high - low).days + 1)
        if is_working_day(low + timedelta(days=offset), region)
    )
    assert working_days_between(low, high, region) == expected
    assert working_days_between(high, low, region) == -expected


# --- the referral clock -------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "counted", "due"),
    [
        # Friday before Christmas week: Mon 21, Tue 22, Wed 23.
        (datetime(2026, 12, 18, 16, 0), date(2026, 12, 18), date(2026, 12, 23)),
        # Thursday 24 Dec: Christmas Day (Fri) and the Boxing Day substitute (Mon 28) skipped.
        (datetime(2026, 12, 24, 16, 0), date(2026, 12, 24), date(2026, 12, 31)),
        # After the cutoff on Christmas Eve counts from Tue 29 December.
        (datetime(2026, 12, 24, 17, 30), date(2026, 12, 29), date(2027, 1, 4)),
        # Friday before the Spring bank holiday Monday 31 May 2027.
        (datetime(2027, 5, 28, 16, 0), date(2027, 5, 28), date(2027, 6, 3)),
        (datetime(2027, 5, 28, 18, 0), date(2027, 6, 1), date(2027, 6, 4)),
        # Exactly at the cutoff is too late for that day.
        (datetime(2027, 5, 28, 17, 0), date(2027, 6, 1), date(2027, 6, 4)),
        # Received on a Sunday.
        (datetime(2026, 12, 20, 9, 0), date(2026, 12, 21), date(2026, 12, 24)),
    ],
)
def test_respond_by_known_dates(received: datetime, counted: date, due: date) -> None:
    answer = respond_by(received, region="england")
    assert answer.counted_as_received_on == counted
    assert answer.due_date == due
    assert answer.due_at == datetime.combine(due, time(17, 0), tzinfo=LONDON)
    assert answer.working_days == 3
    assert answer.region is Jurisdiction.ENGLAND


def test_respond_by_is_configurable() -> None:
    answer = respond_by(
        datetime(2026, 12, 18, 12, 30), working_days=5, cutoff=time(12, 0), region="wales"
    )
    assert answer.counted_as_received_on == date(2026, 12, 21)
    # 22, 23, 24, then 29 and 30 December (25 and 28 are bank holidays).
    assert answer.due_date == date(2026, 12, 30)
    assert answer.due_at.time() == time(12, 0)
    assert respond_by(datetime(2026, 12, 18, 9), working_days=0).due_date == date(2026, 12, 18)
    with pytest.raises(LawInputError) as caught:
        respond_by(datetime(2026, 12, 18, 9), working_days=-1)
    assert caught.value.field == "working_days"


def test_aware_datetimes_are_converted_to_uk_time() -> None:
    # 16:30 UTC in June is 17:30 in London (BST): after the cutoff.
    summer = datetime(2027, 6, 3, 16, 30, tzinfo=UTC)
    assert receipt_working_day(summer) == date(2027, 6, 4)
    # 16:30 UTC in December is 16:30 in London (GMT): before the cutoff.
    winter = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)
    assert receipt_working_day(winter) == date(2026, 12, 3)
    # 23:30 in New York on Thursday is Friday morning in London.
    new_york = datetime(2026, 12, 3, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert receipt_working_day(new_york) == date(2026, 12, 4)


def test_naive_datetimes_are_read_as_uk_time() -> None:
    assert to_london(datetime(2027, 6, 3, 16, 30)).utcoffset() == timedelta(hours=1)
    assert to_london(datetime(2026, 12, 3, 16, 30)).utcoffset() == timedelta(0)


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 12, 31)),
    st.integers(min_value=0, max_value=10),
    REGIONS,
)
def test_respond_by_is_never_before_receipt_and_always_a_working_day(
    received: datetime, days: int, region: str
) -> None:
    answer = respond_by(received, working_days=days, region=region)
    assert is_working_day(answer.counted_as_received_on, region)
    assert answer.counted_as_received_on >= received.date()
    assert is_working_day(answer.due_date, region)
    assert working_days_between(answer.counted_as_received_on, answer.due_date, region) == days
