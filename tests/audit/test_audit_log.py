from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import Client

from imha.accounts.models import Role
from imha.audit import services as audit
from imha.audit.models import AppendOnlyError, AuditAction, AuditEvent
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db


def tamper(sql: str, params: list[object]) -> None:
    """Change rows behind the application's back, as an attacker with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Switch off the append-only trigger for this transaction only, to simulate
            # someone with full control of the database.
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)


def three_entries(actor) -> list[AuditEvent]:
    """Three sealed entries. Tests run inside one transaction that never commits, so the
    seal that would follow each commit is run here by hand."""
    written = [
        audit.record(actor=actor, action=AuditAction.VIEW, object_type="case", object_id=n)
        for n in (1, 2, 3)
    ]
    audit.seal_pending()
    return [AuditEvent.objects.get(pk=event.pk) for event in written]


def test_entries_chain_onto_each_other(make_user):
    first, second, third = three_entries(make_user(Role.ADVOCATE))
    assert [first.chain_position, second.chain_position, third.chain_position] == [1, 2, 3]
    assert first.previous_hash == audit.GENESIS_HASH
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert first.actor_username == "advocate-user"
    assert first.actor_role == Role.ADVOCATE


def test_verify_passes_on_an_untouched_log(make_user, capsys):
    three_entries(make_user(Role.ADVOCATE))
    call_command("verify_audit")
    assert "Audit log intact: 3 entries checked." in capsys.readouterr().out


def test_an_entry_is_written_unsealed_and_sealed_once_its_transaction_commits(
    make_user, django_capture_on_commit_callbacks
):
    # Made first: adding a user is a change to the data, which has an after-commit step of
    # its own (imha.core.freshness).
    actor = make_user(Role.ADVOCATE)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = audit.record(actor=actor, action=AuditAction.VIEW, object_type="case")
        # Inside the writing transaction nothing locks the chain: the entry waits unsealed.
        assert AuditEvent.objects.get(pk=event.pk).chain_position is None
    assert len(callbacks) == 1
    sealed = AuditEvent.objects.get(pk=event.pk)
    assert sealed.chain_position == 1
    assert sealed.previous_hash == audit.GENESIS_HASH
    assert sealed.entry_hash == audit.EntryContent.of(sealed).digest(audit.GENESIS_HASH)
    assert list(audit.find_chain_problems()) == []


def test_an_entry_rolled_back_with_its_action_is_never_sealed(make_user):
    actor = make_user(Role.ADVOCATE)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=actor, action=AuditAction.UPDATE, object_type="case", object_id=7)
        raise RuntimeError("the action failed")
    assert audit.seal_pending() == 0
    assert not AuditEvent.objects.exists()


def test_sealing_after_commit_skips_an_entry_another_seal_already_chained(
    make_user, django_assert_num_queries
):
    event = audit.record(actor=make_user(Role.ADVOCATE), action=AuditAction.VIEW, object_type="x")
    audit.seal_pending()
    with django_assert_num_queries(1):
        audit.seal_after_commit(event.pk)


def test_a_backlog_is_sealed_in_batches_into_one_unbroken_chain(make_user):
    actor = make_user(Role.ADVOCATE)
    for number in range(7):
        audit.record(actor=actor, action=AuditAction.VIEW, object_type="case", object_id=number)
    assert audit.seal_pending(batch_size=3) == 7
    positions = list(AuditEvent.objects.order_by("id").values_list("chain_position", flat=True))
    assert positions == [1, 2, 3, 4, 5, 6, 7]
    assert list(audit.find_chain_problems()) == []
    # Entries written later carry on from the same chain.
    audit.record(actor=actor, action=AuditAction.VIEW, object_type="case", object_id=99)
    assert audit.seal_pending(batch_size=3) == 1
    assert AuditEvent.objects.get(object_id="99").chain_position == 8
    assert list(audit.find_chain_problems()) == []


def test_verify_seals_what_is_waiting_before_checking(make_user, capsys):
    three_entries(make_user(Role.ADVOCATE))
    audit.record(actor=None, action=AuditAction.CREATE, object_type="referral")
    call_command("verify_audit")
    out = capsys.readouterr().out
    assert "Sealed 1 entries that were not yet in the chain." in out
    assert "Audit log intact: 4 entries checked." in out


def test_verify_without_sealing_reports_what_is_waiting(make_user, capsys):
    three_entries(make_user(Role.ADVOCATE))
    audit.record(actor=None, action=AuditAction.CREATE, object_type="referral")
    call_command("verify_audit", "--no-seal")
    assert "3 entries checked. 1 newer entries are not yet sealed." in capsys.readouterr().out
    assert AuditEvent.objects.filter(chain_position__isnull=True).count() == 1


def test_verify_finds_a_gap_in_chain_positions(make_user):
    first, _, _ = three_entries(make_user(Role.ADVOCATE))
    tamper("UPDATE audit_auditevent SET chain_position = 10 WHERE id = %s", [first.id])
    reasons = [problem.reason for problem in audit.find_chain_problems()]
    assert "does not follow the entry before it" in reasons


def test_verify_finds_a_changed_entry(make_user):
    _, second, _ = three_entries(make_user(Role.ADVOCATE))
    tamper("UPDATE audit_auditevent SET object_id = %s WHERE id = %s", ["999", second.id])
    problems = list(audit.find_chain_problems())
    assert [(p.event_id, p.reason) for p in problems] == [
        (second.id, "its content has changed since it was written")
    ]
    with pytest.raises(CommandError, match="tampered"):
        call_command("verify_audit")


def test_verify_finds_a_removed_entry(make_user):
    _, second, third = three_entries(make_user(Role.ADVOCATE))
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [second.id])
    problems = list(audit.find_chain_problems())
    assert [(p.event_id, p.reason) for p in problems] == [
        (third.id, "does not follow the entry before it")
    ]


def test_verify_finds_entries_cut_from_the_end(make_user):
    _, second, third = three_entries(make_user(Role.ADVOCATE))
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [third.id])
    problems = list(audit.find_chain_problems())
    assert [(p.event_id, p.reason) for p in problems] == [
        (second.id, "entries after this one have been removed")
    ]


def test_verify_walks_the_log_in_batches(make_user):
    entries = three_entries(make_user(Role.ADVOCATE))
    tamper("UPDATE audit_auditevent SET summary = 'x' WHERE id = %s", [entries[2].id])
    problems = list(audit.find_chain_problems(batch_size=1))
    assert [p.event_id for p in problems] == [entries[2].id]


def test_the_model_refuses_changes_and_deletion(make_user):
    event = three_entries(make_user(Role.ADVOCATE))[0]
    event.summary = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_postgresql_refuses_updates_even_in_raw_sql(make_user):
    event = three_entries(make_user(Role.ADVOCATE))[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = 'x' WHERE id = %s", [event.id])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "update",
    [
        "UPDATE audit_auditevent SET chain_position = 5, previous_hash = 'a', entry_hash = 'b',"
        " summary = 'rewritten' WHERE id = %s",
        "UPDATE audit_auditevent SET chain_position = 5 WHERE id = %s",
    ],
    ids=["content changed while sealing", "sealed without hashes"],
)
def test_postgresql_lets_an_unsealed_entry_be_sealed_but_not_rewritten(make_user, update):
    event = audit.record(actor=make_user(Role.ADVOCATE), action=AuditAction.VIEW, object_type="x")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(update, [event.id])
    audit.seal_pending()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # Once sealed, not even its place or hashes can be set again.
        cursor.execute("UPDATE audit_auditevent SET chain_position = 9 WHERE id = %s", [event.id])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.id])
    assert list(audit.find_chain_problems()) == []


def test_an_anonymous_actor_is_recorded_without_a_name():
    from django.contrib.auth.models import AnonymousUser

    event = audit.record(actor=AnonymousUser(), action=AuditAction.CREATE, object_type="referral")
    assert event.actor_id is None
    assert event.actor_username == ""


def test_sign_in_and_out_are_audited(make_user, enrolled_device):
    from tests.conftest import current_code

    user = make_user(Role.MANAGER, username="morgan")
    device = enrolled_device(user)
    client = Client(REMOTE_ADDR="192.0.2.44")
    client.post("/sign-in/", {"username": "morgan", "password": "wrong-password"})
    client.post("/sign-in/", {"username": "morgan", "password": STAFF_PASSWORD})
    client.post("/sign-in/security-code/", {"code": current_code(device)})
    client.post("/sign-out/")
    actions = list(AuditEvent.objects.values_list("action", "actor_username", "ip_address"))
    assert actions == [
        (AuditAction.SIGN_IN_FAILED, "", "192.0.2.44"),
        (AuditAction.SIGN_IN, "morgan", "192.0.2.44"),
        (AuditAction.SIGN_OUT, "morgan", "192.0.2.44"),
    ]
    call_command("verify_audit")


def test_managers_see_who_viewed_a_referral(verified_client, hospital):
    from django.utils import timezone

    from imha.referrals import services

    manager = verified_client(Role.MANAGER)
    intake = verified_client(Role.INTAKE)
    answers = {
        "referrer_type": "amhp",
        "first_name": "Alex",
        "last_name": "Example",
        "location": str(hospital.pk),
        "legal_status_answer": "s3",
        "consent": "yes",
    }
    referral = services.create_referral(
        fields=services.referral_fields_from_answers(answers),
        channel="phone",
        received_at=timezone.now(),
    )
    assert intake.get(f"/staff/referrals/{referral.reference}/").status_code == 200
    detail = manager.get(f"/staff/referrals/{referral.reference}/").content.decode()
    history_url = f"/staff/history/referral/{referral.pk}/"
    assert history_url in detail
    page = manager.get(history_url).content.decode()
    assert "intake-user (intake)" in page
    assert "manager-user (manager)" in page
    assert "Viewed" in page


@pytest.mark.parametrize("role", [Role.ADVOCATE, Role.INTAKE, Role.HOSPITAL, Role.COMMISSIONER])
def test_only_managers_and_administrators_read_record_history(verified_client, role):
    assert verified_client(role).get("/staff/history/referral/1/").status_code == 403


def test_unknown_record_kinds_are_not_found(verified_client):
    assert verified_client(Role.MANAGER).get("/staff/history/password/1/").status_code == 404
