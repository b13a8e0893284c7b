"""Background work for case work, run by `manage.py db_worker`.

Django's task framework has no scheduler: `manage.py apply_retention --enqueue` from cron
or a systemd timer puts the run on the queue (see README in this folder).
"""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from imha.cases import retention


@task
def apply_retention_task() -> dict[str, int]:
    """Anonymise every client whose cases have all been closed past the retention period."""
    return asdict(retention.apply_retention())
