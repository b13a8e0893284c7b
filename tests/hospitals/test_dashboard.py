"""The hospital dashboard's list of patients to tell or remind: what is on it, in what order,
a page at a time, and at a fixed number of queries however much history the hospital has."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imha.hospitals import selectors, services, views
from imha.hospitals.models import InformationMethod, QualifyingNotice, Ward
from tests.hospitals.conftest import told

pytestmark = pytest.mark.django_db


def names_in_order(page: str, names: list[str]) -> list[str]:
    """The given names sorted by where they first appear on the page."""
    return sorted(names, key=page.index)


@pytest.fixture
def mixed(make_notice, hospital_user, other_hospital, other_ward, other_hospital_user):
    """One patient in each situation the list has to tell apart."""
    today = timezone.localdate()
    never_told = make_notice(patient_name="Never Told", started_on=today - timedelta(20))
    reminder_late = make_notice(patient_name="Reminder Late", started_on=today - timedelta(40))
    told(reminder_late, today - timedelta(40))
    make_notice(patient_name="Just Arrived", status="s2", started_on=today)
    up_to_date = make_notice(patient_name="Up To Date", started_on=today - timedelta(2))
    told(up_to_date, today - timedelta(2))
    half_told = make_notice(patient_name="Only Verbally", started_on=today - timedelta(30))
    told(half_told, today - timedelta(30), InformationMethod.VERBAL)
    leaflet_only = make_notice(patient_name="Only In Writing", started_on=today - timedelta(25))
    told(leaflet_only, today - timedelta(25), InformationMethod.WRITTEN)
    gone = make_notice(patient_name="Gone Home", started_on=today - timedelta(20))
    services.record_discharge(gone, discharged_on=today - timedelta(1), actor=hospital_user)
    make_notice(patient_name="Not Qualifying", status="s136", started_on=today)
    make_notice(
        patient_name="Other Hospital Patient",
        in_hospital=other_hospital,
        in_ward=other_ward,
        actor=other_hospital_user,
        started_on=today - timedelta(20),
    )
    return never_told, reminder_late, half_told


def test_the_list_holds_what_is_due_longest_overdue_first(hospital, mixed):
    today = timezone.localdate()
    never_told, reminder_late, half_told = (QualifyingNotice.objects.get(pk=n.pk) for n in mixed)
    rows = [
        selectors.action_due(notice, today)
        for notice in selectors.notices_needing_action(hospital, today)
    ]
    assert [(row.notice.patient_name, row.first_information, row.overdue) for row in rows] == [
        ("Only Verbally", True, True),
        ("Only In Writing", True, True),
        ("Never Told", True, True),
        ("Reminder Late", False, True),
        # Within their deadline: not overdue yet, but the first thing to do today.
        ("Just Arrived", True, False),
    ]
    assert rows[0].due_on == half_told.information_due_by
    assert rows[2].due_on == never_told.information_due_by
    assert rows[3].due_on == reminder_late.next_reminder_on < today


def test_the_dashboard_shows_the_list_in_that_order(hospital_client, mixed):
    page = hospital_client.get("/hospital/").content.decode()
    listed = ["Only Verbally", "Only In Writing", "Never Told", "Reminder Late", "Just Arrived"]
    assert names_in_order(page, listed) == listed
    for absent in ("Up To Date", "Gone Home", "Not Qualifying", "Other Hospital Patient"):
        assert absent not in page
    assert "5 patients with something overdue or due in the next 7 days" in page
    assert page.count("Tell them about IMHAs for the first time") == 2
    # Told one way already: only the other is still due.
    assert page.count("Give them the information about IMHAs in writing") == 1
    assert page.count("Tell them about IMHAs verbally") == 1
    assert page.count("govuk-tag--yellow") == 1  # Just Arrived is due soon, not overdue
    assert "govuk-pagination" not in page  # one page only


PER_PAGE = views.ACTIONS_PER_PAGE


@pytest.fixture
def many(make_notice):
    """One page of patients never told, and one more, so the list runs to a second page."""
    today = timezone.localdate()
    for number in range(PER_PAGE + 1):
        make_notice(patient_name=f"Patient {number:02d}", started_on=today - timedelta(10))


def test_a_long_list_is_paginated(hospital_client, many):
    last_on_first, first_on_second = f"Patient {PER_PAGE - 1:02d}", f"Patient {PER_PAGE:02d}"
    first = hospital_client.get("/hospital/").content.decode()
    assert "Patient 00" in first and last_on_first in first and first_on_second not in first
    assert f"Showing 1 to {PER_PAGE}." in first
    assert 'href="?page=2#needing-action" rel="next"' in first
    assert 'aria-label="Page 1" aria-current="page"' in first

    second = hospital_client.get("/hospital/?page=2")
    page = second.content.decode()
    assert second.status_code == 200
    assert first_on_second in page and last_on_first not in page
    assert f"Showing {PER_PAGE + 1} to {PER_PAGE + 1}." in page
    # Page 1 has a single address, without a page number.
    assert 'href="?#needing-action" rel="prev"' in page
    assert 'aria-label="Page 2" aria-current="page"' in page
    assert "<title>Duty to inform (page 2 of 2)" in page
    # The ward figures are the whole hospital's on every page.
    assert re.search(rf"Heather Ward</th>\s*<td[^>]*>{PER_PAGE + 1}</td>", page)


@pytest.mark.parametrize(
    ("asked", "shown", "note"),
    [
        ("abc", 1, "“abc” is not a page number, so this is the first page."),
        ("1.5", 1, "“1.5” is not a page number, so this is the first page."),
        ("0", 1, "“0” is not a page number, so this is the first page."),
        ("-1", 1, "“-1” is not a page number, so this is the first page."),
        ("3", 2, "There is no page 3. This list has 2 pages, and this is the last one."),
        (
            "99999999999999999999999",
            2,
            "There is no page 9999999999999999999…. "
            "This list has 2 pages, and this is the last one.",
        ),
    ],
)
def test_a_page_that_does_not_exist_says_so_and_shows_the_nearest(
    hospital_client, many, asked, shown, note
):
    response = hospital_client.get("/hospital/", {"page": asked})
    page = response.content.decode()
    assert response.status_code == 200
    assert f'<div class="govuk-inset-text">{note}</div>' in page
    assert f'aria-label="Page {shown}" aria-current="page"' in page


def test_no_page_number_is_simply_the_first_page(hospital_client, many):
    for url in ("/hospital/", "/hospital/?page=", "/hospital/?page=1"):
        page = hospital_client.get(url).content.decode()
        assert "There is no page" not in page, url
        assert "is not a page number" not in page, url
        assert "Patient 00" in page, url


def test_a_bad_page_number_with_an_empty_list_still_answers(hospital_client, ward):
    response = hospital_client.get("/hospital/?page=7")
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is no page 7. This list has only one page." in page
    assert "Nothing is overdue or due in the next 7 days." in page


def test_the_page_size_is_what_the_view_says(hospital_client, many, monkeypatch):
    monkeypatch.setattr(views, "ACTIONS_PER_PAGE", 10)
    page = hospital_client.get("/hospital/?page=2").content.decode()
    assert "Showing 11 to 20." in page


@pytest.mark.usefixtures("pages_worked_out")
def test_query_count_does_not_grow_with_patients_history_or_page(
    hospital_client, make_notice, hospital, hospital_user, ward, django_assert_max_num_queries
):
    today = timezone.localdate()
    make_notice(patient_name="First Patient", started_on=today - timedelta(10))
    with CaptureQueriesContext(connection) as small:
        hospital_client.get("/hospital/")
    wards = [Ward.objects.create(hospital=hospital, name=f"Ward {n}") for n in range(3)]
    for number in range(60):
        notice = make_notice(
            patient_name=f"Patient {number:02d}",
            in_ward=wards[number % 3],
            started_on=today - timedelta(40 + number),
        )
        if number % 4 == 0:  # a history of patients who have left
            services.record_discharge(notice, discharged_on=today, actor=hospital_user)
        elif number % 4 == 1:
            told(notice, notice.status_started_on)
    for url in ("/hospital/", "/hospital/?page=2", "/hospital/?page=9"):
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = hospital_client.get(url)
        assert response.status_code == 200


class TestActionDueOn:
    """The stored date the list sorts on follows every change the services make."""

    def test_not_yet_told_it_is_the_deadline_then_the_next_reminder(self, make_notice):
        today = timezone.localdate()
        notice = make_notice(started_on=today - timedelta(10))
        assert notice.action_due_on == notice.information_due_by
        told(notice, today - timedelta(9), InformationMethod.VERBAL)
        notice.refresh_from_db()
        assert notice.action_due_on == notice.information_due_by  # still not in writing
        told(notice, today - timedelta(9), InformationMethod.WRITTEN)
        notice.refresh_from_db()
        assert notice.next_reminder_on is not None
        assert notice.action_due_on == notice.next_reminder_on

    def test_nothing_is_due_once_discharged_or_no_longer_qualifying(
        self, make_notice, hospital_user
    ):
        today = timezone.localdate()
        leaving = make_notice(started_on=today - timedelta(10))
        services.record_discharge(leaving, discharged_on=today, actor=hospital_user)
        informal = make_notice(status="s2", started_on=today - timedelta(10))
        services.change_status(informal, status="informal", started_on=today, actor=hospital_user)
        never = make_notice(status="s136", started_on=today)
        for notice in (leaving, informal, never):
            notice.refresh_from_db()
            assert notice.action_due_on is None

    def test_a_new_reminder_policy_moves_it(self, make_notice, hospital):
        today = timezone.localdate()
        notice = make_notice(started_on=today - timedelta(10))
        told(notice, today - timedelta(10))
        notice.refresh_from_db()
        hospital.reminder_interval_weeks = 1
        hospital.save()
        services.recalculate_reminders(hospital, actor=None)
        moved = QualifyingNotice.objects.get(pk=notice.pk)
        assert moved.action_due_on == moved.next_reminder_on
        assert moved.action_due_on < notice.action_due_on
