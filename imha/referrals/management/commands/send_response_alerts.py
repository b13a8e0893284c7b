from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imha.referrals import services
from imha.referrals.tasks import sweep_referral_clock


class Command(BaseCommand):
    help = (
        "Alert managers once about each referral past its response deadline, and queue "
        "again any email whose send was lost. Run every few minutes from cron or a "
        "systemd timer; running it more often does no harm."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put the sweep on the task queue for a worker, instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = sweep_referral_clock.enqueue()
            self.stdout.write(f"Queued the sweep as task {result.id}.")
            return
        outcome = services.sweep()
        self.stdout.write(
            f"Late referrals alerted: {outcome.breaches_alerted}. "
            f"Emails queued again: {outcome.emails_requeued}. "
            f"Old submission records removed: {outcome.submissions_pruned}."
        )
