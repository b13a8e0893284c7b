"""The case tables are drawn from plain rows (imha.cases.rows), not model instances. Each
cell must still say what the models say: here every table is checked cell by cell against
the markup the templates used to draw from the models themselves."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from imha.accounts.models import User
from imha.cases import rows, selectors, services
from imha.cases.deadlines import deadlines_for, upcoming
from imha.cases.models import (
    Activity,
    ActivityKind,
    Case,
    CaseStatus,
    LegalStatusPeriod,
)
from imha.cases.models import Client as Person
from imha.core.routes import address_maker
from tests.cases.conftest import FIXED_TODAY

pytestmark = pytest.mark.django_db


def render(snippet: str, **context: object) -> str:
    return engines["django"].from_string(snippet).render(context)


def table_rows(html: str, after: str) -> list[list[str]]:
    """The cells of each body row of the first table after `after`."""
    table = html.split(after, 1)[1].split("</table>", 1)[0]
    body = table.split('<tbody class="govuk-table__body">', 1)[1]
    return [
        [cell.strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.S)
    ]


# What the templates drew from model instances before the rows were introduced.
CASE_LINK = (
    '<a class="govuk-link" href="{% url \'cases:case_detail\' case.pk %}">{{ case.client }}</a>'
)
STATUS_TAG = '{% include "includes/case_status_tag.html" %}'


def caseload_cells(case: Case, *, show_advocate: bool) -> list[str]:
    cells = [
        render(CASE_LINK, case=case),
        render("{{ case.reference }}", case=case),
        render("{{ case.location }}", case=case),
        render("{{ case.legal_status_title }}", case=case),
    ]
    if show_advocate:
        cells.append(render('{{ case.allocated_advocate|default:"Not allocated" }}', case=case))
    return [*cells, render(STATUS_TAG, case=case).strip()]


def case_list_cells(case: Case) -> list[str]:
    return [
        render(CASE_LINK, case=case),
        render("{{ case.reference }}", case=case),
        render('{{ case.opened_at|date:"j M Y" }}', case=case),
        render('{{ case.allocated_advocate|default:"Not allocated" }}', case=case),
        render(STATUS_TAG, case=case).strip(),
    ]


@pytest.fixture
def varied_cases(staff, make_case, fixed_today) -> list[Case]:
    """Cases that between them take every branch of a row: a ward from the hospital's list,
    a typed ward, a hospital with no ward, the community with and without a place, a name
    needing escaping, an anonymised client, an unknown and a known legal status, on hold."""
    made = [
        make_case(staff["ada"], last_name="Abbot", status_code="s3", started_on=date(2026, 6, 1)),
        make_case(staff["ada"], last_name="O'Brien <b>", status_code="s2"),
        make_case(staff["ada"], last_name="Carr"),
        make_case(staff["ada"], last_name="Dunn", status_code="cto"),
        make_case(staff["ada"], last_name="Ellis"),
        make_case(staff["nia"], last_name="Fox", status_code="s37"),
    ]
    Case.objects.filter(pk=made[1].pk).update(hospital_ward=None, ward="Typed & ward")
    Case.objects.filter(pk=made[2].pk).update(hospital_ward=None, ward="")
    Case.objects.filter(pk=made[3].pk).update(
        hospital=None, hospital_ward=None, community_location="Fictional Moor"
    )
    Case.objects.filter(pk=made[4].pk).update(
        hospital=None, hospital_ward=None, community_location="", status=CaseStatus.ON_HOLD
    )
    Person.objects.filter(pk=made[4].client_id).update(anonymised_at=timezone.now())
    return [Case.objects.select_related("client").get(pk=case.pk) for case in made]


def by_surname(cases: list[Case]) -> list[Case]:
    return sorted(cases, key=lambda case: (case.client.last_name, case.client.first_name, case.pk))


def test_caseload_rows_say_what_the_models_say(staff, sign_in, varied_cases):
    html = sign_in(staff["ada"]).get("/staff/cases/mine/").content.decode()
    mine = [case for case in varied_cases if case.allocated_advocate_id == staff["ada"].pk]
    assert table_rows(html, 'data-cases="page"') == [
        caseload_cells(case, show_advocate=False) for case in by_surname(mine)
    ]
    assert "Anonymised client" in html and "O&#x27;Brien &lt;b&gt;" in html


def test_team_caseload_rows_name_each_advocate(staff, sign_in, varied_cases):
    html = sign_in(staff["ada"]).get("/staff/cases/team/").content.decode()
    assert table_rows(html, 'data-cases="page"') == [
        caseload_cells(case, show_advocate=True) for case in by_surname(varied_cases)
    ]
    assert '<td class="govuk-table__cell">Nia</td>' in html


def test_caseload_dates_and_activities_say_what_the_models_say(
    staff, make_case, sign_in, varied_cases
):
    case = varied_cases[0]
    for kind, day, moment in [
        (ActivityKind.WARD_ROUND, 2, time(10, 0)),
        (ActivityKind.VISIT, 0, time(14, 30)),
        (ActivityKind.LETTER, 5, None),
        (ActivityKind.PHONE_CALL, 3, time(0, 5)),
    ]:
        services.record_activity(
            case=case,
            fields={
                "kind": kind,
                "occurs_on": FIXED_TODAY + timedelta(days=day),
                "starts_at_time": moment,
                "duration_minutes": 15,
            },
            actor=staff["ada"],
        )
    # One case whose stored dates ran out, so its dates are worked out live and merged in.
    Case.objects.filter(pk=varied_cases[1].pk).update(deadlines_stored_until=None)
    html = sign_in(staff["ada"]).get("/staff/cases/mine/").content.decode()

    horizon = FIXED_TODAY + timedelta(days=selectors.UPCOMING_DAYS)
    expected_dates = []
    for each in varied_cases:
        period = LegalStatusPeriod.objects.filter(case=each, ended_on=None).first()
        if each.allocated_advocate_id != staff["ada"].pk or period is None:
            continue
        found = deadlines_for(period, each.client.date_of_birth, FIXED_TODAY)
        expected_dates += upcoming(each, found, FIXED_TODAY, horizon)
    expected_dates.sort(key=lambda item: (item.due_on, item.case.pk, item.what))
    assert len({item.case.pk for item in expected_dates}) == 2
    assert table_rows(html, "Statutory dates in the next") == [
        [
            render('{{ item.due_on|date:"D j M Y" }}', item=item),
            render("{{ item.what }}", item=item),
            render(
                '<a class="govuk-link" href="{% url \'cases:case_detail\' item.case.pk %}">'
                '{{ item.case.client }}<span class="govuk-visually-hidden">, case</span> '
                "({{ item.case.reference }})</a>",
                item=item,
            ),
        ]
        for item in expected_dates
    ]

    activities = Activity.objects.filter(case=case).order_by("occurs_on", "starts_at_time", "pk")
    assert table_rows(html, "Activities in the next") == [
        [
            render(
                '{{ a.occurs_on|date:"D j M Y" }}{% if a.starts_at_time %}, '
                "{{ a.time_label }}{% endif %}",
                a=activity,
            ),
            render("{{ a.get_kind_display }}", a=activity),
            render(
                '<a class="govuk-link" href="{% url \'cases:case_detail\' a.case_id %}">'
                "{{ a.case.client }} ({{ a.case.reference }})</a>",
                a=activity,
            ),
        ]
        for activity in activities
    ]
    assert "12:05am" in html and "2:30pm" in html


@pytest.mark.parametrize("who", ["manager", "ada"])
def test_case_list_rows_say_what_the_models_say(who, staff, sign_in, varied_cases):
    services.close_case(
        case=varied_cases[2], reason="work_complete", note="", actor=staff["manager"]
    )
    Case.objects.filter(pk=varied_cases[3].pk).update(allocated_advocate=None)
    html = sign_in(staff[who]).get("/staff/cases/").content.decode()
    visible = selectors.cases_visible_to(staff[who])
    expected = (
        Case.objects.filter(pk__in=visible.values("pk"))
        .select_related("client", "allocated_advocate")
        .order_by("-opened_at", "-pk")
    )
    assert table_rows(html, "<caption") == [case_list_cells(case) for case in expected]
    assert "govuk-tag--grey" in html
    assert ("Not allocated" in html) == (who == "manager")


def test_allocation_rows_and_choices_say_what_the_models_say(
    staff, make_case, sign_in, make_user, fixed_today
):
    waiting = [make_case(None, last_name="Waiting"), make_case(None, last_name="Also <i>")]
    make_case(staff["nia"])
    make_user("advocate", "loner", first_name="Lone", last_name="Advocate")
    html = sign_in(staff["manager"]).get("/staff/cases/allocation/").content.decode()
    advocates = list(User.objects.filter(role="advocate", is_active=True).select_related("team"))
    open_counts = {advocate.pk: advocate.allocated_cases.count() for advocate in advocates}
    advocates.sort(
        key=lambda a: (
            a.team.name if a.team else "",
            open_counts[a.pk],
            a.last_name,
            a.first_name,
            a.pk,
        )
    )
    # PostgreSQL lists an advocate with no team last and SQLite first: compare the choices
    # as a set.
    options = "".join(
        render(
            '<option value="{{ a.pk }}">{{ a.get_full_name|default:a.username }} '
            '({{ a.team|default:"no team" }}, {{ n }} open)</option>',
            a=advocate,
            n=open_counts[advocate.pk],
        )
        for advocate in advocates
    )
    listed = table_rows(html, "Open cases with no advocate")
    assert len(listed) == len(waiting)
    for case, cells in zip(sorted(waiting, key=lambda c: (c.opened_at, c.pk)), listed, strict=True):
        assert cells[0] == render(CASE_LINK + " ({{ case.reference }})", case=case)
        assert cells[1] == render('{{ case.opened_at|date:"j M Y" }}', case=case)
        assert cells[2] == render("{{ case.location }}", case=case)
        assert f'action="{reverse("cases:case_allocate", args=[case.pk])}"' in cells[3]
        assert render("Advocate for {{ case.client }}</label>", case=case) in cells[3]
        chosen = re.findall(r"<option value=\"\d+\">.*?</option>", cells[3])
        assert sorted(chosen) == sorted(re.findall(r"<option value=\"\d+\">.*?</option>", options))
    assert "Lone Advocate (no team, 0 open)" in html
    assert "Nia (North team, 1 open)" in html
    table = table_rows(html, "Each active advocate")
    assert ["Lone Advocate", "No team", "0"] in table
    assert ["Nia", "North team", "1"] in table


# --- the row helpers against the models ------------------------------------------------------


def test_names_and_references_match_the_models(staff):
    person = Person(pk=42, first_name="Rowan", last_name="Ashby")
    assert rows.client_name(42, "Rowan", "Ashby", None) == str(person)
    person.anonymised_at = timezone.now()
    assert rows.client_name(42, "Rowan", "Ashby", person.anonymised_at) == str(person)
    for pk in (1, 999_999, 1_234_567):
        assert rows.reference(pk) == Case(pk=pk).reference
    for user in staff.values():
        assert rows.person_name(user.username, user.first_name, user.last_name) == str(user)
    assert rows.advocate_label(None, "", "") == "Not allocated"


@pytest.mark.parametrize(
    "moment", [None, *(time(hour, minute) for hour in range(24) for minute in (0, 5, 30))]
)
def test_time_labels_match_the_model(moment):
    assert rows.time_label(moment) == Activity(starts_at_time=moment).time_label


def test_date_labels_match_the_date_filter():
    days = rows.day_labels()
    opened = rows.opened_labels()
    for offset in range(0, 400, 7):
        day = date(2026, 1, 1) + timedelta(days=offset)
        assert days[day] == render('{{ d|date:"D j M Y" }}', d=day)
        # Late in the evening UTC in summer is the next day in the UK.
        moment = datetime.combine(day, time(23, 30), tzinfo=UTC)
        assert opened[timezone.localdate(moment)] == render('{{ d|date:"j M Y" }}', d=moment)


def test_status_tags_match_the_include():
    for status in [*CaseStatus.values, "unknown"]:
        assert rows.status_tag(status) == render(STATUS_TAG, case={"status": status})


def test_case_addresses_match_reverse():
    make = address_maker("cases:case_detail")
    allocate = address_maker("cases:case_allocate")
    for pk in (1, 987654321987, 5):
        assert make(pk) == reverse("cases:case_detail", args=[pk])
        assert allocate(pk) == reverse("cases:case_allocate", args=[pk])
