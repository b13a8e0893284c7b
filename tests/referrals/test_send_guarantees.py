"""The public form's Send stays cheap without giving up any of its guarantees.

These tests commit for real (transaction=True), so the work done after the commit (sealing
the audit entry, queueing the email) runs as it does in production, and a query count
includes the BEGIN and COMMIT of each transaction.
"""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import DatabaseError, IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imha.audit import services as audit
from imha.audit.models import AuditEvent
from imha.referrals import services
from imha.referrals.models import EmailStatus, OutgoingEmail, PublicSubmission, Referral
from imha.referrals.tasks import send_referral_email
from tests.referrals.test_public_form import REFER, answer_pages, send

pytestmark = pytest.mark.django_db(transaction=True)

LOCMEM_SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"

# What one Send does to the database, in order, leaving out the session (its engine
# depends on the cache in use) and other apps' bookkeeping. A change here is a change in
# the cost of every referral: make it on purpose.
SEND_STATEMENTS = [
    # Sent before? The submission token answers that without loading the referral.
    ("SELECT", "referrals_referral"),
    # The rate limit for this address.
    ("SELECT", "referrals_publicsubmission"),
    # One transaction: the referral, its rate-limit row, audit entry and owed email.
    ("BEGIN", ""),
    ("INSERT", "referrals_publicsubmission"),
    ("SELECT", "hospitals_hospital"),
    ("SELECT", "referrals_referral"),  # possible duplicate: an open referral for the person
    ("SELECT", "cases_case"),  # ... or an open case
    ("INSERT", "referrals_referral"),
    ("INSERT", "audit_auditevent"),
    ("INSERT", "referrals_outgoingemail"),
    ("COMMIT", ""),
    # After the commit: seal the audit entry into the chain...
    ("SELECT", "audit_auditevent"),
    ("BEGIN", ""),
    ("UPDATE", "audit_auditchainhead"),
    ("SELECT", "audit_auditevent"),
    ("UPDATE", "audit_auditevent"),
    ("UPDATE", "audit_auditchainhead"),
    ("COMMIT", ""),
    # ... and queue the email.
    ("INSERT", "django_tasks_database_dbtaskresult"),
]

IGNORED_TABLES = ("django_session", "core_dataversion")


def statement(sql: str) -> tuple[str, str]:
    """An SQL statement as its verb and the first table it names."""
    text = re.sub(r"^\d+ times: ", "", sql.strip())
    verb = text.split(None, 1)[0].upper()
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', text, re.IGNORECASE)
    return verb, table.group(1) if table and verb not in ("BEGIN", "COMMIT") else ""


def test_a_send_makes_only_the_queries_it_needs(client, hospital):
    answer_pages(client, hospital)
    page = client.get(f"{REFER}check-your-answers/")
    token = re.search(r'name="submission_token" value="([^"]+)"', page.content.decode()).group(1)
    # The chain's head row is made by the very first seal; count a Send on a running system.
    audit.seal_pending()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(f"{REFER}check-your-answers/", {"submission_token": token})
    assert response.status_code == 302
    made = [statement(query["sql"]) for query in queries.captured_queries]
    made = [
        (verb, table)
        for verb, table in made
        if not table.startswith(IGNORED_TABLES)
        # Transactions that only saved the session.
        and verb not in ("SAVEPOINT", "RELEASE")
    ]
    # Drop the BEGIN and COMMIT around a session save, which the filter above left bare.
    while made[-2:] == [("BEGIN", ""), ("COMMIT", "")]:
        del made[-2:]
    assert made == SEND_STATEMENTS


def test_after_a_send_the_audit_entry_is_sealed_and_the_chain_verifies(client, hospital):
    answer_pages(client, hospital)
    assert send(client)[0].status_code == 302
    referral = Referral.objects.get()
    entry = AuditEvent.objects.get(object_type="referral", object_id=str(referral.pk))
    assert entry.chain_position is not None
    assert entry.entry_hash == audit.EntryContent.of(entry).digest(entry.previous_hash or "")
    assert list(audit.find_chain_problems()) == []


