from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from imha.audit.models import AuditEvent
from imha.audit.services import find_chain_problems


class Command(BaseCommand):
    help = "Check the audit log's hash chain and report any entry that was changed or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = list(find_chain_problems())
        if problems:
            for problem in problems:
                self.stderr.write(f"Audit entry {problem.event_id}: {problem.reason}")
            raise CommandError(f"The audit log has been tampered with ({len(problems)} problems).")
        self.stdout.write(f"Audit log intact: {AuditEvent.objects.count()} entries checked.")
