from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imha.cases import retention
from imha.cases.tasks import apply_retention_task


class Command(BaseCommand):
    help = (
        "Anonymise clients whose cases have all been closed for longer than "
        "IMHA_CASE_RETENTION_DAYS (default 6 years). Safe to run repeatedly; run daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put the run on the task queue for a worker, instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = apply_retention_task.enqueue()
            self.stdout.write(f"Queued the retention run as task {result.id}.")
            return
        outcome = retention.apply_retention()
        self.stdout.write(
            f"Clients anonymised: {outcome.anonymised} "
            f"(retention period {outcome.retention_days} days after the last case closed)."
        )
