"""The service's compliance figures come from tallies kept in step with every notice change.

Each test checks the tallies against the notices themselves: the figures the page shows must
be the ones a count over every patient's record would give, and the stored rows must be the
ones a rebuild from the notices would write.
"""

from __future__ import annotations

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imha.accounts.models import Role
from imha.hospitals import benchdata, selectors, services, tallies
from imha.hospitals.models import (
    FirstInformationTally,
    Hospital,
    InformationMethod,
    QualifyingNotice,
)
from tests.hospitals.conftest import told

pytestmark = pytest.mark.django_db


def counted_from_notices(today: date, period_days: int = selectors.COMPLIANCE_PERIOD_DAYS):
    """Every hospital's figures, worked out in Python from every notice."""
    since = today - timedelta(days=period_days)
    figures = {}
    for hospital in Hospital.objects.filter(is_active=True):
        notices = list(QualifyingNotice.objects.filter(hospital=hospital))
        became = [n for n in notices if n.qualifying_since and n.qualifying_since >= since]
        reached = [n for n in became if n.information_due_by <= today]
        figures[hospital.code] = (
            sum(n.is_tracked for n in notices),
            len(became),
            len(reached),
            sum(
                n.first_told_verbally_on is not None
                and n.first_told_verbally_on <= n.information_due_by
                for n in reached
            ),
            sum(
                n.first_given_in_writing_on is not None
                and n.first_given_in_writing_on <= n.information_due_by
                for n in reached
            ),
            sum(n.first_information_overdue(today) for n in notices),
            sum(n.is_tracked and n.next_reminder_on < today for n in notices if n.next_reminder_on),
        )
    return figures


def shown_on_the_page(today: date):
    return {
        row.code: (
            row.qualifying_now,
            row.became_qualifying,
            row.deadline_reached,
            row.told_verbally_in_time,
            row.given_in_writing_in_time,
            row.first_information_overdue,
            row.reminders_overdue,
        )
        for row in selectors.compliance_by_hospital(today)
    }


def stored_tallies():
    return sorted(
        FirstInformationTally.objects.filter(patients__gt=0).values_list(
            "hospital_id",
            "qualifying_since",
            "information_due_by",
            "patients",
            "told_verbally_in_time",
            "given_in_writing_in_time",
        )
    )


def assert_tallies_match_the_notices(today: date) -> None:
    kept = stored_tallies()
    assert shown_on_the_page(today) == counted_from_notices(today)
    tallies.rebuild()
    assert stored_tallies() == kept


def test_every_change_a_service_makes_keeps_the_tallies_right(
    make_notice, hospital, hospital_user, other_hospital, other_ward, other_hospital_user
):
    today = timezone.localdate()
    on_time = make_notice(patient_name="On Time", started_on=today - timedelta(30))
    late_writing = make_notice(patient_name="Late Writing", started_on=today - timedelta(30))
    long_ago = make_notice(patient_name="Long Ago", started_on=today - timedelta(500))
    became_later = make_notice(patient_name="Became Later", status="s136", started_on=today)
    just_arrived = make_notice(patient_name="Just Arrived", started_on=today)
    make_notice(
        in_hospital=other_hospital,
        in_ward=other_ward,
        actor=other_hospital_user,
        started_on=today - timedelta(20),
    )
    assert_tallies_match_the_notices(today)

    told(on_time, on_time.status_started_on)
    told(late_writing, late_writing.status_started_on, InformationMethod.VERBAL)
    told(late_writing, today - timedelta(2), InformationMethod.WRITTEN)
    told(long_ago, long_ago.status_started_on)
    assert_tallies_match_the_notices(today)

    # An earlier entry recorded afterwards moves the first date, and the notice into time.
    told(late_writing, late_writing.status_started_on, InformationMethod.WRITTEN)
    services.change_status(became_later, status="s2", started_on=today, actor=hospital_user)
    services.record_discharge(on_time, discharged_on=today, actor=hospital_user)
    assert_tallies_match_the_notices(today)

    # A longer deadline moves every tracked patient's tally to a later deadline.
    hospital.first_information_working_days = 10
    hospital.save()
    services.recalculate_reminders(hospital, actor=None)
    assert_tallies_match_the_notices(today)
    moved = QualifyingNotice.objects.get(pk=just_arrived.pk).information_due_by
    assert moved > just_arrived.information_due_by
    assert (
        FirstInformationTally.objects.get(
            hospital=hospital, qualifying_since=today, information_due_by=moved
        ).patients
        == 2
    )  # Just Arrived and Became Later


