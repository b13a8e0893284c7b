from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imha.cases import stored_deadlines


class Command(BaseCommand):
    help = (
        "Work out again the statutory dates stored for caseloads, from each open or on-hold "
        "case's current legal status. Run it after any change to the rules engine (imha/law), "
        "and daily with --only-expiring. Safe to run at any time, and twice at once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only-expiring",
            action="store_true",
            help=(
                "Only cases whose stored dates end within "
                f"{stored_deadlines.EXPIRING_WITHIN_DAYS} days, or that have none."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cases, rows = stored_deadlines.rebuild_all(only_expiring=options["only_expiring"])
        self.stdout.write(f"Statutory dates stored again for {cases} cases ({rows} dates).")
