"""The text of the daily reminder summary emailed to a hospital's users.

Email leaves the service's systems and may be read on shared screens, so the summary says
only how many patients on each ward need telling or reminding, and links to the signed-in
dashboard that shows who they are. It never names a patient or gives a status, date of birth
or any other detail of one.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse

from imha.hospitals.models import Hospital
from imha.hospitals.selectors import WardActions

TEMPLATE = "hospitals/email/reminder_digest"


def reminder_digest_messages(
    hospital: Hospital, wards: list[WardActions], day: date, recipients: list[str]
) -> list[EmailMessage]:
    """One message per recipient, so no one sees who else receives it."""
    # Without IMHA_SITE_URL the path alone still tells a signed-in user where to look.
    site_url = str(getattr(settings, "IMHA_SITE_URL", "")).rstrip("/")
    context = {
        "hospital": hospital,
        "wards": wards,
        "day": day,
        "service": settings.IMHA_SERVICE,
        "dashboard_url": site_url + reverse("hospitals:dashboard"),
    }
    subject = " ".join(render_to_string(f"{TEMPLATE}_subject.txt", context).split())
    body = render_to_string(f"{TEMPLATE}.txt", context)
    return [
        EmailMessage(
            subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[recipient]
        )
        for recipient in recipients
    ]
