"""Background work for referrals, run by `manage.py db_worker`.

Django's task framework has no scheduler, so the regular sweep is started by
`manage.py send_response_alerts` from cron or a systemd timer (see README in this folder).
"""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from imha.referrals import services


@task
def send_referral_email(email_id: int) -> str:
    """Send one owed email; a failure schedules its own retry."""
    return services.send_outgoing_email(email_id)


@task
def sweep_referral_clock() -> dict[str, int]:
    """Alert managers about late referrals and requeue emails whose task was lost."""
    return asdict(services.sweep())
