"""The retention policy: anonymising clients whose cases closed long enough ago."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from imha.audit.models import AuditEvent
from imha.cases import retention, services
from imha.cases.models import (
    ActivityKind,
    AgeBand,
    Attachment,
    Client,
    ClosureReason,
    Ethnicity,
    OutcomeKind,
)
from imha.referrals import services as referral_services

pytestmark = pytest.mark.django_db


def closed_case_with_history(staff, make_case, *, closed_days_ago: int, **client_fields):
    case = make_case(staff["ada"], ethnicity=Ethnicity.WHITE_IRISH, **client_fields)
    services.record_activity(
        case=case,
        fields={
            "kind": ActivityKind.VISIT,
            "occurs_on": timezone.localdate(),
            "duration_minutes": 50,
            "notes": "Talked about her family",
        },
        actor=staff["ada"],
    )
    issue = services.add_issue(
        case=case, topic="tribunal", description="Wants to appeal", actor=staff["ada"]
    )
    services.record_outcomes(
        issue=issue,
        outcomes=[OutcomeKind.TRIBUNAL_APPLIED],
        persons_words="I felt listened to",
        status="resolved",
        actor=staff["ada"],
    )
    services.add_note(case=case, text="Private note", actor=staff["ada"])
    attachment = Attachment(case=case, kind="pdf", original_name="consent.pdf", size_bytes=9)
    attachment.file.save("consent.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    services.close_case(
        case=case, reason=ClosureReason.WORK_COMPLETE, note="Went home", actor=staff["ada"]
    )
    case.refresh_from_db()
    case.closed_at = timezone.now() - timedelta(days=closed_days_ago)
    case.save(update_fields=["closed_at"])
    return case


def test_anonymises_after_the_period_and_keeps_what_reports_need(
    staff, make_case, settings, django_capture_on_commit_callbacks
):
    settings.IMHA_CASE_RETENTION_DAYS = 30
    case = closed_case_with_history(
        staff, make_case, closed_days_ago=31, first_name="Oldcase", nhs_number="4857773456"
    )
    stored_file = Attachment.objects.get(case=case).file.name
    assert default_storage.exists(stored_file)

    with django_capture_on_commit_callbacks(execute=True):
        run = retention.apply_retention()
    assert run.anonymised == 1

    person = Client.objects.get(pk=case.client_id)
    assert person.anonymised_at is not None
    assert (person.first_name, person.last_name, person.nhs_number) == ("Anonymised", "", "")
    assert person.date_of_birth is None
    assert person.ethnicity == Ethnicity.WHITE_IRISH
    case.refresh_from_db()
    assert case.age_band_at_closure == AgeBand.FROM_45_TO_54
    assert case.closure_reason == ClosureReason.WORK_COMPLETE
    assert case.closure_note == ""
    activity = case.activities.get()
    assert (activity.kind, activity.duration_minutes, activity.notes) == ("visit", 50, "")
    issue = case.issues.get()
    assert issue.topic == "tribunal" and issue.description == ""
    outcome = issue.outcomes.get()
    assert outcome.outcome == OutcomeKind.TRIBUNAL_APPLIED and outcome.persons_words == ""
    assert case.notes.get().text == ""
    assert not Attachment.objects.filter(case=case).exists()
    assert not default_storage.exists(stored_file)

    entry = AuditEvent.objects.get(object_type="client", summary__contains="anonymised")
    assert entry.object_id == str(person.pk)
    assert "Oldcase" not in entry.summary


def test_untouched_before_the_period_or_while_a_case_is_open(staff, make_case, settings):
    settings.IMHA_CASE_RETENTION_DAYS = 30
    closed_case_with_history(staff, make_case, closed_days_ago=29, first_name="Recent")
    old = closed_case_with_history(staff, make_case, closed_days_ago=400, first_name="Returning")
    # The same person came back: a new open case keeps everything.
    services.open_case_for_client(client=old.client, actor=staff["manager"])

    assert retention.apply_retention().anonymised == 0
    assert Client.objects.filter(first_name__in=["Recent", "Returning"]).count() == 2


def test_running_twice_changes_nothing_more(staff, make_case, settings):
    settings.IMHA_CASE_RETENTION_DAYS = 30
    closed_case_with_history(staff, make_case, closed_days_ago=31)
    assert retention.apply_retention().anonymised == 1
    entries = AuditEvent.objects.count()
    assert retention.apply_retention().anonymised == 0
    assert AuditEvent.objects.count() == entries


def test_linked_referral_is_anonymised_too(staff, make_referral_for_cases, settings):
    settings.IMHA_CASE_RETENTION_DAYS = 30
    referral = make_referral_for_cases(person_phone="01632 960 555", nhs_number="4857773456")
    case = referral_services.accept_referral(
        referral=referral, actor=staff["manager"], response_method="phone"
    )
    services.close_case(case=case, reason=ClosureReason.NO_CONTACT, note="", actor=staff["manager"])
    case.refresh_from_db()
    case.closed_at -= timedelta(days=60)
    case.save(update_fields=["closed_at"])

    retention.apply_retention()
    referral.refresh_from_db()
    assert (referral.first_name, referral.last_name) == ("Anonymised", "")
    assert referral.date_of_birth is None
    assert referral.person_phone == "" and referral.nhs_number == "" and referral.help_other == ""
    assert referral.legal_status_code == "s3"  # kept for statistics
    assert all(email.recipient.endswith(".invalid") for email in referral.emails.all())


def test_command_runs_here_or_queues_the_task(staff, make_case, settings):
    settings.IMHA_CASE_RETENTION_DAYS = 30
    closed_case_with_history(staff, make_case, closed_days_ago=31)
    out = StringIO()
    call_command("apply_retention", stdout=out)
    assert "Clients anonymised: 1" in out.getvalue()

    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    out = StringIO()
    call_command("apply_retention", "--enqueue", stdout=out)
    assert "Queued the retention run" in out.getvalue()


def test_a_record_merged_into_an_anonymised_one_is_anonymised_with_it(staff, make_case, settings):
    settings.IMHA_CASE_RETENTION_DAYS = 30
    kept = closed_case_with_history(staff, make_case, closed_days_ago=400, first_name="Kept")
    duplicate = make_case(staff["ada"], first_name="Dupe", phone="01632 960 777").client
    services.close_case(
        case=duplicate.cases.get(),
        reason=ClosureReason.WORK_COMPLETE,
        note="",
        actor=staff["ada"],
    )
    services.merge_clients(
        keep=kept.client, duplicate=duplicate, actor=staff["manager"], same_person_confirmed=True
    )
    # The moved case closed just now, so the kept record is not due yet, nor the retired one.
    assert retention.apply_retention().anonymised == 0
    kept.client.cases.update(closed_at=timezone.now() - timedelta(days=400))

    assert retention.apply_retention().anonymised == 1
    duplicate.refresh_from_db()
    assert duplicate.first_name == retention.ANONYMISED_NAME
    assert duplicate.phone == "" and duplicate.date_of_birth is None
    assert duplicate.anonymised_at is not None
    assert AuditEvent.objects.filter(
        object_type="client", object_id=str(duplicate.pk), summary__contains="anonymised"
    ).exists()
