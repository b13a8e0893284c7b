"""Background work for hospitals, run by `manage.py db_worker`.

Django's task framework has no scheduler, so the daily summary is started by
`manage.py send_reminder_digests` from cron or a systemd timer (see README in this folder).
"""

from __future__ import annotations

from django.tasks import task

from imha.hospitals import services


@task
def send_reminder_digests() -> dict[str, int]:
    """Email each hospital's users today's summary of patients to tell or remind."""
    return services.send_reminder_digests()
