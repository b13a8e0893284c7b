"""Small-number suppression: primary (<5), secondary ([c]), and percentages and medians."""

from __future__ import annotations

import pytest

from imha.reports.figures import AdvocateTime, Breakdown, Figure, Median, Rate, Row, Shown
from imha.reports.selectors import quarterly_return
from imha.reports.suppression import (
    suppress_breakdown,
    suppress_median,
    suppress_rate,
    suppress_time,
    suppressed,
)
from tests.reports.conftest import rows_of


def table(*values: int) -> Breakdown:
    return Breakdown(
        slug="test",
        title="Test",
        rows=tuple(Row(f"r{i}", f"Row {i}", Figure.exact(v)) for i, v in enumerate(values)),
        total=Figure.exact(sum(values)),
    )


def shown(breakdown: Breakdown) -> list[object]:
    return [row.figure.export_value for row in breakdown.rows] + [breakdown.total.export_value]


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        # 1 to 4 are "<5", 0 stays 0, 5 and more are exact; two small rows need nothing more.
        ((0, 1, 4, 5, 30), [0, "<5", "<5", 5, 30, 40]),
        # One small row would be total minus the rest, so the smallest other row is hidden.
        ((3, 9, 20), ["<5", "[c]", 20, 32]),
        ((12, 0, 2, 7), [12, 0, "<5", "[c]", 21]),
        # Nothing small: nothing hidden.
        ((5, 6, 0), [5, 6, 0, 11]),
        # A small total: every non-zero row is small too.
        ((1, 2, 0), ["<5", "<5", 0, "<5"]),
        # Nothing at all.
        ((0, 0), [0, 0, 0]),
    ],
)
def test_breakdown_suppression(values, expected):
    assert shown(suppress_breakdown(table(*values))) == expected


def test_suppressed_figures_keep_no_value():
    result = suppress_breakdown(table(3, 9, 20))
    assert [row.figure.value for row in result.rows] == [None, None, 20]
    assert result.rows[0].figure.shown == Shown.SMALL
    assert result.rows[1].figure.shown == Shown.HIDDEN
    assert result.rows[0].figure.display == "<5"
    assert result.rows[0].figure.spoken == "fewer than 5"


def test_after_secondary_suppression_no_row_can_be_worked_out():
    # With the total shown, hidden rows must never number exactly one.
    for values in [(1, 5), (4, 5, 6), (2, 50, 7, 0), (3, 3, 40), (10, 4)]:
        result = suppress_breakdown(table(*values))
        hidden = [row for row in result.rows if row.figure.is_suppressed]
        assert len(hidden) != 1, values


@pytest.mark.parametrize(
    ("part", "whole", "hidden"),
    [
        (3, 10, True),  # the part is small
        (2, 3, True),  # the whole is small
        (8, 10, True),  # the difference (2 not in time) is small
        (5, 10, False),
        (0, 10, False),
        (10, 10, False),
        (0, 0, False),
    ],
)
def test_rate_suppression(part, whole, hidden):
    rate = suppress_rate(Rate(Figure.exact(part), Figure.exact(whole)))
    assert rate.suppressed is hidden
    if hidden:
        assert rate.percent is None
        assert rate.display == "Not shown (small numbers)"


def test_rate_is_hidden_when_a_count_it_comes_from_is_hidden():
    rate = suppress_rate(
        Rate(Figure.exact(20), Figure.exact(40)), derived_from=(Figure(None, Shown.HIDDEN),)
    )
    assert rate.suppressed


def test_median_and_time_over_small_numbers_are_hidden():
    assert suppress_median(Median(2.0, Figure.exact(4), "working days")).suppressed
    assert suppress_median(Median(2.0, Figure.exact(5), "working days")).value == 2.0
    assert suppress_time(AdvocateTime(90, Figure.exact(2))).display == "Not shown (small numbers)"
    assert suppress_time(AdvocateTime(90, Figure.exact(0))).display == "1 hours 30 minutes"


@pytest.mark.django_db
def test_the_whole_return_is_suppressed(world):
    exact = quarterly_return(world.period, now=world.now)
    report = suppressed(exact)
    assert report.is_suppressed
    assert report.referrals_received.export_value == 7
    by_slug = {b.slug: b for b in report.referral_breakdowns}
    # 5 from a named referrer and 2 not: the 2 is <5, so the 5 is hidden.
    assert rows_of(by_slug["statutory"]) == {"True": "[c]", "False": "<5", "total": 7}
    assert rows_of(by_slug["channel"])["in_person"] == 0
    assert report.response.answered_in_time.suppressed
    assert report.response.median_working_days.suppressed
    assert report.cases.opened.export_value == "<5"
    assert report.advocate_time.display == "8 hours 30 minutes"  # over 6 activities
    assert all(time.suppressed for time in report.minutes_by_type if time.minutes is None)
    assert [time.display for time in report.minutes_by_type][:2] == [
        "Not shown (small numbers)"
    ] * 2
    assert report.people_supported.export_value == "<5"
    assert all(row.figure.export_value == "<5" for row in report.hearings_supported)
    for duty in report.duty_to_inform:
        assert duty.told_verbally_in_time.suppressed
    # The exact return is left alone.
    assert exact.referrals_received.value == 7
    assert rows_of(exact.referral_breakdowns[2]) == {"True": 5, "False": 2, "total": 7}
