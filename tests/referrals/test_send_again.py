"""Sending again an email that was given up on: who may, what it does, and that pressing
the button twice sends it once."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imha.accounts.models import Role
from imha.audit.models import AuditAction, AuditEvent
from imha.referrals import services
from imha.referrals.models import EmailKind, EmailStatus, OutgoingEmail
from imha.referrals.tasks import send_referral_email

pytestmark = pytest.mark.django_db

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"
TASK_PATH = "imha.referrals.tasks.send_referral_email"


@pytest.fixture
def failed_email(make_referral) -> OutgoingEmail:
    """An acknowledgement that failed on every retry, as the real sending code leaves it."""
    email = OutgoingEmail.objects.get(referral=make_referral())
    email.attempts = len(services.RETRY_DELAYS)
    email.save()
    with mock.patch(LOCMEM_SEND, side_effect=OSError("mailbox unavailable")):
        assert services.send_outgoing_email(email.pk) == EmailStatus.FAILED
    email.refresh_from_db()
    return email


def send_again_url(email: OutgoingEmail) -> str:
    return f"/staff/referrals/{email.referral.reference}/emails/{email.pk}/send-again/"


def resend_events() -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.UPDATE, summary__contains="send again")
    )


@pytest.mark.parametrize("role", [Role.INTAKE, Role.MANAGER])
def test_intake_and_managers_are_offered_send_again_for_a_failed_email(
    verified_client, failed_email, role
):
    html = verified_client(role).get(f"/staff/referrals/{failed_email.referral.reference}/")
    page = html.content.decode()
    assert "Gave up" in page
    assert "OSError: mailbox unavailable" in page
    assert f'action="{send_again_url(failed_email)}"' in page
    assert "Send again" in page


def test_advocates_see_that_it_failed_but_cannot_send_it_again(verified_client, failed_email):
    client = verified_client(Role.ADVOCATE)
    page = client.get(f"/staff/referrals/{failed_email.referral.reference}/").content.decode()
    assert "Gave up" in page
    assert "Send again" not in page
    assert client.post(send_again_url(failed_email)).status_code == 403
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.FAILED
    assert resend_events() == []


def test_only_failed_emails_get_the_button(intake_client, make_referral):
    referral = make_referral()
    page = intake_client.get(f"/staff/referrals/{referral.reference}/").content.decode()
    assert "Waiting to send" in page
    assert "Send again" not in page


def test_sending_again_queues_the_email_after_commit_and_it_goes_out(
    intake_client, failed_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as after_commit:
        response = intake_client.post(send_again_url(failed_email))
    # Nothing is queued until the change has committed, so no worker can find it pending
    # before then and send it twice.
    assert not DBTaskResult.objects.filter(task_path=TASK_PATH).exists()
    for callback in after_commit:
        callback()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/referrals/{failed_email.referral.reference}/"
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.PENDING
    assert failed_email.attempts == 0
    assert failed_email.next_attempt_at <= timezone.now()

    queued = DBTaskResult.objects.get(task_path=TASK_PATH)
    assert queued.args_kwargs == {"args": [failed_email.pk], "kwargs": {}}
    assert send_referral_email.call(*queued.args_kwargs["args"]) == EmailStatus.SENT
    [message] = mail.outbox
    assert message.to == [failed_email.recipient]
    assert failed_email.referral.reference in message.subject
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.SENT
    assert failed_email.last_error == ""

    page = intake_client.get(f"/staff/referrals/{failed_email.referral.reference}/")
    assert "will be sent again" in page.content.decode()


def test_sending_again_is_audited_without_the_address(intake_client, failed_email):
    intake_client.post(send_again_url(failed_email))
    [event] = resend_events()
    assert event.object_type == "referral"
    assert event.object_id == str(failed_email.referral_id)
    assert event.actor_role == Role.INTAKE
    assert EmailKind.ACKNOWLEDGEMENT.label in event.summary
    assert failed_email.recipient not in event.summary


def test_pressing_send_again_twice_sends_once(
    intake_client, failed_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        intake_client.post(send_again_url(failed_email))
        second = intake_client.post(send_again_url(failed_email), follow=True)
    assert "This email is already waiting to send." in second.content.decode()
    assert DBTaskResult.objects.filter(task_path=TASK_PATH).count() == 1
    assert len(resend_events()) == 1

    send_referral_email.call(failed_email.pk)
    third = intake_client.post(send_again_url(failed_email), follow=True)
    assert "This email has already been sent." in third.content.decode()
    assert len(mail.outbox) == 1
    assert len(resend_events()) == 1


def test_a_new_failure_after_sending_again_is_retried_on_the_usual_schedule(
    intake_client, failed_email, django_capture_on_commit_callbacks
):
    intake_client.post(send_again_url(failed_email))
    with (
        mock.patch(LOCMEM_SEND, side_effect=OSError("still unavailable")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_referral_email.call(failed_email.pk) == EmailStatus.PENDING
    failed_email.refresh_from_db()
    assert failed_email.attempts == 1
    assert failed_email.last_error == "OSError: still unavailable"
    retry = DBTaskResult.objects.get(task_path=TASK_PATH, run_after__isnull=False)
    assert retry.run_after == failed_email.next_attempt_at


def test_an_email_is_only_sent_again_from_its_own_referral(
    intake_client, failed_email, make_referral
):
    other = make_referral(first_name="Other", referrer_email="someone@example.org")
    url = f"/staff/referrals/{other.reference}/emails/{failed_email.pk}/send-again/"
    assert intake_client.post(url).status_code == 404
    assert intake_client.get(send_again_url(failed_email)).status_code == 405
    failed_email.refresh_from_db()
    assert failed_email.status == EmailStatus.FAILED
