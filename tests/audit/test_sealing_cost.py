"""The sealer's hand-written SQL stays in step with the models, and sealing stays cheap."""

from __future__ import annotations

import pytest

from imha.audit import services as audit
from imha.audit.models import AuditAction, AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


def test_the_written_out_sql_names_the_models_tables():
    for sql in (audit.WAITING_SQL, audit.SEAL_SQL):
        assert f" {AuditEvent._meta.db_table} " in sql
    for sql in (audit.LOCK_HEAD_SQL, audit.MOVE_HEAD_SQL):
        assert f" {AuditChainHead._meta.db_table} " in sql


def test_sealing_one_entry_takes_five_statements(django_assert_num_queries):
    audit.seal_pending()  # the chain head exists on any running system
    event = audit.record(actor=None, action=AuditAction.VIEW, object_type="case")
    # Look; lock and read the head; read what waits; seal it; move the head. (Inside the
    # test's transaction the atomic block is a savepoint, which adds two more.)
    with django_assert_num_queries(7):
        audit.seal_after_commit(event.pk)
    sealed = AuditEvent.objects.get(pk=event.pk)
    assert sealed.chain_position == 1
    assert AuditChainHead.objects.get().last_hash == sealed.entry_hash
    assert list(audit.find_chain_problems()) == []


def test_the_first_seal_ever_makes_the_chain_head():
    assert not AuditChainHead.objects.exists()
    audit.record(actor=None, action=AuditAction.VIEW, object_type="case")
    assert audit.seal_pending() == 1
    head = AuditChainHead.objects.get()
    assert head.last_position == 1
    assert list(audit.find_chain_problems()) == []
