"""The quarterly return page and its downloads: who may see them, what they show, and that
the commissioner never reaches a page about a person."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from imha.accounts.models import Role, User
from imha.audit.models import AuditAction, AuditEvent
from imha.cases.models import Activity, Case, Client
from imha.hospitals.models import Hospital
from imha.reports.exports import export_rows, safe_cell
from imha.reports.periods import FinancialQuarter, last_complete_quarter
from imha.reports.selectors import quarterly_return_for
from tests.conftest import london
from tests.reports.conftest import make_case, make_referral
from tests.test_access_matrix import ROUTES

pytestmark = pytest.mark.django_db

URL = "/reports/quarterly/"
Q1_2025 = "period=quarter&quarter=2025-Q1"


def xlsx_figures(content: bytes) -> dict[tuple[str, str], object]:
    sheet = load_workbook(io.BytesIO(content))["Quarterly return"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Section", "Measure", "Figure")
    return {(section, measure): value for section, measure, value in rows[1:]}


def csv_figures(content: bytes) -> dict[tuple[str, str], str]:
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
    assert rows[0] == ["Section", "Measure", "Figure"]
    return {(section, measure): value for section, measure, value in rows[1:]}


def expected_figures(role: str) -> dict[tuple[str, str], object]:
    user = User.objects.get(username=f"{role}-user")
    report = quarterly_return_for(user, FinancialQuarter(2025, 1).as_period())
    return {
        (row.section, row.measure): row.value
        for row in export_rows(report)
        if row.measure != "Produced"
    }


# --- access -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.MANAGER, Role.ADMINISTRATOR])
def test_report_roles_can_open_the_return_and_downloads(verified_client, role):
    client = verified_client(role)
    for url in (URL, f"{URL}export.csv", f"{URL}export.xlsx"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", [Role.INTAKE, Role.ADVOCATE, Role.HOSPITAL])
def test_other_roles_are_refused(verified_client, role):
    client = verified_client(role)
    for url in (URL, f"{URL}export.csv", f"{URL}export.xlsx"):
        assert client.get(url).status_code == 403, url


def test_the_commissioner_cannot_reach_any_page_about_a_person(verified_client, world):
    client = verified_client(Role.COMMISSIONER)
    referral = world.referrals["r1"]
    case = world.cases["c1"]
    notice = world.notices["n1"]
    person_pages = [
        f"/staff/referrals/{referral.reference}/",
        "/staff/referrals/",
        f"/staff/cases/{case.pk}/",
        "/staff/cases/",
        f"/staff/clients/{case.client_id}/",
        f"/hospital/notices/{notice.pk}/",
        "/hospital/notices/",
        "/hospital/",
    ]
    for url in person_pages:
        assert client.get(url).status_code == 403, url


def test_commissioners_are_let_into_reports_and_their_own_account_only():
    # Read from the URLconf, so a new view that lets commissioners in must be added here
    # knowingly.
    allowed = {
        route.name
        for route in ROUTES
        if Role.COMMISSIONER in getattr(route.view, "staff_roles", ())
    }
    elsewhere = {name for name in allowed if not name.startswith(("reports:", "accounts:"))}
    assert elsewhere == {"core:staff_home"}, elsewhere
    assert {"reports:quarterly_return", "reports:export_csv", "reports:export_xlsx"} <= allowed


def test_the_dashboard_links_to_the_return_for_the_commissioner(verified_client):
    response = verified_client(Role.COMMISSIONER).get("/staff/")
    assert URL in response.content.decode()


# --- the page -----------------------------------------------------------------------------


def test_the_default_is_the_last_complete_quarter(verified_client):
    response = verified_client(Role.MANAGER).get(URL)
    quarter = last_complete_quarter(date.today())
    assert response.context["report"].period == quarter.as_period()
    assert quarter.label in response.content.decode()


def test_managers_see_exact_figures(verified_client, world):
    response = verified_client(Role.MANAGER).get(f"{URL}?{Q1_2025}")
    report = response.context["report"]
    assert not report.is_suppressed
    assert report.referrals_received.value == 7
    statutory = {row.key: row.figure.display for row in report.referral_breakdowns[2].rows}
    assert statutory == {"True": "5", "False": "2"}
    assert '<span aria-hidden="true">&lt;5</span>' not in response.content.decode()


def test_commissioners_see_small_numbers_suppressed(verified_client, world):
    response = verified_client(Role.COMMISSIONER).get(f"{URL}?{Q1_2025}")
    html = response.content.decode()
    report = response.context["report"]
    assert report.is_suppressed
    statutory = {row.key: row.figure.display for row in report.referral_breakdowns[2].rows}
    assert statutory == {"True": "[c]", "False": "<5"}
    assert "&lt;5" in html and "fewer than 5" in html and "[c]" in html
    # Charts are drawn for the commissioner too, without bars for hidden figures.
    assert html.count('<svg class="report-chart"') >= 5


def test_filtering_by_hospital(verified_client, world):
    response = verified_client(Role.MANAGER).get(f"{URL}?{Q1_2025}&hospital={world.hospital_a.pk}")
    assert response.context["report"].referrals_received.value == 4
    assert response.context["report"].area_label == "Testing Fields Hospital"


def test_custom_dates(verified_client, world):
    response = verified_client(Role.MANAGER).get(
        f"{URL}?period=custom&from_date=1/6/2025&to_date=30/6/2025"
    )
    assert response.status_code == 200
    assert response.context["report"].referrals_received.value == 4  # r4, r5, r6, r7


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=custom&from_date=30/6/2025&to_date=1/6/2025", "The end date must be the same"),
        ("period=custom&from_date=&to_date=1/6/2025", "Enter the start date"),
        ("period=custom&from_date=31/2/2025&to_date=1/6/2025", "must be a real date"),
        ("period=quarter&quarter=1999-Q9", "Choose a quarter from the list"),
        ("period=custom&from_date=1/1/2020&to_date=1/6/2025", "3 years or less"),
        ("hospital=99999&period=quarter&quarter=2025-Q1", "Choose a hospital from the list"),
    ],
)
def test_filter_errors_are_explained_and_keep_what_was_typed(verified_client, query, message):
    response = verified_client(Role.MANAGER).get(f"{URL}?{query}")
    html = response.content.decode()
    assert response.status_code == 400
    assert response.context["report"] is None
    assert "<title>Error: Quarterly return" in html
    assert "There is a problem" in html
    assert message in html
    if "from_date=31/2/2025" in query:
        assert 'value="31/2/2025"' in html


def test_commissioners_choose_whole_months(verified_client):
    client = verified_client(Role.COMMISSIONER)
    response = client.get(f"{URL}?period=custom&from_date=2/4/2025&to_date=29/6/2025")
    html = response.content.decode()
    assert response.status_code == 400
    assert "first day of a month" in html and "last day of a month" in html
    response = client.get(f"{URL}?period=custom&from_date=1/4/2025&to_date=30/6/2025")
    assert response.status_code == 200


# --- downloads ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.COMMISSIONER])
def test_the_spreadsheet_matches_the_page(verified_client, world, role):
    client = verified_client(role)
    page = client.get(f"{URL}?{Q1_2025}").context["report"]
    response = client.get(f"{URL}export.xlsx?{Q1_2025}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "quarterly-return-2025-04-01-to-2025-06-30.xlsx" in response["Content-Disposition"]
    figures = xlsx_figures(response.content)
    expected = expected_figures(role)
    assert {key: figures[key] for key in expected} == expected
    # And the page showed the same numbers.
    assert figures[("Referrals", "Referrals received")] == page.referrals_received.export_value
    title = page.referral_breakdowns[2].title
    for row in page.referral_breakdowns[2].rows:
        assert figures[(title, row.label)] == row.figure.export_value
    assert figures[("Cases", "New cases")] == page.cases.opened.export_value
    definitions = load_workbook(io.BytesIO(response.content))["Definitions"]
    assert definitions["A1"].value == "Figure"


def test_commissioner_spreadsheet_and_csv_are_suppressed(verified_client, world):
    client = verified_client(Role.COMMISSIONER)
    title = "Referrals by whether the Act names the referrer (statutory)"
    xlsx = xlsx_figures(client.get(f"{URL}export.xlsx?{Q1_2025}").content)
    csv_rows = csv_figures(client.get(f"{URL}export.csv?{Q1_2025}").content)
    for figures in (xlsx, csv_rows):
        assert figures[(title, "From a referrer the Act names")] == "[c]"
        assert figures[(title, "From anybody else")] == "<5"
        assert str(figures[(title, "Total")]) == "7"
        assert str(figures[("Referrals by how they reached us", "In person")]) == "0"
        assert figures[("Response times", "Median response time (working days)")] == (
            "Not shown (small numbers)"
        )
    # No exact small number anywhere in the commissioner's CSV.
    small = {"1", "2", "3", "4"}
    for (section, measure), value in csv_rows.items():
        if section not in {"About this return"}:
            assert value not in small, (section, measure, value)


def test_manager_csv_has_exact_figures(verified_client, world):
    response = verified_client(Role.MANAGER).get(f"{URL}export.csv?{Q1_2025}")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    figures = csv_figures(response.content)
    assert (
        figures[
            ("Referrals by whether the Act names the referrer (statutory)", "From anybody else")
        ]
        == "2"
    )
    assert figures[("Referrals", "Referrals received")] == "7"


def test_each_download_is_audited(verified_client, world):
    client = verified_client(Role.COMMISSIONER)
    client.get(f"{URL}export.csv?{Q1_2025}")
    client.get(f"{URL}export.xlsx?{Q1_2025}")
    client.get(f"{URL}?{Q1_2025}")  # looking at the page is not an export
    events = list(
        AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="quarterly_return")
    )
    assert len(events) == 2
    assert {event.actor_role for event in events} == {Role.COMMISSIONER}
    assert events[0].object_id == "2025-04-01/2025-06-30"
    assert "CSV" in events[0].summary and "suppressed" in events[0].summary


def test_a_download_with_bad_filters_is_refused_and_not_audited(verified_client):
    response = verified_client(Role.MANAGER).get(
        f"{URL}export.csv?period=custom&from_date=x&to_date=y"
    )
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_text_that_looks_like_a_formula_is_escaped(verified_client, world, prefix):
    name = f'{prefix}HYPERLINK("http://example.org","click")'
    risky = Hospital.objects.create(name=name, code=f"risky-{ord(prefix)}")
    make_referral(london(2025, 5, 1, 10), hospital=risky)
    client = verified_client(Role.MANAGER)
    section = "Referrals by hospital"
    csv_rows = csv_figures(client.get(f"{URL}export.csv?{Q1_2025}").content)
    assert csv_rows[(section, "'" + name)] == "1"
    workbook = load_workbook(io.BytesIO(client.get(f"{URL}export.xlsx?{Q1_2025}").content))
    labels = [cell.value for cell in workbook["Quarterly return"]["B"]]
    assert "'" + name in labels
    assert name not in labels
    assert all(
        cell.data_type != "f" for row in workbook["Quarterly return"].iter_rows() for cell in row
    )


def test_safe_cell_leaves_numbers_and_plain_text_alone():
    assert safe_cell(-3) == -3
    assert safe_cell(2.5) == 2.5
    assert safe_cell("<5") == "<5"
    assert safe_cell("\t=1+1") == "'\t=1+1"


# --- queries ------------------------------------------------------------------------------


QUERY_LIMIT = 25


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}?{Q1_2025}")
    assert response.status_code == 200
    return len(queries)


def add_more_of_everything(world, copies: int) -> None:
    for number in range(copies):
        hospital = Hospital.objects.create(name=f"Extra {number}", code=f"extra-{number}")
        make_referral(london(2025, 5, 6, 10), hospital=hospital, channel="email")
        make_referral(london(2025, 5, 7, 10), responded_at=london(2025, 5, 8, 10))
        person = Client.objects.create(first_name=f"Extra{number}", last_name="Example")
        case: Case = make_case(person, london(2025, 4, 20, 9), hospital=hospital)
        for day in (2, 3, 4):
            Activity.objects.create(
                case=case, kind="visit", occurs_on=date(2025, 6, day), duration_minutes=30
            )


@pytest.mark.usefixtures("pages_worked_out")
@pytest.mark.parametrize("role", [Role.MANAGER, Role.COMMISSIONER])
def test_query_count_does_not_grow_with_the_data(
    verified_client, world, django_assert_max_num_queries, role
):
    # Each time with nothing kept, so the figures are counted (see test_caching.py for
    # the page served from the cache).
    client = verified_client(role)
    with django_assert_max_num_queries(QUERY_LIMIT):
        small = page_queries(client)
    add_more_of_everything(world, 30)
    cache.clear()
    with django_assert_max_num_queries(QUERY_LIMIT):
        large = page_queries(client)
    assert large == small


def test_the_filter_form_keeps_the_chosen_quarter_and_hospital(verified_client, world):
    hospital = world.hospital_a.pk
    html = verified_client(Role.MANAGER).get(f"{URL}?{Q1_2025}&hospital={hospital}").content
    page = html.decode()
    assert '<option value="2025-Q1" selected>' in page
    assert f'<option value="{hospital}" selected>Testing Fields Hospital</option>' in page
    assert page.count(" selected>") == 2
    assert 'aria-describedby="id_quarter-hint"' in page


def test_a_hospital_that_does_not_exist_is_marked_on_its_select(verified_client):
    page = verified_client(Role.MANAGER).get(f"{URL}?{Q1_2025}&hospital=99999").content.decode()
    assert (
        '<select name="hospital" class="govuk-select govuk-select--error" '
        'aria-describedby="id_hospital-error" aria-invalid="true" id="id_hospital">'
    ) in page
    assert '<p id="id_hospital-error" class="govuk-error-message">' in page
