"""Statutory dates on the case page and the caseload, from the rules engine.

The pages are told today is 25 November 2026 (FIXED_TODAY) so every date below is fixed.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.cases.conftest import FIXED_TODAY

pytestmark = pytest.mark.django_db


def panel_rows(html: str) -> list[str]:
    """The statutory dates table as text rows, one per date, without tags."""
    table = html.split('data-deadlines="current"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr class=\"govuk-table__row\" data-kind=\"(\w+)\">(.*?)</tr>", table, re.S)
    return [
        f"{kind}: " + re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)).strip()
        for kind, body in rows
    ]


def test_section_2_expiry_and_tribunal_window(staff, make_case, sign_in, fixed_today):
    case = make_case(staff["ada"], status_code="s2", started_on=date(2026, 11, 20))
    html = sign_in(staff["ada"]).get(f"/staff/cases/{case.pk}/").content.decode()
    rows = panel_rows(html)
    assert any(r.startswith("expiry:") and "17 December 2026" in r for r in rows), rows
    assert any(
        r.startswith("tribunal_window:") and "20 November 2026 to 3 December 2026" in r
        for r in rows
    ), rows
    assert "Section 2 runs from 20 November 2026 for 28 days." in html


def test_section_3_renewed_shows_the_current_period_and_its_renewal(
    staff, make_case, sign_in, fixed_today
):
    # Admitted 10 January 2025: 6 months, renewed 6 months, then 12 months from 10 Jan 2026.
    case = make_case(
        staff["ada"],
        status_code="s3",
        started_on=date(2025, 1, 10),
        first_medication_on=date(2026, 9, 1),
    )
    html = sign_in(staff["ada"]).get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Renewal period 2: 10 January 2026 to 9 January 2027." in html
    rows = panel_rows(html)
    assert any(r.startswith("expiry:") and "9 January 2027" in r for r in rows), rows
    assert any(
        r.startswith("renewal_examination:") and "10 November 2026 to 9 January 2027" in r
        for r in rows
    ), rows
    assert any(
        r.startswith("tribunal_window:") and "10 January 2026 to 9 January 2027" in r for r in rows
    ), rows
    # s58: three months from the first dose on 1 September 2026.
    assert any(r.startswith("consent_to_treatment:") and "1 December 2026" in r for r in rows)
    # The first period's end is in the past list, not the current table.
    assert not any("9 July 2025" in r for r in rows)
    assert "Ends: 9 July 2025" in html


def test_cto_expiry_and_renewal_examination(staff, make_case, sign_in, fixed_today):
    case = make_case(staff["ada"], status_code="cto", started_on=date(2026, 6, 1))
    html = sign_in(staff["ada"]).get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Community treatment order (CTO)" in html
    rows = panel_rows(html)
    assert any(r.startswith("expiry:") and "30 November 2026" in r for r in rows), rows
    assert any(
        r.startswith("renewal_examination:") and "1 October 2026 to 30 November 2026" in r
        for r in rows
    ), rows
    assert not any(r.startswith("consent_to_treatment:") for r in rows)


def test_caseload_lists_the_next_14_days(staff, make_case, sign_in, fixed_today):
    make_case(staff["ada"], first_name="Cato", status_code="s17a", started_on=date(2026, 6, 1))
    make_case(
        staff["ada"],
        first_name="Sevi",
        status_code="s3",
        started_on=date(2025, 1, 10),
        first_medication_on=date(2026, 9, 1),
    )
    # Far off: a section 3 that began last month has nothing in the next 14 days.
    make_case(staff["ada"], first_name="Faro", status_code="s3", started_on=date(2026, 10, 1))
    html = sign_in(staff["ada"]).get("/staff/cases/mine/").content.decode()
    upcoming = html.split("Statutory dates in the next 14 days", 1)[1].split("</table>", 1)[0]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", upcoming))
    assert "Mon 30 Nov 2026 Ends Cato" in text
    assert "Tue 1 Dec 2026 Section 58 three-month point Sevi" in text
    assert "Faro" not in text
    assert FIXED_TODAY.isoformat()  # the fixture is in use


def test_unknown_or_informal_status_says_why_there_are_no_dates(
    staff, make_case, sign_in, fixed_today
):
    case = make_case(staff["ada"], status_code="informal", started_on=date(2026, 11, 1))
    html = sign_in(staff["ada"]).get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Statutory dates" in html
    assert 'data-deadlines="current"' not in html
