"""The hospital dashboard reads its hospital, its count and each page of its list with SQL kept
per hospital and horizon (imha.hospitals.selectors.dashboard_hospital and needing_action).
What it shows must be what the ORM would read, afresh on every view, and never another
hospital's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from imha.core.kept_sql import forget_kept_rows
from imha.hospitals import selectors, views
from imha.hospitals.models import Hospital
from tests.hospitals.conftest import signed_in_client, told

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pages_worked_out")]

DASHBOARD = "/hospital/"


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    forget_kept_rows()


def test_kept_reads_are_what_the_orm_reads(hospital, hospital_user, make_notice) -> None:
    today = timezone.localdate()
    for number in range(7):
        make_notice(patient_name=f"Patient {number}", started_on=today - timedelta(number * 3))
    orm = list(
        selectors.notices_needing_action(hospital, today).values_list(*selectors.ACTION_ROW_COLUMNS)
    )
    assert len(orm) == 7
    for _ in range(2):  # the first builds the SQL, the second reads with it kept
        kept_hospital = selectors.dashboard_hospital(hospital_user)
        assert kept_hospital == selectors.DashboardHospital(
            hospital.pk, hospital.name, hospital.first_information_working_days, 7
        )
        listed = selectors.needing_action(kept_hospital, today)
        assert listed.total == 7
        assert listed.rows[0:3] == orm[0:3]
        assert listed.rows[3:7] == orm[3:7]


def test_a_hospital_with_nothing_due_counts_none(hospital, hospital_user) -> None:
    listed = selectors.needing_action(
        selectors.dashboard_hospital(hospital_user), timezone.localdate()
    )
    assert listed.total == 0 and listed.rows[0:0] == []


def test_each_view_shows_what_changed_since_the_last(
    hospital, hospital_client, make_notice
) -> None:
    today = timezone.localdate()
    make_notice(patient_name="First Patient", started_on=today - timedelta(10))
    page = hospital_client.get(DASHBOARD).content.decode()
    assert "First Patient" in page and "1 patient with something overdue" in page
    second = make_notice(patient_name="Second Patient", started_on=today - timedelta(10))
    page = hospital_client.get(DASHBOARD).content.decode()
    assert "Second Patient" in page and "2 patients with something overdue" in page
    told(second, today)
    page = hospital_client.get(DASHBOARD).content.decode()
    assert "Second Patient" not in page and "1 patient with something overdue" in page
    # The hospital's own details are read afresh too.
    Hospital.objects.filter(pk=hospital.pk).update(
        name="Renamed General", first_information_working_days=3
    )
    page = hospital_client.get(DASHBOARD).content.decode()
    assert "Renamed General" in page and "within 3 working days" in page


def test_one_hospitals_kept_list_is_never_anothers(
    hospital_client, make_notice, other_hospital, other_ward, other_hospital_user
) -> None:
    today = timezone.localdate()
    make_notice(patient_name="Ours Patient", started_on=today - timedelta(10))
    make_notice(
        patient_name="Theirs Patient",
        in_hospital=other_hospital,
        in_ward=other_ward,
        actor=other_hospital_user,
        started_on=today - timedelta(10),
    )
    # Ours first, so that any SQL kept under a key without the hospital would be ours.
    ours = hospital_client.get(DASHBOARD).content.decode()
    theirs = signed_in_client(other_hospital_user).get(DASHBOARD).content.decode()
    assert "Ours Patient" in ours and "Theirs Patient" not in ours
    assert "Theirs Patient" in theirs and "Ours Patient" not in theirs
    assert other_hospital.name in theirs and "Testing Fields Hospital" not in theirs


@pytest.fixture
def reminded(make_notice):
    """A patient told both ways today, so nothing is due until their first reminder."""
    today = timezone.localdate()
    notice = make_notice(patient_name="Reminded Later", started_on=today)
    told(notice, today)
    notice.refresh_from_db()
    assert notice.action_due_on is not None and notice.action_due_on > today + timedelta(7)
    return notice


def test_the_list_follows_the_date(hospital_client, reminded, monkeypatch) -> None:
    assert "Reminded Later" not in hospital_client.get(DASHBOARD).content.decode()
    # A few days before the reminder: it is due soon.
    later = reminded.action_due_on - timedelta(days=3)
    monkeypatch.setattr(views, "_today", lambda: later)
    page = hospital_client.get(DASHBOARD).content.decode()
    assert "Reminded Later" in page and "1 patient with something overdue" in page


def test_the_list_follows_the_hospitals_due_soon_days(hospital, hospital_client, reminded) -> None:
    assert "Reminded Later" not in hospital_client.get(DASHBOARD).content.decode()
    days_away = (reminded.action_due_on - timezone.localdate()).days
    Hospital.objects.filter(pk=hospital.pk).update(due_soon_days=days_away)
    page = hospital_client.get(DASHBOARD).content.decode()
    assert "Reminded Later" in page and f"due in the next {days_away} days" in page
