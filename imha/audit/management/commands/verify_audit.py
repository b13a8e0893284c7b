from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imha.audit.models import AuditEvent
from imha.audit.selectors import unsealed_entry_count
from imha.audit.services import find_chain_problems, seal_pending


class Command(BaseCommand):
    help = (
        "Seal any audit entries not yet chained, then check the hash chain and report any "
        "entry that was changed or removed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--no-seal",
            action="store_true",
            help="Check only what is already sealed; leave newer entries for the application.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Entries are normally sealed within moments of being written; any left over (the
        # application stopped between commit and seal, say) are sealed first so that the
        # check covers the whole log.
        if not options["no_seal"]:
            sealed = seal_pending()
            if sealed:
                self.stdout.write(f"Sealed {sealed} entries that were not yet in the chain.")
        problems = list(find_chain_problems())
        if problems:
            for problem in problems:
                self.stderr.write(f"Audit entry {problem.event_id}: {problem.reason}")
            raise CommandError(f"The audit log has been tampered with ({len(problems)} problems).")
        checked = AuditEvent.objects.filter(chain_position__isnull=False).count()
        unsealed = unsealed_entry_count()
        message = f"Audit log intact: {checked} entries checked."
        if unsealed:
            message += f" {unsealed} newer entries are not yet sealed."
        self.stdout.write(message)
