"""The shape shared by every command that cron or a systemd timer runs.

Each can do its work in the command's own process, or, with --enqueue, hand it to a task
worker: a deployment whose cron host cannot reach the mail server, say, still runs the job
where the worker can.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.core.management.base import BaseCommand, CommandParser
from django.tasks import Task


class ScheduledJobCommand(BaseCommand):
    # The task that does the same work on a worker, and how the job is named in messages
    # ("the sweep", "the retention run").
    task: ClassVar[Task[Any, Any]]
    job_name: ClassVar[str]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help=f"Put {self.job_name} on the task queue for a worker, instead of running it here.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            result = self.task.enqueue()
            self.stdout.write(f"Queued {self.job_name} as task {result.id}.")
            return
        self.run_here(**options)

    def run_here(self, **options: Any) -> None:
        raise NotImplementedError
