"""A case list too long to count on every request pages with "Previous" and "Next" only,
at the same cost in queries as a counted one; a caseload works statutory dates out live
only when some case needs it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imha.cases import selectors, views
from imha.cases.models import Case
from imha.core import paging

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_cases(staff, make_case) -> list[Case]:
    return [make_case(staff["ada"], last_name=f"Listed{number}") for number in range(5)]


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "CASES_PER_PAGE", 2)


def listed(html: str) -> list[str]:
    return re.findall(r">Rowan (Listed\d)</a>", html)


def get(client, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.mark.usefixtures("pages_worked_out")
def test_a_list_longer_than_the_count_limit_has_previous_and_next_only(
    staff, sign_in, five_cases, small_pages, monkeypatch
):
    monkeypatch.setattr(views, "CASE_LIST_COUNT_LIMIT", 3)
    client = sign_in(staff["manager"])
    first, first_queries = get(client, "/staff/cases/")
    assert listed(first) == ["Listed4", "Listed3"]
    assert "govuk-pagination--block" in first and "govuk-pagination__list" not in first
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    last, last_queries = get(client, "/staff/cases/?page=3")
    assert listed(last) == ["Listed0"]
    assert 'href="?page=2" rel="prev"' in last and 'rel="next"' not in last
    past, past_queries = get(client, "/staff/cases/?page=9")
    assert listed(past) == []
    assert "There is no page 9 in this list." in past
    # An empty page past the end must not claim that there are no cases at all.
    assert "No cases to show." not in past
    monkeypatch.setattr(views, "CASE_LIST_COUNT_LIMIT", 5)
    counted, counted_queries = get(client, "/staff/cases/")
    assert listed(counted) == ["Listed4", "Listed3"]
    assert 'aria-label="Page 3"' in counted
    assert first_queries == last_queries == past_queries == counted_queries


def test_a_counted_list_still_shows_its_last_page_past_the_end(
    staff, sign_in, five_cases, small_pages
):
    html = sign_in(staff["ada"]).get("/staff/cases/?page=9").content.decode()
    assert listed(html) == ["Listed0"]
    assert "There is no page 9. This list has 3 pages, and this is the last one." in html


def test_an_empty_list_says_so(staff, sign_in):
    html = sign_in(staff["manager"]).get("/staff/cases/?status=closed").content.decode()
    assert "No cases to show." in html and "govuk-pagination" not in html


def test_the_count_stops_at_one_past_the_limit(staff, five_cases):
    cases = selectors.case_list(staff["manager"], None)
    assert paging.count_up_to(cases, 2) == 3
    assert paging.count_up_to(cases, 10) == 5


@pytest.mark.usefixtures("pages_worked_out")
def test_dates_are_worked_out_live_only_when_some_case_needs_it(
    staff, sign_in, make_case, fixed_today, monkeypatch
):
    make_case(staff["ada"], status_code="s2")
    calls = []
    worked_out_live = selectors._worked_out_live

    def spy(*args):
        calls.append(args)
        return worked_out_live(*args)

    monkeypatch.setattr(selectors, "_worked_out_live", spy)
    client = sign_in(staff["ada"])
    _, stored_queries = get(client, "/staff/cases/mine/")
    assert calls == []
    Case.objects.update(deadlines_stored_until=None)
    html, live_queries = get(client, "/staff/cases/mine/")
    assert len(calls) == 1
    assert "Ends" in html or "closes" in html
    # The live fallback reads the cases and their current periods.
    assert live_queries == stored_queries + 2
