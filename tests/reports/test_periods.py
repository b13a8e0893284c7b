"""Financial-year quarters: April to June is quarter 1."""

from __future__ import annotations

from datetime import date

import pytest

from imha.reports.periods import FinancialQuarter, last_complete_quarter, quarters_to_offer


@pytest.mark.parametrize(
    ("day", "year", "quarter"),
    [
        (date(2025, 4, 1), 2025, 1),
        (date(2025, 6, 30), 2025, 1),
        (date(2025, 7, 1), 2025, 2),
        (date(2025, 12, 31), 2025, 3),
        (date(2026, 1, 1), 2025, 4),
        (date(2026, 3, 31), 2025, 4),
    ],
)
def test_the_quarter_containing_a_day(day, year, quarter):
    assert FinancialQuarter.containing(day) == FinancialQuarter(year, quarter)


def test_quarter_days_and_labels():
    fourth = FinancialQuarter(2025, 4)
    assert (fourth.first_day, fourth.last_day) == (date(2026, 1, 1), date(2026, 3, 31))
    assert fourth.label == "Q4 2025 to 2026 (January to March 2026)"
    assert FinancialQuarter.from_key(fourth.key) == fourth
    assert FinancialQuarter.from_key("2025-Q5") is None


def test_the_default_is_the_last_quarter_that_has_ended():
    assert last_complete_quarter(date(2026, 4, 1)) == FinancialQuarter(2025, 4)
    assert last_complete_quarter(date(2026, 3, 31)) == FinancialQuarter(2025, 3)
    assert last_complete_quarter(date(2026, 11, 25)) == FinancialQuarter(2026, 2)


def test_the_picker_offers_quarters_newest_first_up_to_the_current_one():
    offered = quarters_to_offer(date(2026, 11, 25))
    assert offered[0] == FinancialQuarter(2026, 3)
    assert offered[-1] == FinancialQuarter(2020, 1)
