"""The caseload pages read their dates, activities and pages of cases with SQL kept per person
and day (imha.cases.selectors.caseload with `kept_as`), and the allocation page its lists with
SQL kept once. What they show must be what the ORM would read, afresh on every view, and
never another person's or another team's."""

from __future__ import annotations

from datetime import timedelta

import pytest

from imha.accounts.models import Role
from imha.cases import selectors, services
from imha.cases.models import ActivityKind, Case, ClosureReason
from imha.core.kept_sql import forget_kept_rows
from tests.cases.conftest import FIXED_TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fixed_today", "pages_worked_out")]

MINE = "/staff/cases/mine/"
TEAM = "/staff/cases/team/"


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    forget_kept_rows()


def book(case: Case, actor, days_ahead: int, kind: str = ActivityKind.WARD_ROUND) -> None:
    services.record_activity(
        case=case,
        fields={"kind": kind, "occurs_on": FIXED_TODAY + timedelta(days=days_ahead)},
        actor=actor,
    )


def test_kept_reads_are_what_the_orm_reads(staff, make_case) -> None:
    ada = staff["ada"]
    cases = [
        make_case(
            ada,
            last_name=f"Kept{n}",
            status_code="3",
            started_on=FIXED_TODAY - timedelta(days=n * 30),
        )
        for n in range(1, 5)
    ]
    make_case(staff["sol"], last_name="Elsewhere", status_code="2")
    for n, case in enumerate(cases):
        book(case, ada, n)
    for scope, key in (
        (selectors.my_cases(ada), ("mine", *selectors.visibility_key(ada))),
        (selectors.team_cases(ada), ("team", *selectors.visibility_key(ada))),
    ):
        for _ in range(2):  # the first builds the SQL, the second reads with it kept
            kept = selectors.caseload(scope, FIXED_TODAY, kept_as=key)
            orm = selectors.caseload(scope, FIXED_TODAY)
            assert kept.total == orm.total == 4
            assert kept.deadlines == orm.deadlines and kept.deadlines
            assert kept.activities == orm.activities and len(kept.activities) == 4
            assert kept.cases[0:3] == list(orm.cases[0:3])
            assert kept.cases[3:6] == list(orm.cases[3:6])


def test_each_view_shows_what_changed_since_the_last(staff, make_case, sign_in) -> None:
    ada = staff["ada"]
    client = sign_in(ada)
    first = make_case(ada, last_name="Firstcase")
    page = client.get(MINE).content.decode()
    assert "Firstcase" in page and "Nothing booked in the next 14 days." in page
    book(first, ada, 2)
    make_case(ada, last_name="Secondcase")
    page = client.get(MINE).content.decode()
    assert "Secondcase" in page
    assert "Ward round" in page and "Nothing booked" not in page
    services.close_case(case=first, reason=ClosureReason.WORK_COMPLETE, note="", actor=ada)
    page = client.get(MINE).content.decode()
    assert "Firstcase" not in page and "Secondcase" in page


def test_one_persons_kept_caseload_is_never_anothers(staff, make_case, sign_in) -> None:
    # Two advocates in the same team, each with a case, its statutory dates and a booking:
    # only the person differs between them.
    for name in ("ada", "nia"):
        advocate = staff[name]
        case = make_case(advocate, last_name=f"{name.title()}scase", status_code="3")
        kind = ActivityKind.TRIBUNAL_HEARING if name == "ada" else ActivityKind.LETTER
        book(case, advocate, 1, kind)
    ada_page = sign_in(staff["ada"]).get(MINE).content.decode()
    nia_page = sign_in(staff["nia"]).get(MINE).content.decode()
    assert "Adascase" in ada_page and "Niascase" not in ada_page
    assert "Niascase" in nia_page and "Adascase" not in nia_page
    assert "Tribunal hearing" in ada_page and "Tribunal hearing" not in nia_page


def test_moving_team_moves_the_team_caseload(staff, teams, make_case, sign_in) -> None:
    nia = staff["nia"]
    make_case(staff["ada"], last_name="Northcase")
    make_case(staff["sol"], last_name="Southcase")
    client = sign_in(nia)
    page = client.get(TEAM).content.decode()
    assert "Northcase" in page and "Southcase" not in page
    nia.team = teams["south"]
    nia.save(update_fields=["team"])
    page = client.get(TEAM).content.decode()
    assert "Southcase" in page and "Northcase" not in page


def test_a_new_role_gets_the_caseload_of_that_role(staff, make_case, sign_in) -> None:
    # An advocate's "mine" is their allocated cases; an intake worker's is the cases from the
    # referrals they handled, which here is none: no case, date or booking of theirs.
    nia = staff["nia"]
    case = make_case(nia, last_name="Niascase", status_code="3")
    book(case, nia, 1)
    client = sign_in(nia)
    page = client.get(MINE).content.decode()
    assert "Niascase" in page and "Ward round" in page
    nia.role = Role.INTAKE
    nia.save(update_fields=["role"])
    page = client.get(MINE).content.decode()
    assert "Niascase" not in page and "No open cases." in page
    assert "No statutory dates in the next 14 days." in page
    assert "Nothing booked in the next 14 days." in page


def test_the_allocation_page_shows_each_change_since_the_last_view(staff, make_case, sign_in):
    client = sign_in(staff["manager"])
    waiting = make_case(last_name="Waitingcase")
    page = client.get("/staff/cases/allocation/").content.decode()
    assert "Waitingcase" in page and 'data-open-cases="sol">0<' in page
    services.allocate_case(case=waiting, advocate=staff["sol"], actor=staff["manager"])
    page = client.get("/staff/cases/allocation/").content.decode()
    assert "Waitingcase" not in page and "Every open case has an advocate." in page
    assert 'data-open-cases="sol">1<' in page


def test_the_case_list_keeps_each_status_and_page_apart(staff, make_case, sign_in) -> None:
    manager = staff["manager"]
    client = sign_in(manager)
    closed = make_case(staff["ada"], last_name="Closedcase")
    services.close_case(case=closed, reason=ClosureReason.WORK_COMPLETE, note="", actor=manager)
    make_case(staff["ada"], last_name="Opencase")
    every = client.get("/staff/cases/").content.decode()
    assert "Opencase" in every and "Closedcase" in every
    open_only = client.get("/staff/cases/?status=open").content.decode()
    assert "Opencase" in open_only and "Closedcase" not in open_only
    closed_only = client.get("/staff/cases/?status=closed").content.decode()
    assert "Closedcase" in closed_only and "Opencase" not in closed_only
    # A status the list does not know lists every case, as before.
    unknown = client.get("/staff/cases/?status=nonsense").content.decode()
    assert "Opencase" in unknown and "Closedcase" in unknown
    make_case(staff["sol"], last_name="Newestcase")
    assert "Newestcase" in client.get("/staff/cases/?status=open").content.decode()


def test_the_case_list_is_each_persons_own(staff, make_case, sign_in) -> None:
    make_case(staff["ada"], last_name="Northcase")
    make_case(staff["sol"], last_name="Southcase")
    north = sign_in(staff["nia"]).get("/staff/cases/").content.decode()
    south = sign_in(staff["sol"]).get("/staff/cases/").content.decode()
    assert "Northcase" in north and "Southcase" not in north
    assert "Southcase" in south and "Northcase" not in south
