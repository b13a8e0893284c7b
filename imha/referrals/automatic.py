"""Automatic (opt-out) referrals from hospitals.

Where a hospital has switched automatic referral on, recording a qualifying patient who has
not said no sends `imha.hospitals.signals.automatic_referral_requested`. This module turns
that into a referral, so the service offers the person a visit without waiting for anyone
to ask: the model the 2025 reforms move towards.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from imha.hospitals.models import QualifyingNotice
from imha.referrals.models import (
    Channel,
    Consent,
    ContactMethod,
    HelpTopic,
    LegalStatusAnswer,
    Referral,
    ReferrerType,
)
from imha.referrals.services import Submission, create_referral

# Fixed, so the token for a notice is the same every time: the referral's unique submission
# token then makes a repeated signal store nothing new.
NOTICE_TOKEN_NAMESPACE = uuid.UUID("3f1d7c1e-7b0a-4f55-9a35-2f6f0d8c4b21")


def submission_token_for(notice: QualifyingNotice) -> uuid.UUID:
    return uuid.uuid5(NOTICE_TOKEN_NAMESPACE, f"qualifying-notice:{notice.pk}")


def split_name(full_name: str) -> tuple[str, str]:
    """First and last name from the single name field a hospital records.

    Everything before the last word is taken as the first name(s); staff can correct it
    when they speak to the person.
    """
    words = full_name.split()
    if len(words) < 2:
        return (words[0] if words else "Unknown", "Not given")
    return " ".join(words[:-1]), words[-1]


def create_automatic_referral(*, notice: QualifyingNotice) -> Submission:
    token = submission_token_for(notice)
    existing = Referral.objects.filter(submission_token=token).first()
    if existing is not None:
        return Submission(existing, created=False)
    first_name, last_name = split_name(notice.patient_name)
    fields: dict[str, Any] = {
        "referrer_type": ReferrerType.OTHER_PROFESSIONAL,
        "referrer_name": "Mental Health Act office",
        "referrer_role": "Hospital managers (automatic referral)",
        "referrer_organisation": notice.hospital.name,
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": notice.date_of_birth,
        "nhs_number": notice.nhs_number,
        "hospital": notice.hospital,
        "ward": notice.ward.name,
        "legal_status_answer": LegalStatusAnswer.OTHER,
        "legal_status_other": notice.status,
        "help_with": [HelpTopic.RIGHTS],
        # Opt-out: the person was told and did not say no, which is not the same as asking.
        "consent": Consent.NOT_YET,
        "contact_method": ContactMethod.WARD,
        "more_information": (
            f"Automatic referral: {notice.hospital.name} recorded this person as qualifying "
            "for an IMHA and they did not opt out. Offer a visit."
        ),
    }
    try:
        with transaction.atomic():
            referral = create_referral(
                fields=fields,
                channel=Channel.AUTOMATIC,
                received_at=notice.automatic_referral_requested_at or timezone.now(),
                submission_token=str(token),
            )
    except IntegrityError:
        # The same notice arrived twice at once; the other delivery stored it.
        return Submission(Referral.objects.get(submission_token=token), created=False)
    return Submission(referral, created=True)


def on_automatic_referral_requested(
    sender: type[QualifyingNotice], notice: QualifyingNotice, **kwargs: Any
) -> None:
    create_automatic_referral(notice=notice)
