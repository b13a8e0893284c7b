"""The dashboard's rows and the hospitals' figures after the work to make them cheap.

The list's rows are read as plain values and their links made from one reversed address, and
the figures' SQL is built once a day and kept. These tests pin that each row still names the
right patient, ward, task and date and links to that patient, that the kept SQL still reads
the figures afresh, and that it follows the date and the hospital's settings.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from imha.hospitals import selectors, services
from imha.hospitals.models import QualifyingNotice
from tests.hospitals.conftest import told
from tests.hospitals.test_dashboard import mixed  # noqa: F401 (a fixture used below)

pytestmark = pytest.mark.django_db


def rows_of(page: str) -> list[str]:
    listed = page[page.index('id="needing-action"') :]
    return re.findall(r"<tr class=\"govuk-table__row\">\s*<td.*?</tr>", listed, re.S)


def test_each_row_names_and_links_to_its_own_patient(hospital_client, mixed, ward):  # noqa: F811
    page = hospital_client.get("/hospital/").content.decode()
    rows = rows_of(page)
    assert len(rows) == 5
    today = timezone.localdate()
    for row in rows:
        [(notice_id, name)] = re.findall(r'href="/hospital/notices/(\d+)/">([^<]+)</a>', row)
        notice = QualifyingNotice.objects.select_related("ward").get(pk=notice_id)
        assert notice.patient_name == name
        assert f'<td class="govuk-table__cell">{notice.ward.name}</td>' in row
        due = selectors.action_due(notice, today)
        assert f"{due.due_on.day} {due.due_on:%B %Y}</td>" in row
        assert ("Overdue" in row) == due.overdue
        assert ("Due soon" in row) == (not due.overdue)
        # The patient's own page is where the link goes.
        assert name in hospital_client.get(f"/hospital/notices/{notice_id}/").content.decode()


def test_a_reminder_row_says_what_the_reminder_is_for(hospital_client, mixed):  # noqa: F811
    page = hospital_client.get("/hospital/").content.decode()
    [row] = [row for row in rows_of(page) if "Reminder Late" in row]
    reason = QualifyingNotice.objects.get(patient_name="Reminder Late").next_reminder_reason
    assert reason and reason in row


def test_names_are_escaped(hospital_client, make_notice):
    make_notice(patient_name="<b>Bold</b> & Co", started_on=timezone.localdate())
    page = hospital_client.get("/hospital/").content.decode()
    assert "<b>Bold</b>" not in page
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page


def test_the_ward_figures_are_read_afresh_and_follow_the_date(hospital, ward, make_notice):
    today = timezone.localdate()
    [before] = selectors.ward_summaries(hospital, today)
    notice = make_notice(patient_name="New Patient", started_on=today - timedelta(20))
    [after] = selectors.ward_summaries(hospital, today)
    assert (after.patients, after.qualifying) == (before.patients + 1, before.qualifying + 1)
    assert after.first_information_overdue == before.first_information_overdue + 1
    # Not yet overdue on the day the patient arrived: the date is part of the kept SQL.
    [then] = selectors.ward_summaries(hospital, today - timedelta(20))
    assert then.first_information_overdue == before.first_information_overdue
    told(notice, today)
    [told_now] = selectors.ward_summaries(hospital, today)
    assert told_now.first_information_overdue == before.first_information_overdue


def test_the_ward_figures_follow_the_hospitals_due_soon_days(hospital, ward, make_notice):
    today = timezone.localdate()
    notice = make_notice(patient_name="Soon", started_on=today - timedelta(2))
    told(notice, today - timedelta(2))
    notice.refresh_from_db()
    days_away = (notice.next_reminder_on - today).days
    hospital.due_soon_days = days_away
    [wide] = selectors.ward_summaries(hospital, today)
    hospital.due_soon_days = days_away - 1
    [narrow] = selectors.ward_summaries(hospital, today)
    assert wide.reminders_due_soon == narrow.reminders_due_soon + 1


def test_the_compliance_figures_are_read_afresh(hospital, ward, make_notice, hospital_user):
    today = timezone.localdate()
    [before] = [row for row in selectors.compliance_by_hospital(today) if row.code == hospital.code]
    notice = make_notice(patient_name="Counted", started_on=today - timedelta(20))
    [after] = [row for row in selectors.compliance_by_hospital(today) if row.code == hospital.code]
    assert after.qualifying_now == before.qualifying_now + 1
    assert after.became_qualifying == before.became_qualifying + 1
    assert after.first_information_overdue == before.first_information_overdue + 1
    services.record_discharge(notice, discharged_on=today, actor=hospital_user)
    [gone] = [row for row in selectors.compliance_by_hospital(today) if row.code == hospital.code]
    assert gone.qualifying_now == before.qualifying_now
    assert gone.became_qualifying == after.became_qualifying  # still in the period's tallies