def test_a_sealed_backlog_and_a_send_make_one_chain(client, hospital):
    """Entries left unsealed (say the sealer was down) are chained by the next Send's seal,
    in id order, before its own entry."""
    waiting = [
        AuditEvent.objects.create(
            occurred_at=timezone.now(), action="view", object_type="case", object_id=str(n)
        )
        for n in range(3)
    ]
    answer_pages(client, hospital)
    send(client)
    assert not AuditEvent.objects.filter(chain_position__isnull=True).exists()
    positions = [AuditEvent.objects.get(pk=event.pk).chain_position for event in waiting]
    assert positions == [1, 2, 3]
    assert list(audit.find_chain_problems()) == []


def test_after_a_send_the_email_survives_a_mail_failure(client, hospital, mailoutbox):
    answer_pages(client, hospital)
    send(client)
    email = OutgoingEmail.objects.get()
    assert DBTaskResult.objects.filter(task_path__endswith="send_referral_email").count() == 1
    with mock.patch(LOCMEM_SEND, side_effect=ConnectionRefusedError("mail server down")):
        assert send_referral_email.call(email.pk) == EmailStatus.PENDING
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING
    assert "mail server down" in email.last_error
    assert Referral.objects.filter(pk=email.referral_id).exists()
    assert send_referral_email.call(email.pk) == EmailStatus.SENT
    assert len(mailoutbox) == 1


def test_a_database_error_rolls_the_whole_send_back(answers, monkeypatch):
    def email_table_down(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(OutgoingEmail.objects, "create", email_table_down)
    with pytest.raises(DatabaseError):
        services.submit_public_referral(
            answers=answers,
            submission_token="6b3f7c1e-0000-4000-8000-000000000002",
            ip_address=None,
        )
    assert not Referral.objects.exists()
    assert not PublicSubmission.objects.exists()
    assert not AuditEvent.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_a_repeated_token_stores_nothing_more_not_even_a_rate_limit_row(answers):
    token = "6b3f7c1e-0000-4000-8000-000000000003"
    first = services.submit_public_referral(
        answers=answers, submission_token=token, ip_address=None
    )
    again = services.submit_public_referral(
        answers=answers, submission_token=token, ip_address=None
    )
    assert first.created and not again.created
    assert again.referral.pk == first.referral.pk
    assert Referral.objects.count() == PublicSubmission.objects.count() == 1
    assert AuditEvent.objects.count() == OutgoingEmail.objects.count() == 1
    assert services.reference_sent_with(token) == first.referral.reference


def test_a_reference_already_taken_is_replaced_not_lost(answers, monkeypatch):
    taken = services.submit_public_referral(
        answers=answers, submission_token="6b3f7c1e-0000-4000-8000-000000000004", ip_address=None
    ).referral.reference
    choices = iter([taken, "RTEST-2345"])
    monkeypatch.setattr(services, "random_reference", lambda: next(choices))
    second = services.submit_public_referral(
        answers=answers, submission_token="6b3f7c1e-0000-4000-8000-000000000005", ip_address=None
    )
    assert second.created
    assert second.referral.reference == "RTEST-2345"
    # The failed first try kept nothing.
    assert Referral.objects.count() == PublicSubmission.objects.count() == 2
    assert AuditEvent.objects.count() == OutgoingEmail.objects.count() == 2


def test_a_clash_that_keeps_happening_is_an_error_not_a_loop(answers, monkeypatch):
    taken = services.submit_public_referral(
        answers=answers, submission_token="6b3f7c1e-0000-4000-8000-000000000006", ip_address=None
    ).referral.reference
    monkeypatch.setattr(services, "random_reference", lambda: taken)
    with pytest.raises(IntegrityError):
        services.submit_public_referral(
            answers=answers,
            submission_token="6b3f7c1e-0000-4000-8000-000000000007",
            ip_address=None,
        )
    assert Referral.objects.count() == PublicSubmission.objects.count() == 1
