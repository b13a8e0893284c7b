"""The daily email to hospital users: counts by ward and a link, never a patient's details,
at most once a day per hospital, and only where it is switched on and someone can get it."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imha.accounts.models import Role, User
from imha.audit.models import AuditAction, AuditEvent
from imha.hospitals import selectors, services
from imha.hospitals.models import DigestStatus, ReminderDigest, Ward
from imha.hospitals.services import DigestOutcome
from imha.hospitals.tasks import send_reminder_digests
from tests.hospitals.conftest import told

pytestmark = pytest.mark.django_db

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


@pytest.fixture
def today() -> date:
    return timezone.localdate()


@pytest.fixture
def recipients(hospital_user, make_user, other_hospital):
    """Two active users at the hospital with addresses, and people who must not get it."""
    hospital_user.email = "harper@hospital.example.org"
    hospital_user.save()
    make_user(Role.HOSPITAL, username="hazel", email="hazel@hospital.example.org")
    make_user(Role.HOSPITAL, username="no-address", email="")
    make_user(Role.HOSPITAL, username="left", email="left@hospital.example.org", is_active=False)
    make_user(
        Role.HOSPITAL, username="elsewhere", email="olly@else.example.org", hospital=other_hospital
    )
    make_user(Role.MANAGER, username="morgan", email="morgan@imha.example.org")
    return ["harper@hospital.example.org", "hazel@hospital.example.org"]


@pytest.fixture
def due(make_notice, hospital, today):
    """Patients with things due on two wards, with every personal detail filled in."""
    curlew = Ward.objects.create(hospital=hospital, name="Curlew Ward")
    make_notice(
        patient_name="Zebedee Quxworth",
        hospital_number="HN-778899",
        nhs_number="9434765919",
        date_of_birth=date(1961, 7, 14),
        status="s3",
        started_on=today - timedelta(20),
    )
    late = make_notice(
        patient_name="Ottoline Vexley", status="s37", started_on=today - timedelta(40)
    )
    told(late, today - timedelta(40))
    make_notice(patient_name="Quentin Brackenbury", in_ward=curlew, started_on=today)
    up_to_date = make_notice(patient_name="Florence Up-to-date", started_on=today - timedelta(2))
    told(up_to_date, today - timedelta(2))


def test_the_summary_gives_counts_by_ward_and_a_link_and_no_patient_details(
    hospital, recipients, due, today, settings
):
    settings.IMHA_SITE_URL = "https://imha.example.org/"
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.SENT

    assert sorted(message.to[0] for message in mail.outbox) == recipients
    assert all(
        len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox
    )
    message = mail.outbox[0]
    assert message.subject == "Patients to tell about IMHAs at Testing Fields Hospital"
    body = message.body
    # Heather Ward: one never told, one reminder late, one up to date; Curlew Ward: one
    # within their deadline for first being told.
    assert "\nCurlew Ward: 0 overdue, 1 due in the next 7 days\nHeather Ward: 2 overdue, 0 due" in (
        body
    )
    assert "https://imha.example.org/hospital/\n" in body
    for private in (
        "Zebedee",
        "Quxworth",
        "Vexley",
        "Brackenbury",
        "Florence",
        "HN-778899",
        "9434765919",
        "943 476 5919",
        "1961",
        "14/07",
        "Dr Example",
        "s3",
        "s37",
        "Admission for treatment",
        "Hospital order",
        "ection",
    ):
        assert private not in body, private
        assert private not in message.subject, private


def test_the_counts_are_the_dashboards_list_by_ward(hospital, due, today, make_notice):
    closed = Ward.objects.create(hospital=hospital, name="Old Ward", is_active=False)
    make_notice(patient_name="On A Closed Ward", in_ward=closed, started_on=today - timedelta(9))
    wards = selectors.actions_due_by_ward(hospital, today)
    assert [(w.name, w.is_active, w.overdue, w.due_soon) for w in wards] == [
        ("Curlew Ward", True, 0, 1),
        ("Heather Ward", True, 2, 0),
        ("Old Ward", False, 1, 0),
    ]
    listed = selectors.notices_needing_action(hospital, today)
    assert sum(w.overdue + w.due_soon for w in wards) == listed.count()


def test_the_link_is_the_path_alone_without_a_site_address(
    hospital, recipients, due, today, settings
):
    settings.IMHA_SITE_URL = ""
    services.send_reminder_digest(hospital, today)
    assert "\n/hospital/\n" in mail.outbox[0].body


def test_it_goes_at_most_once_a_day(hospital, recipients, due, today):
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.SENT
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.ALREADY_SENT
    assert len(mail.outbox) == 2
    digest = ReminderDigest.objects.get()
    assert (digest.day, digest.status, digest.recipients) == (today, DigestStatus.SENT, 2)
    assert digest.sent_at is not None
    # The next day is a new summary.
    assert services.send_reminder_digest(hospital, today + timedelta(1)) == DigestOutcome.SENT
    assert len(mail.outbox) == 4


def test_a_run_that_loses_the_race_for_the_day_sends_nothing(
    hospital, recipients, due, today, monkeypatch
):
    real_recipients = selectors.reminder_digest_recipients

    def another_run_claims_the_day_meanwhile(for_hospital):
        ReminderDigest.objects.create(hospital=for_hospital, day=today)
        return real_recipients(for_hospital)

    monkeypatch.setattr(
        selectors, "reminder_digest_recipients", another_run_claims_the_day_meanwhile
    )
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.ALREADY_SENT
    assert mail.outbox == []
    assert ReminderDigest.objects.count() == 1


def test_a_hospital_can_switch_it_off(hospital, recipients, due, today):
    hospital.reminder_digest_enabled = False
    hospital.save()
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.SWITCHED_OFF
    assert services.send_reminder_digests(today)["switched_off"] == 1
    assert mail.outbox == [] and not ReminderDigest.objects.exists()


def test_nothing_goes_to_a_hospital_with_no_users_to_send_to(
    hospital, hospital_user, make_user, due, today
):
    # hospital_user has no address; a manager's address is not a hospital user's.
    make_user(Role.MANAGER, username="morgan", email="morgan@imha.example.org")
    User.objects.create_user(
        username="left", role=Role.HOSPITAL, hospital=hospital, email="l@x.org", is_active=False
    )
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.NO_RECIPIENTS
    assert mail.outbox == [] and not ReminderDigest.objects.exists()


def test_nothing_goes_when_nothing_is_due_and_the_day_is_not_used_up(
    hospital, recipients, make_notice, today
):
    up_to_date = make_notice(patient_name="Up To Date", started_on=today - timedelta(2))
    told(up_to_date, today - timedelta(2))
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.NOTHING_DUE
    assert mail.outbox == [] and not ReminderDigest.objects.exists()
    make_notice(patient_name="Never Told", started_on=today - timedelta(10))
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.SENT


def test_a_failed_send_is_recorded_and_not_repeated_that_day(
    hospital, recipients, due, today, monkeypatch
):
    def refused(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(LOCMEM_SEND, refused)
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.FAILED
    digest = ReminderDigest.objects.get()
    assert digest.status == DigestStatus.FAILED and digest.sent_at is None
    assert digest.last_error == "ConnectionRefusedError: mail server down"
    monkeypatch.undo()
    assert services.send_reminder_digest(hospital, today) == DigestOutcome.ALREADY_SENT
    assert mail.outbox == []


def test_each_summary_is_audited_without_patient_details(hospital, recipients, due, today):
    services.send_reminder_digest(hospital, today)
    event = AuditEvent.objects.get(object_type="hospital", object_id=str(hospital.pk))
    assert event.action == AuditAction.EXPORT and event.actor is None
    assert event.summary == "Daily reminder summary (counts only) emailed to 2 hospital users"


def test_the_command_sends_each_hospitals_summary_and_is_safe_to_repeat(
    hospital, recipients, due, other_hospital
):
    out = StringIO()
    call_command("send_reminder_digests", stdout=out)
    assert out.getvalue().startswith("Reminder summaries sent: 1. Could not be sent: 0. ")
    # The other hospital has a user, but no patients.
    assert "Nothing due: 1." in out.getvalue()
    call_command("send_reminder_digests", stdout=out)
    assert "Reminder summaries sent: 0. Could not be sent: 0. Already sent today: 1." in (
        out.getvalue()
    )
    assert len(mail.outbox) == 2


def test_the_command_fails_loudly_when_a_summary_cannot_be_sent(
    hospital, recipients, due, monkeypatch
):
    def refused(self, messages):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(LOCMEM_SEND, refused)
    with pytest.raises(CommandError, match="1 reminder summaries could not be sent"):
        call_command("send_reminder_digests", stdout=StringIO())


def test_the_command_can_hand_the_run_to_a_worker(hospital, recipients, due):
    out = StringIO()
    call_command("send_reminder_digests", "--enqueue", stdout=out)
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "imha.hospitals.tasks.send_reminder_digests"
    assert f"task {queued.id}" in out.getvalue()
    assert mail.outbox == []
    outcomes = send_reminder_digests.call()
    assert outcomes["sent"] == 1 and len(mail.outbox) == 2


def test_administrators_see_the_switch(verified_client, hospital):
    page = verified_client(Role.ADMINISTRATOR).get(
        f"/admin/hospitals/hospital/{hospital.pk}/change/"
    )
    assert page.status_code == 200
    assert 'name="reminder_digest_enabled"' in page.content.decode()
