"""The month view of the diary: a list of the days that have something booked, grouped by
week, with bad months shown as the current month and a note, never an error."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imha.cases import selectors, services
from imha.cases.models import ActivityKind
from imha.cases.views import month_start, week_start
from imha.law.periods import shift_months
from tests.cases.conftest import FIXED_TODAY

pytestmark = pytest.mark.django_db

MONTH_URL = "/staff/cases/diary/month/"
# Digits str.isdigit accepts but a year in an address never uses.
FULLWIDTH_YEAR = "\uff12\uff10\uff12\uff16-11"


def book(case, actor, day: date, kind: str = ActivityKind.WARD_ROUND, at: time | None = None):
    return services.record_activity(
        case=case,
        fields={"kind": kind, "occurs_on": day, "starts_at_time": at, "duration_minutes": 30},
        actor=actor,
    )


def main_text(html: str) -> str:
    """The page's main content as plain text, for checking what a reader is told."""
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def day_headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h4[^>]*>(.*?)</h4>", html)]


# --- reading the month from the address -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(None, date(2026, 11, 1)), ("", date(2026, 11, 1)), ("2027-02", date(2027, 2, 1))],
)
def test_a_good_or_missing_month_needs_no_note(raw, expected):
    assert month_start(raw, FIXED_TODAY) == (expected, "")


@pytest.mark.parametrize(
    "raw", ["2026-13", "2026-00", "abc", "2026", "2026-1", "26-11", "2026-11-01", FULLWIDTH_YEAR]
)
def test_a_month_that_is_not_a_month_gives_the_current_month(raw):
    first, note = month_start(raw, FIXED_TODAY)
    assert first == date(2026, 11, 1)
    assert note == f"“{raw}” is not a month, so this is the current month."


@pytest.mark.parametrize("raw", ["0001-01", "1899-12", "2201-01", "9999-12", "0000-01"])
def test_an_absurd_year_gives_the_current_month(raw):
    first, note = month_start(raw, FIXED_TODAY)
    assert first == date(2026, 11, 1)
    assert "The diary shows months from 1900 to 2200" in note and raw in note


def test_a_long_address_is_cut_short_in_the_note():
    _, note = month_start("x" * 5000, FIXED_TODAY)
    assert len(note) < 100


def test_months_either_side_cross_the_year():
    assert shift_months(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert shift_months(date(2026, 1, 1), -1) == date(2025, 12, 1)


@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "0001-01-07"])
def test_a_week_at_the_edge_of_the_calendar_gives_this_week(raw):
    assert week_start(raw, FIXED_TODAY) == date(2026, 11, 23)


# --- the page ------------------------------------------------------------------------------------


def test_month_lists_only_days_with_activities_grouped_by_week(
    staff, make_case, sign_in, fixed_today
):
    ada = staff["ada"]
    case = make_case(ada, first_name="Privatename")
    book(case, ada, date(2026, 11, 3), ActivityKind.WARD_ROUND, time(10, 30))
    book(case, ada, date(2026, 11, 3), ActivityKind.VISIT, time(14, 0))
    book(case, ada, date(2026, 11, 30), ActivityKind.VISIT, time(9, 0))
    book(case, ada, date(2026, 12, 1), ActivityKind.WARD_ROUND, time(11, 0))

    html = sign_in(ada).get(f"{MONTH_URL}?month=2026-11").content.decode()
    text = main_text(html)

    assert "<title>Diary: November 2026" in html
    assert "3 activities on 2 days." in text
    # Each week, cut to the month, with day names; the month starts on a Sunday.
    for week in [
        "Sunday 1 November",
        "Monday 2 to Sunday 8 November",
        "Monday 23 to Sunday 29 November",
        "Monday 30 November",
    ]:
        assert f">{week}</h3>" in html
    # Only the busy days, and today, are read out: not thirty days of nothing.
    assert day_headings(html) == [
        "Tuesday 3 November",
        "Wednesday 25 November (today)",
        "Monday 30 November",
    ]
    assert "10:30am Ward round" in text and "2pm" in text and "9am" in text
    assert "11am" not in text  # 1 December is next month
    assert f'href="/staff/cases/{case.pk}/"' in html
    assert "Privatename" in text
    assert html.count('aria-current="date"') == 1
    assert "Nothing booked today." in text
    assert "Nothing booked this week." in text


def test_month_shows_only_the_persons_own_activities(staff, make_case, sign_in, fixed_today):
    ada, nia = staff["ada"], staff["nia"]
    book(make_case(ada, first_name="Adasperson"), ada, date(2026, 11, 10))
    book(make_case(nia, first_name="Niasperson"), nia, date(2026, 11, 11))

    text = main_text(sign_in(ada).get(MONTH_URL).content.decode())
    assert "Adasperson" in text
    assert "Niasperson" not in text
    assert "1 activity on 1 day." in text