def test_the_figures_count_the_period_and_deadline_boundaries_exactly(make_notice, hospital):
    today = timezone.localdate()
    period = selectors.COMPLIANCE_PERIOD_DAYS
    make_notice(patient_name="First Day", started_on=today - timedelta(period))
    make_notice(patient_name="Day Before", started_on=today - timedelta(period + 1))
    due_today = make_notice(patient_name="Due Today", started_on=today - timedelta(1))
    due_today.refresh_from_db()
    assert_tallies_match_the_notices(today)
    # Checked on the day each of them falls due too, not only today.
    assert_tallies_match_the_notices(due_today.information_due_by)
    assert_tallies_match_the_notices(due_today.information_due_by - timedelta(1))


@pytest.mark.usefixtures("pages_worked_out")
def test_the_compliance_page_shows_the_tallied_figures_in_a_fixed_number_of_queries(
    verified_client, make_notice, hospital, django_assert_max_num_queries
):
    today = timezone.localdate()
    in_time = make_notice(patient_name="In Time", started_on=today - timedelta(40))
    told(in_time, in_time.status_started_on)
    make_notice(patient_name="Not Told", started_on=today - timedelta(40))
    client = verified_client(Role.MANAGER)
    with CaptureQueriesContext(connection) as few:
        page = client.get("/staff/hospitals/").content.decode()
    assert '50% <span class="govuk-body-s">(1 of 2)</span>' in page
    for number in range(20):
        make_notice(patient_name=f"Patient {number}", started_on=today - timedelta(number * 30))
    Hospital.objects.create(name="Another Hospital", code="another-hospital")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/staff/hospitals/").content.decode()
    assert "Another Hospital" in page
    assert "(1 of " in page and "In Time" not in page


def test_a_tally_that_would_go_below_zero_is_an_error_not_a_silent_drift(hospital):
    day = date(2026, 3, 2)
    phantom = tallies.Contribution(hospital.pk, day, day, False, False)
    with pytest.raises(RuntimeError, match="could not be updated"):
        tallies.record_change(phantom, None)


def test_the_data_migration_fills_in_existing_notices(make_notice, hospital):
    today = timezone.localdate()
    told(make_notice(patient_name="Told", started_on=today - timedelta(40)), today - timedelta(40))
    make_notice(patient_name="Not Told", started_on=today - timedelta(20))
    make_notice(patient_name="Not Qualifying", status="s136", started_on=today)
    expected_dates = dict(QualifyingNotice.objects.values_list("patient_name", "action_due_on"))
    assert expected_dates["Told"] and expected_dates["Not Told"]
    assert expected_dates["Not Qualifying"] is None
    expected_tallies = stored_tallies()
    # As the rows were before 0004: no stored action date, no tallies.
    QualifyingNotice.objects.update(action_due_on=None)
    FirstInformationTally.objects.all().delete()

    migration = importlib.import_module(
        "imha.hospitals.migrations.0005_backfill_action_due_and_tallies"
    )
    migration.backfill(apps, None)

    assert (
        dict(QualifyingNotice.objects.values_list("patient_name", "action_due_on"))
        == expected_dates
    )
    assert stored_tallies() == expected_tallies


def test_benchmark_data_carries_the_stored_dates_and_tallies():
    benchdata.generate(clients=40, activities=0, staff={})
    today = timezone.localdate()
    notices = list(QualifyingNotice.objects.all())
    assert len(notices) == benchdata.notice_count(40)
    assert all(n.action_due_on == services.action_due_on(n) for n in notices)
    assert any(n.action_due_on is not None for n in notices)
    assert stored_tallies()
    assert_tallies_match_the_notices(today)
    # A second call adds to what is there, and the tallies still add up.
    benchdata.generate(clients=40, activities=0, staff={})
    assert_tallies_match_the_notices(today)
