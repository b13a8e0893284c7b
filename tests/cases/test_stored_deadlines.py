"""Stored statutory dates (CaseDeadline) agree with the rules engine worked out live.

The live answer is `upcoming(deadlines_for(...))`: the engine's rows for the current legal
status, as the case page shows them. The stored answer is what `events_for` writes and
what a caseload reads back with `shown_between`. They must list the same dates on every
day the stored rows cover, for every kind of status.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from imha.cases import selectors, services, stored_deadlines
from imha.cases.deadlines import (
    STORED_DAYS_AHEAD,
    deadlines_for,
    events_for,
    is_shown,
    upcoming,
)
from imha.cases.models import Case, CaseDeadline, LegalStatusPeriod
from imha.cases.selectors import UPCOMING_DAYS
from imha.law import SECTIONS
from tests.cases.conftest import FIXED_TODAY

pytestmark = pytest.mark.django_db

STATUS_CODES = [section.code for section in SECTIONS]
# The last day a caseload can read stored rows written on day W: W + this.
LAST_STORED_VIEW = STORED_DAYS_AHEAD - UPCOMING_DAYS


def live_upcoming(period: LegalStatusPeriod, date_of_birth: date | None, today: date) -> Counter:
    horizon = today + timedelta(days=UPCOMING_DAYS)
    found = deadlines_for(period, date_of_birth, today)
    return Counter((item.due_on, item.what) for item in upcoming(Case(), found, today, horizon))


def stored_upcoming(events: list, today: date) -> Counter:
    horizon = today + timedelta(days=UPCOMING_DAYS)
    return Counter((e.due_on, e.title) for e in events if is_shown(e, today, horizon))


@st.composite
def legal_statuses(draw: st.DrawFn) -> tuple[LegalStatusPeriod, date | None]:
    started_on = draw(st.dates(date(2012, 1, 1), date(2028, 12, 31)))
    around = st.dates(started_on - timedelta(days=400), started_on + timedelta(days=800))
    period = LegalStatusPeriod(
        status_code=draw(st.sampled_from(STATUS_CODES)),
        started_on=started_on,
        # Hour-based powers need a time; without one the engine refuses and nothing is shown.
        started_at_time=draw(st.none() | st.times()),
        first_medication_on=draw(st.none() | around),
        admitted_on=draw(st.none() | st.dates(started_on - timedelta(days=60), started_on)),
        tribunal_applied_in_first_six_months=draw(st.booleans()),
        last_tribunal_consideration_on=draw(st.none() | around),
    )
    date_of_birth = draw(st.none() | st.dates(date(1930, 1, 1), date(2016, 12, 31)))
    return period, date_of_birth


@settings(max_examples=400, deadline=None)
@given(
    status=legal_statuses(),
    written_on=st.dates(date(2020, 1, 1), date(2030, 12, 31)),
    days_later=st.integers(0, LAST_STORED_VIEW),
)
def test_stored_events_list_what_the_engine_gives_live(status, written_on, days_later):
    period, date_of_birth = status
    events = events_for(
        period, date_of_birth, written_on, stored_deadlines.stored_until(written_on)
    )
    today = written_on + timedelta(days=days_later)
    assert stored_upcoming(events, today) == live_upcoming(period, date_of_birth, today)


def test_a_long_detention_still_lists_its_current_period_when_a_reference_is_years_off():
    # Admitted 2019; the tribunal last looked in June 2026, so the managers' reference is
    # not due until 2029. The engine must still list enough periods to reach today.
    period = LegalStatusPeriod(
        status_code="s3",
        started_on=date(2019, 1, 1),
        last_tribunal_consideration_on=date(2026, 6, 1),
    )
    found = deadlines_for(period, None, FIXED_TODAY)
    assert found.current_period is not None
    assert found.current_period.start <= FIXED_TODAY <= found.current_period.end
    # The renewal examination for the period ending 31 December 2026 has opened.
    assert any(
        row.kind == "renewal_examination" and row.end == date(2026, 12, 31) for row in found.rows
    )


# --- through the services and the caseload query -------------------------------------------

# (status, started on, extra period fields, date of birth): one of each kind of status,
# and the awkward ones: a renewed section, a capped order whose last period is a day long,
# an hour-based power, a status with no dates, and a reference due years ahead.
SCENARIOS: list[tuple[str, date, dict[str, Any], date | None]] = [
    ("s2", date(2026, 11, 20), {}, date(1980, 5, 17)),
    ("s3", date(2025, 1, 10), {"first_medication_on": date(2026, 9, 1)}, date(1980, 5, 17)),
    ("s3", date(2019, 1, 1), {"last_tribunal_consideration_on": date(2026, 6, 1)}, None),
    ("s17a", date(2026, 6, 1), {"admitted_on": date(2025, 11, 30)}, date(1990, 2, 28)),
    ("s37", date(2024, 3, 15), {}, date(2010, 1, 1)),
    ("s37/41", date(2020, 2, 29), {"last_tribunal_consideration_on": date(2025, 3, 1)}, None),
    ("s45a", date(2026, 10, 31), {}, None),
    ("conditional_discharge", date(2019, 8, 31), {}, date(1975, 8, 31)),
    ("s38", date(2026, 1, 1), {}, None),
    ("s35", date(2026, 11, 1), {}, None),
    ("s7", date(2026, 5, 31), {}, None),
    ("s136", date(2026, 11, 24), {"started_at_time": time(22, 30)}, None),
    ("informal", date(2026, 11, 1), {}, None),
]
# Every week of the stored range (each date is in the 14 days ahead of at least one of
# them), its first and last days, and days either side of them.
DAYS_AFTER_WRITING = sorted({0, 1, 13, *range(0, LAST_STORED_VIEW, 7), LAST_STORED_VIEW})


def record_status(case: Case, actor, status_code: str, started_on: date, **fields: Any) -> None:
    services.add_legal_status_period(
        case=case,
        fields={"status_code": status_code, "started_on": started_on, **fields},
        actor=actor,
    )


def caseload_dates(case: Case, today: date) -> Counter:
    found = selectors.caseload(Case.objects.filter(pk=case.pk), today).deadlines
    return Counter((item["due_on"], item["what"]) for item in found)


@pytest.mark.parametrize(("status_code", "started_on", "extra", "date_of_birth"), SCENARIOS)
def test_the_caseload_reads_back_what_the_engine_gives(
    status_code,
    started_on,
    extra,
    date_of_birth,
    staff,
    make_case,
    fixed_today,
    monkeypatch,
):
    case = make_case(staff["ada"], date_of_birth=date_of_birth)
    record_status(case, staff["manager"], status_code, started_on, **extra)
    # Only the stored rows may answer: the live fallback would hide a gap in them.
    monkeypatch.setattr(selectors, "_worked_out_live", lambda *args: [])
    period = LegalStatusPeriod.objects.get(case=case)
    seen = Counter()
    for days in DAYS_AFTER_WRITING:
        today = FIXED_TODAY + timedelta(days=days)
        expected = live_upcoming(period, date_of_birth, today)
        assert caseload_dates(case, today) == expected, today
        seen.update(expected)
    if status_code == "informal":
        assert not seen and not CaseDeadline.objects.filter(case=case).exists()
    else:
        assert seen, "the scenario never has a date in the next 14 days"


@pytest.mark.django_db
def test_a_capped_order_names_its_last_day_only_once_the_last_period_begins(
    staff, make_case, fixed_today
):
    # s38 from 1 January 2026: 12 weeks, then 28-day renewals, ending at 12 months. The
    # last renewal runs from 31 to 31 December 2026, a single day.
    case = make_case(staff["ada"], status_code="s38", started_on=date(2026, 1, 1))
    ends = [
        (item["due_on"], item["what"])
        for item in selectors.caseload(
            Case.objects.filter(pk=case.pk), date(2026, 12, 20)
        ).deadlines
    ]
    assert ends == [(date(2026, 12, 30), "Ends")]
    later = selectors.caseload(Case.objects.filter(pk=case.pk), date(2026, 12, 31)).deadlines
    assert [(item["due_on"], item["what"]) for item in later] == [(date(2026, 12, 31), "Ends")]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(status=legal_statuses(), days_later=st.integers(0, LAST_STORED_VIEW))
def test_stored_rows_match_the_engine_for_any_status(
    staff, make_case, fixed_today, monkeypatch, status, days_later
):
    period, date_of_birth = status
    case = make_case(staff["ada"], date_of_birth=date_of_birth)
    fields = {
        name: getattr(period, name)
        for name in (
            "started_at_time",
            "first_medication_on",
            "admitted_on",
            "tribunal_applied_in_first_six_months",
            "last_tribunal_consideration_on",
        )
    }
    record_status(case, staff["manager"], period.status_code, period.started_on, **fields)
    monkeypatch.setattr(selectors, "_worked_out_live", lambda *args: [])
    today = FIXED_TODAY + timedelta(days=days_later)
    stored = LegalStatusPeriod.objects.get(case=case)
    assert caseload_dates(case, today) == live_upcoming(stored, date_of_birth, today)


# --- kept up to date by the services -------------------------------------------------------


def stored_rows(case: Case) -> list[tuple[date, str, str, int]]:
    return list(
        CaseDeadline.objects.filter(case=case)
        .order_by("due_on", "kind", "point")
        .values_list("due_on", "kind", "point", "period_id")
    )


def expected_rows(period: LegalStatusPeriod, date_of_birth: date | None) -> list:
    events = events_for(
        period, date_of_birth, FIXED_TODAY, stored_deadlines.stored_until(FIXED_TODAY)
    )
    return sorted((e.due_on, e.kind, e.point.value, period.pk) for e in events)


def test_a_new_case_is_marked_as_having_its_dates_stored(staff, make_case, fixed_today):
    case = make_case(staff["ada"])
    assert case.deadlines_stored_until == FIXED_TODAY + timedelta(days=STORED_DAYS_AHEAD)
    assert stored_rows(case) == []


def test_recording_a_status_stores_its_dates_and_a_new_one_replaces_them(
    staff, make_case, fixed_today
):
    case = make_case(staff["ada"], status_code="s2", started_on=date(2026, 11, 20))
    section_2 = LegalStatusPeriod.objects.get(case=case)
    assert stored_rows(case) == expected_rows(section_2, date(1980, 5, 17)) != []
    record_status(case, staff["ada"], "s3", date(2026, 12, 1))
    section_3 = LegalStatusPeriod.objects.get(case=case, status_code="s3")
    assert stored_rows(case) == expected_rows(section_3, date(1980, 5, 17))
    assert {row[3] for row in stored_rows(case)} == {section_3.pk}


def test_ending_the_status_removes_its_dates(staff, make_case, fixed_today):
    case = make_case(staff["ada"], status_code="s3", started_on=date(2026, 10, 1))
    assert stored_rows(case)
    period = LegalStatusPeriod.objects.get(case=case)
    services.end_legal_status_period(period=period, ended_on=date(2026, 11, 24), actor=staff["ada"])
    assert stored_rows(case) == []
    assert selectors.caseload(Case.objects.filter(pk=case.pk), FIXED_TODAY).deadlines == []


def test_a_new_date_of_birth_moves_the_under_18_reference(staff, make_case, fixed_today):
    # A hospital order from 1 June 2026: the managers must refer after 3 years, or after 1
    # year if the patient is under 18 then.
    case = make_case(
        staff["ada"], status_code="s37", started_on=date(2026, 6, 1), date_of_birth=date(1980, 1, 1)
    )
    references = CaseDeadline.objects.filter(case=case, kind="managers_reference")
    assert not references.exists()  # 1 June 2029 is beyond the stored horizon
    services.update_client(
        client=case.client, fields={"date_of_birth": date(2012, 3, 3)}, actor=staff["ada"]
    )
    assert list(references.values_list("due_on", flat=True)) == [date(2027, 6, 1)]


def test_closing_a_case_drops_its_dates(staff, make_case, fixed_today):
    case = make_case(staff["ada"], status_code="s3", started_on=date(2026, 10, 1))
    services.close_case(case=case, reason="work_complete", note="", actor=staff["ada"])
    case.refresh_from_db()
    assert stored_rows(case) == []
    assert case.deadlines_stored_until is None


def test_dates_are_written_in_the_same_transaction_as_the_change(
    staff, make_case, fixed_today, monkeypatch
):
    case = make_case(staff["ada"], status_code="s2", started_on=date(2026, 11, 20))
    before = stored_rows(case)

    def audit_fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services, "_record", audit_fails)
    with pytest.raises(RuntimeError):
        record_status(case, staff["ada"], "s3", date(2026, 12, 1))
    assert stored_rows(case) == before
    assert not LegalStatusPeriod.objects.filter(case=case, status_code="s3").exists()


# --- cases whose stored dates run out -------------------------------------------------------


def test_a_case_whose_stored_dates_ran_out_is_worked_out_live_once(staff, make_case, fixed_today):
    case = make_case(staff["ada"], status_code="s3", started_on=date(2025, 1, 10))
    period = LegalStatusPeriod.objects.get(case=case)
    today = FIXED_TODAY + timedelta(days=40)
    # As if nothing had rebuilt it for two years: rows end before the 14 days needed.
    Case.objects.filter(pk=case.pk).update(deadlines_stored_until=today + timedelta(days=3))
    expected = live_upcoming(period, date(1980, 5, 17), today)
    assert expected  # the renewal on 9 January 2027 falls in the window
    assert caseload_dates(case, today) == expected


def test_a_case_made_outside_the_services_is_worked_out_live(staff, make_case, fixed_today):
    case = make_case(staff["ada"], status_code="s17a", started_on=date(2026, 6, 1))
    CaseDeadline.objects.filter(case=case).delete()
    Case.objects.filter(pk=case.pk).update(deadlines_stored_until=None)
    period = LegalStatusPeriod.objects.get(case=case)
    expected = live_upcoming(period, date(1980, 5, 17), FIXED_TODAY)
    assert expected and caseload_dates(case, FIXED_TODAY) == expected


# --- the rebuild command and the data migration --------------------------------------------


def test_the_rebuild_command_restores_every_open_case(staff, make_case, fixed_today):
    from django.core.management import call_command

    open_case = make_case(staff["ada"], status_code="s3", started_on=date(2025, 1, 10))
    closed = make_case(staff["nia"], status_code="s2", started_on=date(2026, 11, 20))
    services.close_case(case=closed, reason="work_complete", note="", actor=staff["nia"])
    before = stored_rows(open_case)
    CaseDeadline.objects.all().delete()
    # A stray row on a closed case, as an interrupted older run might leave.
    CaseDeadline.objects.create(
        case=closed,
        period=closed.legal_statuses.get(),
        due_on=FIXED_TODAY,
        kind="expiry",
        point="date",
    )
    call_command("rebuild_case_deadlines", stdout=open_devnull())
    assert stored_rows(open_case) == before != []
    assert stored_rows(closed) == []


def test_only_expiring_rebuilds_just_the_cases_about_to_run_out(staff, make_case, fixed_today):
    from django.core.management import call_command

    expiring = make_case(staff["ada"], status_code="s3", started_on=date(2025, 1, 10))
    fresh = make_case(staff["ada"], status_code="s3", started_on=date(2025, 1, 10))
    CaseDeadline.objects.all().delete()
    Case.objects.filter(pk=expiring.pk).update(
        deadlines_stored_until=FIXED_TODAY + timedelta(days=5)
    )
    call_command("rebuild_case_deadlines", "--only-expiring", stdout=open_devnull())
    assert stored_rows(expiring) != []
    assert stored_rows(fresh) == []


def open_devnull() -> Any:
    import io

    return io.StringIO()


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_stores_dates_for_open_cases_only():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    before = [("cases", "0003_indexes_for_newest_first")]
    after = [("cases", "0004_stored_deadlines")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    person = old.get_model("cases", "Client").objects.create(
        first_name="Rowan", last_name="Example", normalised_name="rowan example"
    )
    opened_at = datetime(2026, 1, 5, 9, tzinfo=timezone.get_current_timezone())
    open_case = old.get_model("cases", "Case").objects.create(
        client=person, status="open", opened_at=opened_at
    )
    closed_case = old.get_model("cases", "Case").objects.create(
        client=person,
        status="closed",
        opened_at=opened_at,
        closed_at=opened_at,
        closure_reason="work_complete",
    )
    periods = old.get_model("cases", "LegalStatusPeriod").objects
    today = timezone.localdate()
    for case in (open_case, closed_case):
        periods.create(case=case, status_code="s3", started_on=today - timedelta(days=170))

    executor.loader.build_graph()
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    period = LegalStatusPeriod.objects.get(case_id=open_case.pk)
    events = events_for(period, None, today, stored_deadlines.stored_until(today))
    assert events
    assert sorted(
        CaseDeadline.objects.filter(case_id=open_case.pk).values_list("due_on", "kind", "point")
    ) == sorted((e.due_on, e.kind, e.point.value) for e in events)
    assert not CaseDeadline.objects.filter(case_id=closed_case.pk).exists()
    assert Case.objects.get(pk=open_case.pk).deadlines_stored_until == (
        stored_deadlines.stored_until(today)
    )
