"""Fictional referrals for the demo, one in each state the inbox shows, and one that
qualifies only through the treatment being considered.

`load_demo_referrals()` is meant to run after the demo hospitals and logins exist (see
imha.core.demo). It goes through the real services, so deadlines, eligibility, flags and
audit entries are exactly what real use produces. References are fixed and use the
characters 0 and 1, which real references never contain, so running it twice changes
nothing and demo references can never clash with real ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.hospitals.models import Hospital
from imha.referrals import services
from imha.referrals.forms import SOMEWHERE_ELSE
from imha.referrals.models import Channel, Referral, ReferralStatus


@dataclass(frozen=True)
class DemoReferral:
    reference: str
    answers: dict[str, Any]
    hours_ago: int
    channel: str = Channel.ONLINE
    outcome: str = ReferralStatus.NEW
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    # For a person whose age matters: their birth date is worked out when the demo is
    # loaded, so they are this age however long after this file was written it runs.
    age_in_years: int | None = None


BASE_ANSWERS: dict[str, Any] = {
    "referrer_type": "self",
    "first_name": "Alex",
    "last_name": "Example",
    "date_of_birth": "1985-04-01",
    "location": "fictional-moor",
    "ward": "Oak Ward",
    "legal_status_answer": "s3",
    "help_with": ["rights", "ward_round"],
    "communication_needs": [],
    "consent": "yes",
    "contact_method": "ward",
    "safe_to_leave_message": "no",
}

PROFESSIONAL = {
    "referrer_phone": "01632 960 100",
    "referrer_organisation": "Exampleshire NHS Foundation Trust (fictional)",
}

DEMO_REFERRALS = [
    DemoReferral("RDEMO-0001", {}, hours_ago=2),
    DemoReferral(
        "RDEMO-0002",
        {
            "referrer_type": "amhp",
            "referrer_name": "Pat Placeholder",
            "referrer_role": "Approved mental health professional",
            "referrer_email": "pat.placeholder@example.org",
            "first_name": "Sam",
            "last_name": "Sample",
            "date_of_birth": "1972-11-15",
            "location": "imaginary-vale",
            "ward": "Birch Ward",
            "legal_status_answer": "s2",
            "help_with": ["tribunal"],
            **PROFESSIONAL,
        },
        hours_ago=24 * 8,
        channel=Channel.PHONE,
    ),
    DemoReferral(
        "RDEMO-0003",
        {
            "referrer_type": "other_professional",
            "referrer_name": "Lee Lorem",
            "referrer_role": "Community psychiatric nurse",
            "first_name": "Jo",
            "last_name": "Placeholder",
            "date_of_birth": "",
            "location": SOMEWHERE_ELSE,
            "location_details": "At home in Exampletown",
            "legal_status_answer": "dont_know",
            "communication_needs": ["interpreter"],
            "interpreter_language": "Welsh",
            **PROFESSIONAL,
        },
        hours_ago=20,
        channel=Channel.EMAIL,
        outcome=ReferralStatus.AWAITING_RESPONSE,
    ),
    DemoReferral(
        "RDEMO-0004",
        {
            "referrer_type": "nearest_relative",
            "referrer_name": "Chris Demo",
            "referrer_role": "Father",
            "referrer_phone": "01632 960 200",
            "first_name": "Casey",
            "last_name": "Demo",
            "date_of_birth": "1999-07-30",
            "legal_status_answer": "s37/41",
            "help_with": ["managers_hearing"],
        },
        hours_ago=30,
        outcome=ReferralStatus.RESPONDED,
    ),
    DemoReferral(
        "RDEMO-0005",
        {
            "referrer_type": "responsible_clinician",
            "referrer_name": "Dr Rowan Fakename",
            "referrer_role": "Consultant psychiatrist",
            "first_name": "Taylor",
            "last_name": "Test",
            "date_of_birth": "1990-02-14",
            "legal_status_answer": "s17a",
            "help_with": ["cpa_review"],
            **PROFESSIONAL,
        },
        hours_ago=24 * 4,
        channel=Channel.PHONE,
        outcome=ReferralStatus.ACCEPTED,
    ),
    DemoReferral(
        "RDEMO-0006",
        {
            "referrer_type": "nearest_relative",
            "referrer_name": "Jordan Example",
            "referrer_role": "Sister",
            "referrer_phone": "01632 960 300",
        },
        hours_ago=1,
    ),
    DemoReferral(
        "RDEMO-0007",
        {
            "referrer_type": "other",
            "referrer_name": "Frankie Friend",
            "referrer_role": "Friend",
            "referrer_phone": "01632 960 400",
            "first_name": "Morgan",
            "last_name": "Madeup",
            "date_of_birth": "1968-09-09",
            "legal_status_answer": "informal",
        },
        hours_ago=24 * 6,
        outcome=ReferralStatus.DECLINED,
        reason="Lives outside Exampleshire; passed to their local advocacy service.",
    ),
    # An informal patient who qualifies only because ECT is being considered and they are
    # under 18 (s130C(3)), so the demo shows that route.
    DemoReferral(
        "RDEMO-0008",
        {
            "referrer_type": "other_professional",
            "referrer_name": "Ash Imaginary",
            "referrer_role": "Ward nurse",
            "first_name": "Riley",
            "last_name": "Pretend",
            "ward": "Elm Ward (young people)",
            "legal_status_answer": "informal",
            "treatment_considered": "ect",
            "help_with": ["treatment"],
            **PROFESSIONAL,
        },
        hours_ago=5,
        age_in_years=16,
    ),
]


def demo_staff() -> User | None:
    return (
        User.objects.filter(role__in=[Role.INTAKE, Role.MANAGER], is_active=True)
        .order_by("role", "pk")
        .first()
    )


@transaction.atomic
def load_demo_referrals() -> list[str]:
    """Create any demo referrals that are missing; return the references created."""
    hospitals = dict(Hospital.objects.values_list("code", "pk"))
    staff = demo_staff()
    created = []
    now = timezone.now()
    for demo in DEMO_REFERRALS:
        if Referral.objects.filter(reference=demo.reference).exists():
            continue
        answers = {**BASE_ANSWERS, **demo.answers}
        code = answers["location"]
        answers["location"] = str(hospitals[code]) if code in hospitals else SOMEWHERE_ELSE
        received_at = now - timedelta(hours=demo.hours_ago)
        if demo.age_in_years is not None:
            answers["date_of_birth"] = birth_date_for_age(
                demo.age_in_years, timezone.localdate(received_at)
            ).isoformat()
        referral = services.create_referral(
            fields=services.referral_fields_from_answers(answers),
            channel=demo.channel,
            received_at=received_at,
            recorded_by=staff if demo.channel != Channel.ONLINE else None,
            reference=demo.reference,
        )
        if staff is not None:
            apply_outcome(referral, demo, staff)
        created.append(demo.reference)
    return created


def birth_date_for_age(age: int, on: date) -> date:
    """A birth date that makes someone `age` on `on`, with their birthday well away from it."""
    birthday_passed = on - timedelta(days=100)
    try:
        return birthday_passed.replace(year=birthday_passed.year - age)
    except ValueError:  # 29 February in a year without one
        return birthday_passed.replace(year=birthday_passed.year - age, day=28)


def apply_outcome(referral: Referral, demo: DemoReferral, staff: User) -> None:
    if demo.outcome == ReferralStatus.AWAITING_RESPONSE:
        services.pick_up_referral(referral=referral, actor=staff, request=None)
    elif demo.outcome == ReferralStatus.RESPONDED:
        services.record_response(
            referral=referral,
            actor=staff,
            method="phone",
            note="Called the referrer; visit arranged.",
            request=None,
        )
    elif demo.outcome == ReferralStatus.ACCEPTED:
        services.accept_referral(referral=referral, actor=staff, response_method="phone")
    elif demo.outcome == ReferralStatus.DECLINED:
        services.decline_referral(
            referral=referral, actor=staff, reason=demo.reason, response_method="phone"
        )
