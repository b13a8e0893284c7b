"""Where referrals meet the Mental Health Act rules engine (imha.law).

Everything the engine decides about a referral (its deadline, whether the person seems to
qualify, whether the referrer is one the service must act on) is worked out here, from the
service's settings, so views and services never hard-code a rule.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from imha.cases.models import age_on as age_in_years
from imha.law import (
    Circumstances,
    Decision,
    Jurisdiction,
    Referrer,
    ResponseDue,
    Treatment,
    UnknownSectionError,
    assess,
    lookup,
    respond_by,
)
from imha.law.serialise import decision_as_dict
from imha.referrals.models import LegalStatusAnswer, ReferrerType, TreatmentAnswer

# The referrer types on our form that match a referrer the Act names. "Other professional"
# and "someone else" could be anyone, so they never count on their own.
LAW_REFERRER_FOR = {
    ReferrerType.SELF: Referrer.PATIENT,
    ReferrerType.NEAREST_RELATIVE: Referrer.NEAREST_RELATIVE,
    ReferrerType.RESPONSIBLE_CLINICIAN: Referrer.RESPONSIBLE_CLINICIAN,
    ReferrerType.AMHP: Referrer.AMHP,
}


def service_jurisdiction() -> Jurisdiction:
    return Jurisdiction.parse(str(settings.IMHA_SERVICE["jurisdiction"]))


def response_working_days() -> int:
    days = settings.IMHA_SERVICE["response_working_days"]
    if not isinstance(days, int):
        raise ImproperlyConfigured("IMHA_SERVICE['response_working_days'] must be a whole number")
    return days


def response_clock(received_at: datetime) -> ResponseDue:
    """When a referral received at `received_at` must be answered.

    The engine applies the counting rule: after 5pm, at a weekend or on a bank holiday, the
    clock starts on the next working day.
    """
    return respond_by(
        received_at,
        working_days=response_working_days(),
        region=service_jurisdiction(),
    )


def resolve_legal_status(answer: str, other_text: str) -> str:
    """The engine's code for what the referrer told us, or "" when it is not known.

    A section we cannot recognise is kept as typed (for staff to read) and treated as
    unknown, because the public form must never turn a referral away as unclear.
    """
    if answer == LegalStatusAnswer.DONT_KNOW:
        return ""
    if answer == LegalStatusAnswer.OTHER:
        if not other_text.strip():
            return ""
        try:
            return lookup(other_text).code
        except UnknownSectionError:
            return ""
    return lookup(answer).code


def age_on(date_of_birth: date | None, day: date) -> int | None:
    if date_of_birth is None:
        return None
    age = age_in_years(date_of_birth, day)
    # A mistyped birth date must not stop the referral; the engine just gets no age.
    return age if 0 <= age <= 130 else None


# The engine's treatment for each answer to "are doctors considering one of these
# treatments?". "Neither", "I do not know" and no answer all mean no treatment route.
ENGINE_TREATMENT_FOR: dict[str, Treatment] = {
    TreatmentAnswer.S57: Treatment.S57,
    TreatmentAnswer.ECT: Treatment.S58A,
}


def engine_treatment(answer: str) -> Treatment | None:
    # A value that is not a choice at all is caught by the model's own checks on saving.
    return ENGINE_TREATMENT_FOR.get(answer)


def assess_eligibility(
    *,
    legal_status_code: str,
    date_of_birth: date | None,
    in_hospital: bool | None,
    on: date,
    treatment: str = "",
) -> Decision:
    """What the engine says about a referral. `treatment` is a `TreatmentAnswer` value, or
    "" when the question was not asked (the engine only uses it for people not detained)."""
    return assess(
        Circumstances(
            jurisdiction=service_jurisdiction(),
            status=legal_status_code or None,
            age=age_on(date_of_birth, on),
            treatment_under_consideration=engine_treatment(treatment),
            in_hospital=in_hospital,
        )
    )


def eligibility_snapshot(decision: Decision) -> dict[str, Any]:
    return decision_as_dict(decision)


def referrer_is_statutory(referrer_type: str, decision: Decision) -> bool:
    """True when the Act obliges the service to act on a request from this referrer."""
    law_referrer = LAW_REFERRER_FOR.get(ReferrerType(referrer_type))
    return law_referrer is not None and any(
        right.referrer is law_referrer for right in decision.referrers
    )
