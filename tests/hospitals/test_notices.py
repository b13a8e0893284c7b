from __future__ import annotations

from datetime import date

import pytest

from imha.audit.models import AuditAction, AuditEvent
from imha.hospitals import services
from imha.hospitals.models import AutomaticReferral, InformationMethod, QualifyingNotice
from imha.hospitals.signals import automatic_referral_requested

pytestmark = pytest.mark.django_db


def told(notice, on, method=InformationMethod.BOTH, actor=None):
    return services.record_information(
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


def test_a_qualifying_notice_stores_the_engines_decision_and_starts_tracking(make_notice):
    notice = make_notice(status="section 3", started_on=date(2026, 3, 6))
    assert notice.status == "s3"
    assert notice.qualifies is True
    assert notice.eligibility_category == "detained"
    assert notice.duty_holder.startswith("The managers of the hospital")
    assert notice.decision["jurisdiction"] == "england"
    assert notice.decision["duty_to_inform"]["how"]
    assert notice.qualifying_since == date(2026, 3, 6)
    assert notice.information_due_by == date(2026, 3, 9)  # one working day after a Friday
    assert notice.next_reminder_on == date(2026, 4, 3)  # 4 weeks, the hospital default
    assert [c.status for c in notice.status_changes.all()] == ["s3"]


def test_a_non_qualifying_status_is_recorded_but_not_tracked(make_notice):
    notice = make_notice(status="s136")
    assert notice.qualifies is False
    assert notice.eligibility_category == "not_qualifying"
    assert notice.information_due_by is None
    assert notice.next_reminder_on is None
    assert notice.automatic_referral == AutomaticReferral.NOT_APPLICABLE


def test_the_service_jurisdiction_comes_from_settings(make_notice, settings):
    settings.IMHA_SERVICE = {**settings.IMHA_SERVICE, "jurisdiction": "wales"}
    notice = make_notice(status="s136")
    # In Wales every compulsory status qualifies, including the short-term powers.
    assert notice.qualifies is True
    assert notice.decision["jurisdiction"] == "wales"


def test_creating_writes_an_audit_entry_without_health_details(make_notice):
    notice = make_notice(status="s3", patient_name="Sam Sample")
    event = AuditEvent.objects.get(object_type="qualifying_notice", object_id=str(notice.pk))
    assert event.action == AuditAction.CREATE
    assert "Sam" not in event.summary and "s3" not in event.summary


def test_a_failure_after_the_audit_entry_leaves_nothing_behind(make_notice, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        make_notice()
    assert not QualifyingNotice.objects.exists()


def test_change_of_status_keeps_history_and_schedules_a_reminder(make_notice, hospital_user):
    notice = make_notice(status="s2", started_on=date(2026, 3, 2))
    told(notice, date(2026, 3, 2))
    services.change_status(notice, status="s3", started_on=date(2026, 3, 20), actor=hospital_user)
    notice.refresh_from_db()
    assert [(c.status, c.started_on) for c in notice.status_changes.all()] == [
        ("s2", date(2026, 3, 2)),
        ("s3", date(2026, 3, 20)),
    ]
    # Still counted from when they first qualified; the new status brings its own reminder.
    assert notice.qualifying_since == date(2026, 3, 2)
    assert notice.next_reminder_on == date(2026, 3, 23)  # Friday 20th + 1 working day
    assert "status changed" in notice.next_reminder_reason
    assert AuditEvent.objects.filter(
        object_type="qualifying_notice", object_id=str(notice.pk), action=AuditAction.UPDATE
    ).exists()


def test_becoming_qualifying_through_a_change_of_status_starts_the_clock(
    make_notice, hospital_user
):
    notice = make_notice(status="s136", started_on=date(2026, 3, 2))
    services.change_status(notice, status="s2", started_on=date(2026, 3, 3), actor=hospital_user)
    notice.refresh_from_db()
    assert notice.qualifies and notice.qualifying_since == date(2026, 3, 3)
    assert notice.information_due_by == date(2026, 3, 4)


def test_moving_to_informal_stops_reminders(make_notice, hospital_user):
    notice = make_notice(status="s2", started_on=date(2026, 3, 2))
    services.change_status(
        notice, status="informal", started_on=date(2026, 3, 10), actor=hospital_user
    )
    notice.refresh_from_db()
    assert notice.qualifies is False
    assert notice.next_reminder_on is None


def test_telling_the_patient_updates_first_dates_and_the_next_reminder(make_notice):
    notice = make_notice(status="s3", started_on=date(2026, 3, 2))
    told(notice, date(2026, 3, 2), InformationMethod.VERBAL)
    notice.refresh_from_db()
    assert notice.first_told_verbally_on == date(2026, 3, 2)
    assert notice.first_given_in_writing_on is None
    told(notice, date(2026, 3, 31), InformationMethod.WRITTEN)
    notice.refresh_from_db()
    assert notice.first_given_in_writing_on == date(2026, 3, 31)
    assert notice.last_informed_on == date(2026, 3, 31)
    assert notice.next_reminder_on == date(2026, 4, 27)


def test_discharge_stops_reminders(make_notice, hospital_user):
    notice = make_notice(status="s3", started_on=date(2026, 3, 2))
    services.record_discharge(notice, discharged_on=date(2026, 3, 20), actor=hospital_user)
    notice.refresh_from_db()
    assert notice.next_reminder_on is None
    assert not notice.is_tracked


def test_changing_a_hospitals_reminder_interval_recalculates_open_notices(
    make_notice, hospital, hospital_user
):
    notice = make_notice(status="s3", started_on=date(2026, 3, 2))
    hospital.reminder_interval_weeks = 2
    hospital.save()
    services.recalculate_reminders(hospital, actor=None)
    notice.refresh_from_db()
    assert notice.next_reminder_on == date(2026, 3, 16)


class TestAutomaticReferral:
    @pytest.fixture
    def received(self):
        calls = []

        def receiver(sender, notice, **kwargs):
            calls.append(notice)

        automatic_referral_requested.connect(receiver)
        yield calls
        automatic_referral_requested.disconnect(receiver)

    def test_sent_after_commit_when_switched_on(
        self, make_notice, hospital, received, django_capture_on_commit_callbacks
    ):
        hospital.automatic_referral_enabled = True
        hospital.save()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            notice = make_notice(status="s3")
        # Nothing is sent until the transaction commits.
        assert received == []
        for callback in callbacks:
            callback()
        assert [n.pk for n in received] == [notice.pk]
        assert notice.automatic_referral == AutomaticReferral.REQUESTED
        assert notice.automatic_referral_requested_at is not None

    def test_not_sent_when_switched_off(
        self, make_notice, received, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            notice = make_notice(status="s3")
        assert received == []
        assert notice.automatic_referral == AutomaticReferral.NOT_APPLICABLE

    def test_not_sent_when_the_patient_declined(
        self, make_notice, hospital, received, django_capture_on_commit_callbacks
    ):
        hospital.automatic_referral_enabled = True
        hospital.save()
        with django_capture_on_commit_callbacks(execute=True):
            notice = make_notice(status="s3", declined_referral=True)
        assert received == []
        assert notice.automatic_referral == AutomaticReferral.DECLINED

    def test_not_sent_for_a_patient_who_does_not_qualify(
        self, make_notice, hospital, received, django_capture_on_commit_callbacks
    ):
        hospital.automatic_referral_enabled = True
        hospital.save()
        with django_capture_on_commit_callbacks(execute=True):
            notice = make_notice(status="s136")
        assert received == []
        assert notice.automatic_referral == AutomaticReferral.NOT_APPLICABLE

    def test_a_failing_receiver_does_not_undo_the_notice(
        self, make_notice, hospital, django_capture_on_commit_callbacks
    ):
        hospital.automatic_referral_enabled = True
        hospital.save()

        def broken(sender, notice, **kwargs):
            raise RuntimeError("referrals app is down")

        automatic_referral_requested.connect(broken)
        try:
            with django_capture_on_commit_callbacks(execute=True):
                notice = make_notice(status="s3")
        finally:
            automatic_referral_requested.disconnect(broken)
        assert QualifyingNotice.objects.filter(pk=notice.pk).exists()
