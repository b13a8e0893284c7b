"""Acknowledgements and alerts go out from the stored referral, through the task queue,
and a failure to send is retried, never lost."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imha.referrals import services
from imha.referrals.models import EmailKind, EmailStatus, OutgoingEmail, Referral
from imha.referrals.tasks import send_referral_email
from tests.conftest import london

pytestmark = pytest.mark.django_db

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def test_the_referral_is_stored_before_the_email_is_queued(
    make_referral, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_referral()
        # Nothing is queued until the referral's transaction has committed.
        assert DBTaskResult.objects.count() == 0
    # (Other on-commit work, such as sealing audit entries, may run too: count the tasks.)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "imha.referrals.tasks.send_referral_email"
    email = OutgoingEmail.objects.get(referral=referral)
    assert queued.args_kwargs == {"args": [email.pk], "kwargs": {}}


def test_the_acknowledgement_gives_the_reference_and_promise_but_no_health_details(
    make_referral,
):
    referral = make_referral(
        received_at=london(2026, 6, 10, 10, 0),
        first_name="Zebedee",
        last_name="Quxworth",
        more_information="Worried about ECT",
    )
    email = OutgoingEmail.objects.get(referral=referral)
    assert send_referral_email.call(email.pk) == EmailStatus.SENT

    [message] = mail.outbox
    assert message.to == ["robin@example.org"]
    assert referral.reference in message.subject
    assert referral.reference in message.body
    assert "within 3 working days" in message.body
    assert "by 5pm on Monday 15 June 2026" in message.body
    for private in ("Zebedee", "Quxworth", "Willow", "Testing Fields", "Section", "ECT", "ribunal"):
        assert private not in message.body, private
        assert private not in message.subject, private
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert email.sent_at is not None


def test_no_email_address_means_no_email(make_referral):
    referral = make_referral(referrer_email="", referrer_phone="01632 960 111")
    assert not OutgoingEmail.objects.filter(referral=referral).exists()


def test_a_mail_failure_keeps_the_referral_and_is_retried(
    make_referral, django_capture_on_commit_callbacks
):
    referral = make_referral()
    email = OutgoingEmail.objects.get(referral=referral)

    with (
        mock.patch(LOCMEM_SEND, side_effect=ConnectionRefusedError("mail server down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert send_referral_email.call(email.pk) == EmailStatus.PENDING

    assert Referral.objects.filter(pk=referral.pk).exists()
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert email.attempts == 1
    assert "mail server down" in email.last_error
    assert email.next_attempt_at > timezone.now()
    # The retry is queued to run after the back-off.
    retry = DBTaskResult.objects.get()
    assert retry.run_after == email.next_attempt_at
    assert mail.outbox == []

    # The retry succeeds once the mail server is back.
    assert send_referral_email.call(email.pk) == EmailStatus.SENT
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.last_error == ""
    assert len(mail.outbox) == 1


def test_sending_is_abandoned_after_the_last_retry(make_referral):
    email = OutgoingEmail.objects.get(referral=make_referral())
    email.attempts = len(services.RETRY_DELAYS)
    email.save()
    with mock.patch(LOCMEM_SEND, side_effect=OSError("still down")):
        assert services.send_outgoing_email(email.pk) == EmailStatus.FAILED


def test_a_sent_email_is_never_sent_twice(make_referral):
    email = OutgoingEmail.objects.get(referral=make_referral())
    send_referral_email.call(email.pk)
    send_referral_email.call(email.pk)
    assert len(mail.outbox) == 1


def test_the_sweep_requeues_an_email_whose_task_was_lost(
    make_referral, django_capture_on_commit_callbacks
):
    email = OutgoingEmail.objects.get(referral=make_referral())
    OutgoingEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_response_alerts", stdout=mock.MagicMock())
    assert (
        DBTaskResult.objects.filter(task_path="imha.referrals.tasks.send_referral_email").count()
        == 1
    )
    # Its retry time moved on, so the next sweep leaves it alone.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.requeue_stale_emails() == 0


def test_the_email_table_is_shown_on_the_referral(verified_client, make_referral):
    referral = make_referral()
    email = OutgoingEmail.objects.get(referral=referral)
    with mock.patch(LOCMEM_SEND, side_effect=OSError("refused")):
        services.send_outgoing_email(email.pk)
    page = verified_client("intake").get(f"/staff/referrals/{referral.reference}/")
    assert "OSError: refused" in page.content.decode()
    assert EmailKind.ACKNOWLEDGEMENT.label in page.content.decode()
