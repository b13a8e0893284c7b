from __future__ import annotations

from typing import Any

from imha.core.scheduled import ScheduledJobCommand
from imha.referrals import services
from imha.referrals.tasks import sweep_referral_clock


class Command(ScheduledJobCommand):
    task = sweep_referral_clock
    job_name = "the sweep"
    help = (
        "Alert managers once about each referral past its response deadline, and queue "
        "again any email whose send was lost. Run every few minutes from cron or a "
        "systemd timer; running it more often does no harm."
    )

    def run_here(self, **options: Any) -> None:
        outcome = services.sweep()
        self.stdout.write(
            f"Late referrals alerted: {outcome.breaches_alerted}. "
            f"Emails queued again: {outcome.emails_requeued}. "
            f"Old submission records removed: {outcome.submissions_pruned}."
        )
