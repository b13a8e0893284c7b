"""The audit log: who did what to which record, when and from where.

Rows are only ever added. Each row is then sealed into a hash chain: it gets a place in the
chain and a SHA-256 hash of its own content and of the row before it, so changing or removing
any sealed row breaks the chain from that point on, which `manage.py verify_audit` detects.
Sealing happens straight after the writing transaction commits, in batches (see
`imha.audit.services`), so busy requests never wait on each other for the chain.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AuditAction(models.TextChoices):
    VIEW = "view", "Viewed"
    CREATE = "create", "Created"
    UPDATE = "update", "Changed"
    DELETE = "delete", "Deleted"
    EXPORT = "export", "Exported"
    # Two client records found to be the same person made one (imha.cases.services).
    MERGE = "merge", "Merged"
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Failed sign-in"
    SIGN_OUT = "sign_out", "Signed out"


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an audit row."""


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(db_index=True)
    # The actor is kept as plain values, not only a foreign key, so the log still says who
    # acted after an account is deleted or renamed.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_constraint=False,
        related_name="+",
    )
    actor_username = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=20, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(max_length=60, db_index=True)
    object_id = models.CharField(max_length=64, blank=True, db_index=True)
    # A short description without health details: the log is read more widely than records.
    summary = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Empty until the entry is sealed; then set once and never changed (on PostgreSQL a
    # trigger enforces that, see migrations 0002 and 0003). NULL rather than "" means "not
    # sealed yet", and lets many unsealed entries share the unique entry_hash column.
    chain_position = models.BigIntegerField(null=True, blank=True, unique=True)
    previous_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    entry_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "occurred_at"]),
            # The access log's commonest question: what has this person been looking at?
            models.Index(fields=["actor_username", "occurred_at"], name="audit_event_by_actor"),
            # The sealer looks for unsealed entries on every audited request; this index holds
            # only those few rows, whatever the size of the log.
            models.Index(
                fields=["id"],
                condition=models.Q(chain_position__isnull=True),
                name="audit_event_unsealed",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.occurred_at:%Y-%m-%d %H:%M}"
        return f"{when} {self.actor_username} {self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    @property
    def kind_label(self) -> str:
        """The kind of record in plain words, or its stored name for kinds not listed."""
        from imha.audit.selectors import RECORD_KINDS

        return RECORD_KINDS.get(self.object_type, self.object_type)


class AuditChainHead(models.Model):
    """A single row holding the newest hash and chain position.

    The sealer locks this row while it chains a batch, so two sealers cannot both chain onto
    the same predecessor and fork the log. Writers of entries never touch it.
    """

    last_hash = models.CharField(max_length=64)
    last_position = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return self.last_hash
