from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from imha.core.scheduled import ScheduledJobCommand
from imha.hospitals import services
from imha.hospitals.tasks import send_reminder_digests


class Command(ScheduledJobCommand):
    task = send_reminder_digests
    job_name = "the reminder summaries"
    help = (
        "Email each hospital's active users how many patients on each ward are overdue or "
        "due to be told about IMHAs, with a link to the dashboard (no patient details). Run "
        "once a day from cron or a systemd timer; each hospital gets at most one a day, so "
        "running it again does no harm."
    )

    def run_here(self, **options: Any) -> None:
        outcomes = services.send_reminder_digests()
        self.stdout.write(
            f"Reminder summaries sent: {outcomes['sent']}. "
            f"Could not be sent: {outcomes['failed']}. "
            f"Already sent today: {outcomes['already_sent']}. "
            f"Nothing due: {outcomes['nothing_due']}. "
            f"No hospital users with an email address: {outcomes['no_recipients']}. "
            f"Switched off: {outcomes['switched_off']}."
        )
        if outcomes["failed"]:
            # A non-zero exit makes cron or systemd report it; the log has the mail error.
            raise CommandError(f"{outcomes['failed']} reminder summaries could not be sent.")
