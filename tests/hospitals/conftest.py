from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.models import Role, User
from imha.hospitals import services
from imha.hospitals.models import Hospital, InformationMethod, QualifyingNotice, Ward
from tests.conftest import STAFF_PASSWORD, current_code


@pytest.fixture(autouse=True)
def private_media_root(settings, tmp_path) -> None:
    # Written information PDFs are files; keep each test's files in its own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ward(hospital: Hospital) -> Ward:
    return Ward.objects.create(hospital=hospital, name="Heather Ward")


@pytest.fixture
def other_hospital(db: None) -> Hospital:
    return Hospital.objects.create(name="Elsewhere General", code="elsewhere-general")


@pytest.fixture
def other_ward(other_hospital: Hospital) -> Ward:
    return Ward.objects.create(hospital=other_hospital, name="Oak Ward")


@pytest.fixture
def hospital_user(make_user: Callable[..., User]) -> User:
    return make_user(Role.HOSPITAL, username="harper", first_name="Harper")


@pytest.fixture
def other_hospital_user(other_hospital: Hospital) -> User:
    return User.objects.create_user(
        username="olly", password=STAFF_PASSWORD, role=Role.HOSPITAL, hospital=other_hospital
    )


def signed_in_client(user: User) -> Client:
    """A client through the real sign-in pages: password, then the authenticator code."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    client = Client()
    response = client.post("/sign-in/", {"username": user.username, "password": STAFF_PASSWORD})
    assert response.status_code == 302
    response = client.post("/sign-in/security-code/", {"code": current_code(device)})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def hospital_client(hospital_user: User) -> Client:
    return signed_in_client(hospital_user)


@pytest.fixture
def make_notice(
    hospital: Hospital, ward: Ward, hospital_user: User
) -> Callable[..., QualifyingNotice]:
    def make(
        status: str = "s3",
        started_on: date = date(2026, 3, 2),
        patient_name: str = "Sam Sample",
        in_hospital: Hospital | None = None,
        in_ward: Ward | None = None,
        actor: User | None = None,
        **extra: Any,
    ) -> QualifyingNotice:
        return services.create_notice(
            hospital=in_hospital or hospital,
            details=services.NoticeDetails(
                patient_name=patient_name,
                status=status,
                started_on=started_on,
                ward=in_ward or ward,
                responsible_clinician="Dr Example",
                **extra,
            ),
            actor=actor or hospital_user,
        )

    return make


def told(
    notice: QualifyingNotice,
    on: date,
    method: str = InformationMethod.BOTH,
    actor: User | None = None,
) -> None:
    """Record, through the service, that the patient was told about IMHAs."""
    services.record_information(
        notice,
        details=services.InformationDetails(
            given_on=on,
            method=method,
            given_by="Pat Nurse, staff nurse",
            understood="yes",
            wants_advocate="undecided",
        ),
        actor=actor or notice.created_by,
    )