def test_empty_month_says_so(staff, sign_in, fixed_today):
    text = main_text(sign_in(staff["ada"]).get(f"{MONTH_URL}?month=2027-03").content.decode())
    assert "Nothing booked in March 2027." in text


def test_month_links_to_the_months_either_side_this_month_and_the_week(staff, sign_in, fixed_today):
    client = sign_in(staff["ada"])
    html = client.get(f"{MONTH_URL}?month=2027-01").content.decode()
    assert 'href="?month=2026-12" rel="prev"' in html
    assert 'href="?month=2027-02" rel="next"' in html
    assert f'href="{MONTH_URL}">Go to this month</a>' in html
    # Away from today, the Week link opens the first week mostly in the month.
    assert 'href="/staff/cases/diary/?week=2027-01-04">Week</a>' in html

    current = client.get(MONTH_URL).content.decode()
    assert "Go to this month" not in current
    assert 'href="/staff/cases/diary/?week=2026-11-25">Week</a>' in current
    assert f'href="{MONTH_URL}?month=2026-11" aria-current="page">Month</a>' in current


def test_months_at_the_ends_of_the_range_link_no_further(staff, sign_in, fixed_today):
    client = sign_in(staff["ada"])
    earliest = client.get(f"{MONTH_URL}?month=1900-01").content.decode()
    assert 'rel="prev"' not in earliest and 'href="?month=1900-02" rel="next"' in earliest
    latest = client.get(f"{MONTH_URL}?month=2200-12").content.decode()
    assert 'rel="next"' not in latest and 'href="?month=2200-11" rel="prev"' in latest


@pytest.mark.parametrize(
    ("raw", "note"),
    [
        ("2026-13", "“2026-13” is not a month, so this is the current month."),
        ("abc", "“abc” is not a month, so this is the current month."),
        ("99999-01", "“99999-01” is not a month, so this is the current month."),
        ("0001-01", "so “0001-01” cannot be shown. This is the current month."),
        ("9999-12", "so “9999-12” cannot be shown. This is the current month."),
    ],
)
def test_bad_months_show_the_current_month_with_a_note(staff, sign_in, fixed_today, raw, note):
    response = sign_in(staff["ada"]).get(MONTH_URL, {"month": raw})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<div class="govuk-inset-text">[^<]*' + re.escape(note) + "</div>", html)
    assert '<h2 class="govuk-heading-m">November 2026</h2>' in html


def test_typed_text_in_the_note_is_escaped(staff, sign_in, fixed_today):
    html = sign_in(staff["ada"]).get(MONTH_URL, {"month": "<b>x</b>"}).content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html


def test_week_view_links_to_its_month_and_survives_the_edge_of_the_calendar(
    staff, sign_in, fixed_today
):
    client = sign_in(staff["ada"])
    week = client.get("/staff/cases/diary/?week=2027-03-31").content.decode()
    assert f'href="{MONTH_URL}?month=2027-03">Month</a>' in week
    assert 'aria-current="page">Week</a>' in week
    # The current week, 23 to 29 November, links to November.
    this_week = client.get("/staff/cases/diary/").content.decode()
    assert f'href="{MONTH_URL}?month=2026-11">Month</a>' in this_week
    for raw in ["9999-12-31", "0001-01-01"]:
        response = client.get("/staff/cases/diary/", {"week": raw})
        assert response.status_code == 200
        assert "23 November to 29 November 2026" in response.content.decode()


@pytest.mark.parametrize("role", ["intake", "hospital", "commissioner", "administrator"])
def test_month_is_refused_to_roles_without_a_diary(staff, sign_in, fixed_today, role):
    assert sign_in(staff[role]).get(MONTH_URL).status_code == 403


@pytest.mark.usefixtures("pages_worked_out")
def test_month_query_count_does_not_grow_with_activities(staff, make_case, sign_in, fixed_today):
    ada = staff["ada"]
    client = sign_in(ada)
    url = f"{MONTH_URL}?month=2026-11"

    def count() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    # Each activity on its own case, so that any case, client or ward read per activity
    # would show in the count.
    for number in range(2):
        book(make_case(ada, first_name=f"Few{number}"), ada, date(2026, 11, 2 + number))
    client.get(url)  # the first request after sign-in may touch the session
    few, _ = count()
    for number in range(38):
        book(make_case(ada, first_name=f"Many{number}"), ada, date(2026, 11, 1 + number % 30))
    many, html = count()
    assert "40 activities on 30 days." in main_text(html)
    assert many == few


def test_all_day_activities_come_before_timed_ones_on_every_database(staff, make_case, fixed_today):
    case = make_case(staff["ada"])
    timed = book(case, staff["ada"], fixed_today, at=time(9, 30))
    all_day = book(case, staff["ada"], fixed_today)
    found = selectors.activities_between(staff["ada"], fixed_today, fixed_today)
    assert [activity.pk for activity in found] == [all_day.pk, timed.pk]
