"""The text of the emails a referral causes.

Emails leave the service's systems and may be read on shared devices, so they never
contain health details: not the person's name, where they are, or their section. The
acknowledgement carries only the reference number and when we will reply.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from imha.referrals.models import EmailKind, OutgoingEmail

TEMPLATES = {
    EmailKind.ACKNOWLEDGEMENT: "referrals/email/acknowledgement",
    EmailKind.BREACH_ALERT: "referrals/email/breach_alert",
}


def build_message(email: OutgoingEmail) -> EmailMessage:
    referral = email.referral
    # Staff links need the site's address; without IMHA_SITE_URL the path alone still tells
    # a manager where to look once signed in.
    site_url = str(getattr(settings, "IMHA_SITE_URL", "")).rstrip("/")
    context = {
        "referral": referral,
        "service": settings.IMHA_SERVICE,
        "due_at": timezone.localtime(referral.respond_by),
        "referral_url": site_url + reverse("referrals:detail", args=[referral.reference]),
    }
    template = TEMPLATES[EmailKind(email.kind)]
    subject = render_to_string(f"{template}_subject.txt", context).strip()
    body = render_to_string(f"{template}.txt", context)
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.recipient],
    )
