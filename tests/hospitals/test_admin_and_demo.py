from __future__ import annotations

from datetime import date

import pytest
from django.test import RequestFactory

from imha.accounts.models import Role
from imha.core.admin_site import admin_site
from imha.core.demo import load_demo_data
from imha.hospitals.demo import load_demo_hospital_data
from imha.hospitals.models import Hospital, QualifyingNotice, Ward, WrittenInformationTemplate

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/hospitals/hospital/add/",
        "/admin/hospitals/ward/",
        "/admin/hospitals/writteninformationtemplate/",
    ],
)
def test_administrators_manage_hospital_reference_data(verified_client, url):
    assert verified_client(Role.ADMINISTRATOR).get(url).status_code == 200


def test_patient_records_are_not_in_the_admin():
    assert QualifyingNotice not in admin_site._registry


def test_shipped_templates_are_loaded_by_migration():
    names = set(WrittenInformationTemplate.objects.values_list("name", flat=True))
    assert {"Detained patients", "Community treatment order", "General"} <= names


def test_changing_reminder_settings_in_the_admin_reworks_next_reminders(
    make_notice, hospital, make_user
):
    notice = make_notice(status="s3", started_on=date(2026, 3, 2))
    assert notice.next_reminder_on == date(2026, 3, 30)
    model_admin = admin_site._registry[Hospital]
    request = RequestFactory().post("/admin/")
    request.user = make_user(Role.ADMINISTRATOR)
    hospital.reminder_interval_weeks = 1

    class ChangedForm:
        changed_data = ["reminder_interval_weeks"]

    model_admin.save_model(request, hospital, ChangedForm(), change=True)
    notice.refresh_from_db()
    assert notice.next_reminder_on == date(2026, 3, 9)


def test_demo_data_loads_twice_without_duplicates():
    load_demo_data()
    load_demo_hospital_data()
    counts = (Ward.objects.count(), QualifyingNotice.objects.count())
    load_demo_hospital_data()
    assert (Ward.objects.count(), QualifyingNotice.objects.count()) == counts
    moor = Hospital.objects.get(code="fictional-moor")
    assert Ward.objects.filter(hospital__code="imaginary-vale").exists()
    sam = QualifyingNotice.objects.get(patient_name="Sam Sample")
    assert sam.hospital == moor and sam.qualifies and sam.information_log.exists()
    assert not QualifyingNotice.objects.get(patient_name="Jo Pretend").qualifies
