from __future__ import annotations

from datetime import date

import pytest

from imha.hospitals import services as hospital_services
from imha.hospitals.models import AutomaticReferral, Ward
from imha.referrals.automatic import create_automatic_referral, split_name
from imha.referrals.models import Channel, Referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def record_patient(hospital, make_user):
    ward = Ward.objects.create(hospital=hospital, name="Willow Ward")
    recorder = make_user("hospital", username="mha-office")

    def record(**extra):
        details = hospital_services.NoticeDetails(
            patient_name=extra.pop("patient_name", "Robin Q Example"),
            status=extra.pop("status", "s3"),
            started_on=date(2026, 11, 20),
            ward=ward,
            responsible_clinician="Dr Example",
            date_of_birth=date(1990, 4, 1),
            **extra,
        )
        return hospital_services.create_notice(hospital=hospital, details=details, actor=recorder)

    return record


def test_a_qualifying_patient_at_an_opted_in_hospital_is_referred(
    hospital, record_patient, django_capture_on_commit_callbacks, mailoutbox
):
    hospital.automatic_referral_enabled = True
    hospital.save()
    with django_capture_on_commit_callbacks(execute=True):
        notice = record_patient()
    referral = Referral.objects.get()
    assert notice.automatic_referral == AutomaticReferral.REQUESTED
    assert referral.channel == Channel.AUTOMATIC
    assert (referral.first_name, referral.last_name) == ("Robin Q", "Example")
    assert referral.hospital == hospital
    assert referral.ward == "Willow Ward"
    assert referral.legal_status_code == "s3"
    assert referral.eligibility_category == "detained"
    assert referral.respond_by > referral.received_at


def test_the_same_notice_never_makes_two_referrals(
    hospital, record_patient, django_capture_on_commit_callbacks
):
    hospital.automatic_referral_enabled = True
    hospital.save()
    with django_capture_on_commit_callbacks(execute=True):
        notice = record_patient()
    again = create_automatic_referral(notice=notice)
    assert not again.created
    assert Referral.objects.count() == 1


@pytest.mark.parametrize(
    ("enabled", "extra"),
    [(False, {}), (True, {"declined_referral": True}), (True, {"status": "s136"})],
    ids=["hospital-not-opted-in", "patient-said-no", "does-not-qualify"],
)
def test_no_referral_without_a_request(
    hospital, record_patient, django_capture_on_commit_callbacks, enabled, extra
):
    hospital.automatic_referral_enabled = enabled
    hospital.save()
    with django_capture_on_commit_callbacks(execute=True):
        record_patient(**extra)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Sam Sample", ("Sam", "Sample")),
        ("Cher", ("Cher", "Not given")),
        ("  ", ("Unknown", "Not given")),
    ],
)
def test_names_are_split_on_the_last_word(name, expected):
    assert split_name(name) == expected


def test_staff_cannot_log_an_automatic_referral_by_hand():
    from imha.referrals.forms import ReceivedForm

    offered = {value for value, _ in ReceivedForm().fields["channel"].choices}
    assert Channel.AUTOMATIC not in offered
    assert Channel.ONLINE not in offered
