"""Possible duplicates are flagged to intake; late referrals are alerted to managers once."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imha.accounts.models import Role
from imha.audit.models import AuditEvent
from imha.cases.matching import normalised_name
from imha.referrals import services
from imha.referrals.models import EmailKind, OutgoingEmail, PublicSubmission
from imha.referrals.tasks import send_referral_email, sweep_referral_clock

pytestmark = pytest.mark.django_db


def test_names_are_compared_without_case_accents_or_punctuation():
    assert normalised_name("Anne-Marie", "O'Neill") == normalised_name("anne marie", "ONEILL")
    assert normalised_name("Zoë", "Brontë") == "zoe bronte"


def test_same_name_and_birth_date_is_flagged(make_referral):
    first = make_referral()
    second = make_referral(first_name=" alex ", last_name="EXAMPLE")
    assert not first.possible_duplicate
    assert second.possible_duplicate


def test_same_nhs_number_is_flagged_even_with_another_name(make_referral):
    make_referral(nhs_number="485 777 3456")
    later = make_referral(first_name="Alexander", date_of_birth="", nhs_number="4857773456")
    assert later.possible_duplicate


def test_a_different_birth_date_is_not_a_duplicate(make_referral):
    make_referral()
    assert not make_referral(date_of_birth="1990-01-01").possible_duplicate


def test_a_closed_referral_is_not_a_duplicate(make_referral, make_user):
    first = make_referral()
    services.decline_referral(
        referral=first, actor=make_user(Role.MANAGER), reason="Moved away", response_method="phone"
    )
    assert not make_referral().possible_duplicate


def test_an_open_case_is_a_duplicate(make_referral, make_user):
    accepted = make_referral()
    services.accept_referral(
        referral=accepted, actor=make_user(Role.MANAGER), response_method="phone"
    )
    assert make_referral().possible_duplicate


def test_staff_see_what_it_duplicates(verified_client, make_referral):
    first = make_referral()
    second = make_referral()
    client = verified_client(Role.INTAKE)
    assert "Possible duplicate" in client.get("/staff/referrals/").content.decode()
    page = client.get(f"/staff/referrals/{second.reference}/").content.decode()
    assert first.reference in page


def late_referral(make_referral):
    return make_referral(received_at=timezone.now() - timedelta(days=14))


def test_a_late_referral_alerts_each_manager_once(
    make_referral, make_user, django_capture_on_commit_callbacks
):
    make_user(Role.MANAGER, username="morgan", email="morgan@example.org")
    make_user(Role.MANAGER, username="mo", email="mo@example.org")
    make_user(Role.INTAKE, username="ivy", email="ivy@example.org")
    referral = late_referral(make_referral)
    make_referral()  # on time: no alert

    with django_capture_on_commit_callbacks(execute=True):
        assert services.alert_response_breaches() == 1
        assert services.alert_response_breaches() == 0  # already alerted
    alerts = OutgoingEmail.objects.filter(kind=EmailKind.BREACH_ALERT)
    assert sorted(alerts.values_list("recipient", flat=True)) == [
        "mo@example.org",
        "morgan@example.org",
    ]
    referral.refresh_from_db()
    assert referral.breach_alerted_at is not None
    for alert in alerts:
        send_referral_email.call(alert.pk)
    subjects = [m.subject for m in mail.outbox]
    assert subjects == [f"Referral {referral.reference} has passed its response deadline"] * 2
    assert "Alex" not in mail.outbox[0].body
    assert f"/staff/referrals/{referral.reference}/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(summary__contains="managers alerted").count() == 1


def test_a_referral_answered_in_time_is_never_alerted(make_referral, make_user):
    referral = late_referral(make_referral)
    services.record_response(
        referral=referral, actor=make_user(Role.INTAKE), method="phone", note="", request=None
    )
    assert services.alert_response_breaches() == 0


def test_with_no_manager_email_the_alert_goes_to_the_service_inbox(make_referral, settings):
    late_referral(make_referral)
    services.alert_response_breaches()
    alert = OutgoingEmail.objects.get(kind=EmailKind.BREACH_ALERT)
    assert alert.recipient == settings.IMHA_SERVICE["email"]


def test_the_command_runs_the_sweep_and_is_safe_to_repeat(make_referral, make_user):
    make_user(Role.MANAGER, username="morgan", email="morgan@example.org")
    late_referral(make_referral)
    out = StringIO()
    call_command("send_response_alerts", stdout=out)
    assert "Late referrals alerted: 1." in out.getvalue()
    call_command("send_response_alerts", stdout=out)
    assert "Late referrals alerted: 0." in out.getvalue()
    assert OutgoingEmail.objects.filter(kind=EmailKind.BREACH_ALERT).count() == 1


def test_the_command_can_hand_the_sweep_to_a_worker(make_referral):
    out = StringIO()
    call_command("send_response_alerts", "--enqueue", stdout=out)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "imha.referrals.tasks.sweep_referral_clock"
    assert sweep_referral_clock.call() == {
        "breaches_alerted": 0,
        "emails_requeued": 0,
        "submissions_pruned": 0,
    }


def test_old_submission_records_are_removed():
    two_days_ago = timezone.now() - timedelta(days=2)
    PublicSubmission.objects.create(address_hash="a" * 64, submitted_at=two_days_ago)
    PublicSubmission.objects.create(address_hash="b" * 64)
    assert services.prune_public_submissions() == 1
    assert PublicSubmission.objects.count() == 1
