"""Nothing submitted is lost, and no action is left half done.

A referral is stored before any email is tried; with no task worker running, or with the
queue itself failing, it is still there and its email waits to be sent. An action that fails
part way leaves the database as it was before the action started.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django_tasks_db.models import DBTaskResult

from imha.audit.models import AuditEvent
from imha.cases.models import Case
from imha.referrals import services
from imha.referrals.models import EmailStatus, OutgoingEmail, Referral, ReferralStatus
from imha.referrals.tasks import send_referral_email
from tests.referrals.conftest import make_referral
from tests.referrals.test_public_form import answer_pages, send

# make_referral is a fixture defined there; importing it makes it available here. The
# `answers` fixture comes from the root conftest.
__all__ = ["make_referral"]

pytestmark = pytest.mark.django_db(transaction=True)


def test_with_no_worker_running_the_referral_and_its_email_wait(client, hospital, mailoutbox):
    answer_pages(client, hospital)
    response, _ = send(client)
    assert response.status_code == 302
    referral = Referral.objects.get()
    email = OutgoingEmail.objects.get(referral=referral)
    # Queued in the database, where a worker will find it when one starts.
    assert email.status == EmailStatus.PENDING
    assert DBTaskResult.objects.filter(task_path__endswith="send_referral_email").count() == 1
    assert mailoutbox == []
    # What a worker does when it starts: the email goes, once.
    send_referral_email.call(email.pk)
    send_referral_email.call(email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    assert len(mailoutbox) == 1
    assert referral.reference in mailoutbox[0].body


def test_a_broken_queue_does_not_lose_the_referral(client, hospital, monkeypatch):
    def queue_down(*args, **kwargs):
        raise ConnectionError("task queue unavailable")

    monkeypatch.setattr(type(send_referral_email), "enqueue", queue_down)
    answer_pages(client, hospital)
    response, _ = send(client)
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert OutgoingEmail.objects.get(referral=referral).status == EmailStatus.PENDING


def test_a_failure_part_way_through_accepting_changes_nothing(
    make_referral, make_user, monkeypatch
):
    referral = make_referral()
    manager = make_user("manager")
    events_before = AuditEvent.objects.count()

    def case_store_fails(**kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(services, "open_case_from_referral", case_store_fails)
    with pytest.raises(DatabaseError):
        services.accept_referral(referral=referral, actor=manager, response_method="phone")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.NEW
    assert referral.decided_at is None
    assert not Case.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_an_audit_failure_undoes_the_change_it_describes(make_referral, make_user, monkeypatch):
    from imha.audit import services as audit

    referral = make_referral()
    intake = make_user("intake")

    def audit_down(**kwargs):
        raise DatabaseError("audit table locked")

    monkeypatch.setattr(audit, "record", audit_down)
    with pytest.raises(DatabaseError):
        services.pick_up_referral(referral=referral, actor=intake, request=None)
    referral.refresh_from_db()
    assert referral.picked_up_by is None


def test_a_failed_seal_keeps_the_referral_and_its_audit_entry(client, hospital, monkeypatch):
    """Sealing runs after the referral is committed: if it fails, the referral, its audit
    entry and the person's confirmation all stand, and the next seal chains the entry."""
    from django.core.management import call_command

    from imha.audit import services as audit

    real_seal = audit.seal_pending

    def seal_down(*args, **kwargs):
        raise DatabaseError("chain head unavailable")

    monkeypatch.setattr(audit, "seal_pending", seal_down)
    answer_pages(client, hospital)
    response, _ = send(client)
    assert response.status_code == 302
    referral = Referral.objects.get()
    entry = AuditEvent.objects.get(object_type="referral", object_id=str(referral.pk))
    assert entry.chain_position is None

    monkeypatch.setattr(audit, "seal_pending", real_seal)
    call_command("verify_audit")
    entry.refresh_from_db()
    assert entry.chain_position is not None
    assert list(audit.find_chain_problems()) == []
