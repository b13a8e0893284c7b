"""Demo wards and obviously fictional patients for the duty-to-inform pages.

Runs after `imha.core.demo.load_demo_data`, which makes the demo hospitals and logins.
Running it again adds nothing: wards are matched by name and patients by hospital number.
Dates are set relative to today so the dashboard always shows something overdue, something
due soon and something up to date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.hospitals import services
from imha.hospitals.default_templates import load_default_templates
from imha.hospitals.models import (
    Hospital,
    InformationMethod,
    QualifyingNotice,
    Understanding,
    WantsAdvocate,
    Ward,
    WrittenInformationTemplate,
)

DEMO_WARDS = {
    "fictional-moor": ["Heather Ward", "Bracken Ward", "Curlew Ward"],
    "imaginary-vale": ["Willow Ward", "Aspen Ward"],
}


@dataclass(frozen=True)
class DemoPatient:
    hospital_code: str
    hospital_number: str
    name: str
    status: str
    started_days_ago: int
    ward: str
    told_days_ago: int | None = None


DEMO_PATIENTS = [
    # Told on the day: up to date, with a regular reminder coming.
    DemoPatient("fictional-moor", "DEMO-0001", "Sam Sample", "s3", 26, "Heather Ward", 26),
    # Admitted three days ago and nobody has recorded telling them: overdue.
    DemoPatient("fictional-moor", "DEMO-0002", "Alex Example", "s2", 3, "Heather Ward"),
    # Told when they arrived, months ago: a reminder is now overdue.
    DemoPatient("fictional-moor", "DEMO-0003", "Robin Placeholder", "s37", 100, "Bracken Ward", 99),
    # A short-term power: recorded, shown as not qualifying, not tracked.
    DemoPatient("fictional-moor", "DEMO-0004", "Jo Pretend", "s136", 0, "Curlew Ward"),
    DemoPatient("imaginary-vale", "DEMO-0101", "Kit Madeup", "s17a", 40, "Willow Ward", 39),
]


def _recorder_for(hospital: Hospital) -> User | None:
    # Demo records are made in the name of one of the hospital's own demo users.
    return User.objects.filter(role=Role.HOSPITAL, hospital=hospital).order_by("pk").first()


@transaction.atomic
def load_demo_hospital_data() -> None:
    load_default_templates(WrittenInformationTemplate)
    hospitals = {h.code: h for h in Hospital.objects.filter(code__in=DEMO_WARDS)}
    for code, ward_names in DEMO_WARDS.items():
        hospital = hospitals.get(code)
        if hospital is None:
            continue
        for name in ward_names:
            Ward.objects.get_or_create(hospital=hospital, name=name)
    today = timezone.localdate()
    for patient in DEMO_PATIENTS:
        hospital = hospitals.get(patient.hospital_code)
        if hospital is None:
            continue
        recorder = _recorder_for(hospital)
        if recorder is None:
            continue
        if QualifyingNotice.objects.filter(
            hospital=hospital, hospital_number=patient.hospital_number
        ).exists():
            continue
        notice = services.create_notice(
            hospital=hospital,
            details=services.NoticeDetails(
                patient_name=patient.name,
                status=patient.status,
                started_on=today - timedelta(days=patient.started_days_ago),
                ward=Ward.objects.get(hospital=hospital, name=patient.ward),
                responsible_clinician="Dr Imaginary Clinician",
                hospital_number=patient.hospital_number,
            ),
            actor=recorder,
        )
        if patient.told_days_ago is not None:
            services.record_information(
                notice,
                details=services.InformationDetails(
                    given_on=today - timedelta(days=patient.told_days_ago),
                    method=InformationMethod.BOTH,
                    given_by="Pat Nurse, staff nurse (fictional)",
                    understood=Understanding.YES,
                    wants_advocate=WantsAdvocate.UNDECIDED,
                ),
                actor=recorder,
            )
