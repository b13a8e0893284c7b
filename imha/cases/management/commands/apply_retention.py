from __future__ import annotations

from typing import Any

from imha.cases import retention
from imha.cases.tasks import apply_retention_task
from imha.core.scheduled import ScheduledJobCommand


class Command(ScheduledJobCommand):
    task = apply_retention_task
    job_name = "the retention run"
    help = (
        "Anonymise clients whose cases have all been closed for longer than "
        "IMHA_CASE_RETENTION_DAYS (default 6 years). Safe to run repeatedly; run daily."
    )

    def run_here(self, **options: Any) -> None:
        outcome = retention.apply_retention()
        self.stdout.write(
            f"Clients anonymised: {outcome.anonymised} "
            f"(retention period {outcome.retention_days} days after the last case closed)."
        )
