"""The caseload and the case list come a page at a time; any page number typed into the
address gives a page and a note saying what happened, never an error. The paging helpers
themselves are tested in tests/core/test_paging.py."""

from __future__ import annotations

import re
from datetime import date

import pytest

from imha.cases.views import CASES_PER_PAGE

pytestmark = pytest.mark.django_db


# --- the caseload ----------------------------------------------------------------------------


def people_listed(html: str) -> list[str]:
    table = html.split('data-cases="page"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'href="/staff/cases/\d+/">([^<]+)</a>', table)


def open_cases_for_ada(staff, make_case, count: int) -> None:
    for number in range(count):
        make_case(
            staff["ada"],
            last_name=f"Surname{number:03d}",
            status_code="s2",
            started_on=date(2026, 11, 20),
        )


def test_the_caseload_is_paged_by_surname_with_every_date_on_each_page(
    staff, make_case, sign_in, fixed_today
):
    open_cases_for_ada(staff, make_case, CASES_PER_PAGE + 3)
    client = sign_in(staff["ada"])
    first = client.get("/staff/cases/mine/").content.decode()
    second = client.get("/staff/cases/mine/?page=2").content.decode()
    assert f"Open cases ({CASES_PER_PAGE + 3})" in first
    assert people_listed(first) == [f"Rowan Surname{n:03d}" for n in range(CASES_PER_PAGE)]
    assert people_listed(second) == [
        f"Rowan Surname{n:03d}" for n in range(CASES_PER_PAGE, CASES_PER_PAGE + 3)
    ]
    assert 'aria-label="Pages of open cases"' in first
    assert 'href="?page=2#open-cases" rel="next"' in first
    assert 'aria-current="page">2<' in second
    assert "Showing 51 to 53, by surname." in second
    # The statutory dates cover every case, whichever page of them is shown.
    dates = first.split("Statutory dates in the next 14 days", 1)[1].split("</table>", 1)[0]
    assert dates.count("Tribunal application window closes") == CASES_PER_PAGE + 3
    assert (
        dates == second.split("Statutory dates in the next 14 days", 1)[1].split("</table>", 1)[0]
    )


def test_one_page_of_cases_has_no_page_links(staff, make_case, sign_in, fixed_today):
    open_cases_for_ada(staff, make_case, 2)
    html = sign_in(staff["ada"]).get("/staff/cases/mine/").content.decode()
    assert "Open cases (2)" in html
    assert "govuk-pagination" not in html


NOT_A_NUMBER = "is not a page number, so this is the first page."


def notes_on(html: str) -> list[str]:
    return re.findall(r'<div class="govuk-inset-text">([^<]*)</div>', html)


@pytest.mark.parametrize(
    ("page", "note", "shown"),
    [
        ("abc", f"“abc” {NOT_A_NUMBER}", 1),
        ("1.5", f"“1.5” {NOT_A_NUMBER}", 1),
        ("", "", 1),
        ("0", f"“0” {NOT_A_NUMBER}", 1),
        ("-3", f"“-3” {NOT_A_NUMBER}", 1),
        (" 2 ", f"“ 2 ” {NOT_A_NUMBER}", 1),
        ("99", "There is no page 99. This list has 2 pages, and this is the last one.", 2),
        (
            "9" * 5000,
            "There is no page 9999999999999999999…. "
            "This list has 2 pages, and this is the last one.",
            2,
        ),
    ],
)
def test_a_page_number_that_does_not_exist_shows_the_nearest_page_and_says_so(
    staff, make_case, sign_in, fixed_today, page, note, shown
):
    open_cases_for_ada(staff, make_case, CASES_PER_PAGE + 1)
    client = sign_in(staff["ada"])
    response = client.get("/staff/cases/mine/", {"page": page})
    html = response.content.decode()
    assert response.status_code == 200
    assert notes_on(html) == ([note] if note else [])
    assert f'aria-current="page">{shown}<' in html


def test_a_page_past_the_end_of_a_short_caseload_says_it_is_the_only_page(
    staff, make_case, sign_in, fixed_today
):
    open_cases_for_ada(staff, make_case, 1)
    html = sign_in(staff["ada"]).get("/staff/cases/mine/?page=4").content.decode()
    assert "There is no page 4. This list has only one page." in html
    assert people_listed(html) == ["Rowan Surname000"]


def test_an_empty_caseload_with_a_page_number_is_still_a_page(staff, sign_in, fixed_today):
    response = sign_in(staff["ada"]).get("/staff/cases/mine/?page=3")
    assert response.status_code == 200
    assert "No open cases." in response.content.decode()


# --- the case list ---------------------------------------------------------------------------


def test_the_case_list_pages_newest_first_and_handles_bad_pages(staff, make_case, sign_in):
    for number in range(CASES_PER_PAGE + 2):
        make_case(staff["ada"], last_name=f"Listed{number:03d}")
    client = sign_in(staff["manager"])
    second = client.get("/staff/cases/?page=2").content.decode()
    # Newest first: the two oldest cases are on page 2.
    assert "Rowan Listed001" in second and "Rowan Listed000" in second
    assert "Rowan Listed002" not in second
    past_the_end = client.get("/staff/cases/?page=7&status=open")
    assert past_the_end.status_code == 200
    past_the_end_html = past_the_end.content.decode()
    assert "There is no page 7. This list has 2 pages, and this is the last one." in (
        past_the_end_html
    )
    # The status filter is kept in the page links.
    assert 'href="?status=open" rel="prev"' in past_the_end_html
    not_a_number = client.get("/staff/cases/?page=last").content.decode()
    assert f"“last” {NOT_A_NUMBER}" in not_a_number
    assert 'aria-label="Pages of cases"' in not_a_number
    assert "Rowan Listed051" in not_a_number
