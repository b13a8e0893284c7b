"""Caseload, case list and allocation pages cost the same number of queries for 3 cases
or 60 (more than a page)."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from imha.cases import services
from imha.cases.models import ActivityKind, Case
from imha.cases.views import CASES_PER_PAGE
from tests.cases.conftest import FIXED_TODAY

pytestmark = pytest.mark.django_db

# Session, user and device lookups, the audit-free page itself and its few selects.
CASELOAD_MAX_QUERIES = 12
ALLOCATION_MAX_QUERIES = 10
CASE_LIST_MAX_QUERIES = 10
# More than one page of cases.
MANY = CASES_PER_PAGE + 10


def add_cases(staff, make_case, count: int, *, allocated: bool) -> None:
    for number in range(count):
        advocate = staff["ada"] if allocated else None
        case = make_case(
            advocate,
            first_name=f"Person{number}",
            status_code="s2" if number % 2 else "s3",
            started_on=date(2026, 11, 20) - timedelta(days=number),
            first_medication_on=date(2026, 9, 1),
        )
        services.record_activity(
            case=case,
            fields={
                "kind": ActivityKind.WARD_ROUND,
                "occurs_on": FIXED_TODAY + timedelta(days=number % 10),
                "starts_at_time": time(10, 0),
                "duration_minutes": 30,
            },
            actor=staff["manager"],
        )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.usefixtures("pages_worked_out")
def test_caseload_query_count_does_not_grow(
    staff, make_case, sign_in, fixed_today, django_assert_max_num_queries
):
    client = sign_in(staff["ada"])
    add_cases(staff, make_case, 3, allocated=True)
    small = count_queries(client, "/staff/cases/mine/")
    add_cases(staff, make_case, MANY - 3, allocated=True)
    with django_assert_max_num_queries(CASELOAD_MAX_QUERIES):
        response = client.get("/staff/cases/mine/")
    # Every case's ward round, and one page of the cases themselves.
    assert response.content.count(b"Ward round") == MANY
    assert len(re.findall(rb">Person\d+ ", response.content)) >= MANY + CASES_PER_PAGE
    assert count_queries(client, "/staff/cases/mine/") == small
    assert count_queries(client, "/staff/cases/mine/?page=2") == small


@pytest.mark.usefixtures("pages_worked_out")
def test_caseload_with_dates_worked_out_live_costs_the_same_for_more_cases(
    staff, make_case, sign_in, fixed_today
):
    client = sign_in(staff["ada"])
    add_cases(staff, make_case, 3, allocated=True)
    # As if the stored dates had run out for every case: they are all worked out live.
    Case.objects.update(deadlines_stored_until=None)
    small = count_queries(client, "/staff/cases/mine/")
    add_cases(staff, make_case, 27, allocated=True)
    Case.objects.update(deadlines_stored_until=None)
    assert count_queries(client, "/staff/cases/mine/") == small


@pytest.mark.usefixtures("pages_worked_out")
def test_team_page_query_count_does_not_grow(staff, make_case, sign_in, fixed_today):
    client = sign_in(staff["nia"])
    add_cases(staff, make_case, 3, allocated=True)
    small = count_queries(client, "/staff/cases/team/")
    add_cases(staff, make_case, MANY - 3, allocated=True)
    assert count_queries(client, "/staff/cases/team/") == small


@pytest.mark.usefixtures("pages_worked_out")
@pytest.mark.parametrize("who", ["manager", "ada"])
def test_case_list_query_count_does_not_grow(
    who, staff, make_case, sign_in, django_assert_max_num_queries
):
    client = sign_in(staff[who])
    add_cases(staff, make_case, 3, allocated=True)
    small = count_queries(client, "/staff/cases/")
    add_cases(staff, make_case, MANY - 3, allocated=True)
    with django_assert_max_num_queries(CASE_LIST_MAX_QUERIES):
        response = client.get("/staff/cases/")
    assert len(re.findall(rb">Person\d+ ", response.content)) == CASES_PER_PAGE
    assert count_queries(client, "/staff/cases/") == small
    assert count_queries(client, "/staff/cases/?page=2&status=open") == small


@pytest.mark.usefixtures("pages_worked_out")
def test_allocation_query_count_does_not_grow(
    staff, make_case, sign_in, django_assert_max_num_queries
):
    client = sign_in(staff["manager"])
    add_cases(staff, make_case, 3, allocated=False)
    small = count_queries(client, "/staff/cases/allocation/")
    add_cases(staff, make_case, 27, allocated=False)
    with django_assert_max_num_queries(ALLOCATION_MAX_QUERIES):
        response = client.get("/staff/cases/allocation/")
    assert response.content.count(b"Allocate<span") == 30
    assert count_queries(client, "/staff/cases/allocation/") == small


def test_allocation_shows_open_case_counts_from_the_database(staff, make_case, sign_in):
    for _ in range(3):
        make_case(staff["nia"])
    closed = make_case(staff["nia"])
    services.close_case(case=closed, reason="work_complete", note="", actor=staff["manager"])
    html = sign_in(staff["manager"]).get("/staff/cases/allocation/").content.decode()
    assert 'data-open-cases="nia">3<' in html
    assert 'data-open-cases="sol">0<' in html
