"""Who is entitled to an Independent Mental Health Advocate (IMHA).

England: MHA 1983 ss130A-130D (inserted by the Mental Health Act 2007).
Wales: MHA 1983 ss130E-130L (inserted by Part 4 of the Mental Health (Wales)
Measure 2010).  The rules are applied to the facts given; where a fact that
matters is missing the decision says so ("unclear") rather than guessing,
because the public referral form must never turn someone away on a technicality.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import Enum

from .errors import LawInputError
from .jurisdiction import Jurisdiction
from .sections import LegalBasis, Part, Section, lookup


class Category(Enum):
    DETAINED = "detained"
    CTO = "cto"
    GUARDIANSHIP = "guardianship"
    CONDITIONALLY_DISCHARGED = "conditionally_discharged"
    # England s130C(3): anyone not otherwise qualifying (informal patients, but
    # also people on the excluded short-term powers) who discusses s57 or, if
    # under 18, s58A treatment.
    INFORMAL_S57 = "informal_s57"
    INFORMAL_UNDER18_S58A = "informal_under18_s58a"
    WALES_COMPULSORY = "wales_compulsory"
    WALES_INFORMAL = "wales_informal"
    NOT_QUALIFYING = "not_qualifying"
    UNCLEAR = "unclear"


class Treatment(Enum):
    """Treatments whose proposal matters for eligibility."""

    # s57: neurosurgery for mental disorder and surgical hormone implants.
    S57 = "s57"
    # s58A: electroconvulsive therapy (ECT).
    S58A = "s58a"
    # s58: medication after three months; listed so callers can say so, but it
    # does not by itself make an informal patient eligible.
    S58 = "s58"

    @classmethod
    def parse(cls, value: str | Treatment | None) -> Treatment | None:
        if value is None or isinstance(value, Treatment):
            return value
        if not isinstance(value, str):
            raise LawInputError("treatment_under_consideration", "must be a string or null")
        key = value.strip().lower().replace(" ", "").replace("section", "s")
        if key in {"", "none"}:
            return None
        found = _TREATMENT_ALIASES.get(key)
        if found is None:
            raise LawInputError(
                "treatment_under_consideration",
                f"{value!r} is not recognised; use 's57', 's58a', 'ect', 's58' or null",
            )
        return found


_TREATMENT_ALIASES = {
    "s57": Treatment.S57,
    "57": Treatment.S57,
    "psychosurgery": Treatment.S57,
    "neurosurgery": Treatment.S57,
    "s58a": Treatment.S58A,
    "58a": Treatment.S58A,
    "ect": Treatment.S58A,
    "s58": Treatment.S58,
    "58": Treatment.S58,
    "medication": Treatment.S58,
}

# Values the public form sends when the person does not know the section.
UNKNOWN_STATUS_VALUES = frozenset(
    {"", "unknown", "dont_know", "don't know", "dont know", "not_sure", "not sure", "unsure"}
)


@dataclass(frozen=True)
class Circumstances:
    """The facts eligibility depends on.

    `status` is any spelling the sections catalogue accepts, or None /
    "dont_know" when the person does not know.  `in_hospital` matters only for
    informal patients in Wales.  `second_recommendation_received` matters only
    for s4.
    """

    jurisdiction: Jurisdiction
    status: str | None
    age: int | None = None
    treatment_under_consideration: Treatment | None = None
    in_hospital: bool | None = None
    second_recommendation_received: bool = False


class Referrer(Enum):
    PATIENT = "patient"
    NEAREST_RELATIVE = "nearest_relative"
    RESPONSIBLE_CLINICIAN = "responsible_clinician"
    AMHP = "approved_mental_health_professional"
    SOCIAL_WORKER = "social_worker"
    HOSPITAL_MANAGERS = "hospital_managers"
    ATTORNEY_OR_DEPUTY = "attorney_or_deputy"
    CARER = "carer"


@dataclass(frozen=True)
class ReferrerRight:
    """Someone whose request for the advocate to visit the service must act on."""

    referrer: Referrer
    description: str
    source: str


@dataclass(frozen=True)
class DutyToInform:
    """Who must tell the patient about the advocacy service, and when."""

    holder: str
    when: str
    how: str
    nearest_relative_copy: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    jurisdiction: Jurisdiction
    status: str | None
    qualifies: bool
    category: Category
    reasons: tuple[str, ...]
    duty_to_inform: DutyToInform | None
    referrers: tuple[ReferrerRight, ...]
    sources: tuple[str, ...] = field(default=())


# --- who may ask for a visit -------------------------------------------------

_ENGLAND_REFERRERS = (
    ReferrerRight(
        Referrer.PATIENT,
        "The patient can ask for help themselves at any time, and can also say no to it.",
        "MHA 1983 s130A(1), s130B(6); Code of Practice (England) 2015 ch 6",
    ),
    ReferrerRight(
        Referrer.NEAREST_RELATIVE,
        "The advocate must act on a reasonable request from the nearest relative to visit "
        "and interview the patient.",
        "MHA 1983 s130B(5)(a)",
    ),
    ReferrerRight(
        Referrer.RESPONSIBLE_CLINICIAN,
        "The advocate must act on a reasonable request from the responsible clinician to "
        "visit and interview the patient.",
        "MHA 1983 s130B(5)(b)",
    ),
    ReferrerRight(
        Referrer.AMHP,
        "The advocate must act on a reasonable request from an approved mental health "
        "professional to visit and interview the patient.",
        "MHA 1983 s130B(5)(c)",
    ),
)

_WALES_SOURCE = (
    "MHA 1983 s130H (inserted by Mental Health (Wales) Measure 2010 s34); "
    "Explanatory Notes to the Measure paras 61-62"
)

_WALES_COMPULSORY_REFERRERS = (
    ReferrerRight(Referrer.PATIENT, "The patient.", _WALES_SOURCE),
    ReferrerRight(Referrer.NEAREST_RELATIVE, "The patient's nearest relative.", _WALES_SOURCE),
    ReferrerRight(Referrer.RESPONSIBLE_CLINICIAN, "The responsible clinician.", _WALES_SOURCE),
    ReferrerRight(Referrer.AMHP, "An approved mental health professional.", _WALES_SOURCE),
    ReferrerRight(
        Referrer.SOCIAL_WORKER,
        "A social worker professionally concerned with the patient.",
        _WALES_SOURCE,
    ),
    ReferrerRight(
        Referrer.HOSPITAL_MANAGERS,
        "The hospital managers, or someone they have authorised.",
        _WALES_SOURCE,
    ),
    ReferrerRight(
        Referrer.ATTORNEY_OR_DEPUTY,
        "An attorney under a lasting power of attorney, or a deputy, acting for the patient.",
        _WALES_SOURCE,
    ),
)

_WALES_INFORMAL_REFERRERS = (
    ReferrerRight(Referrer.PATIENT, "The patient.", _WALES_SOURCE),
    ReferrerRight(
        Referrer.HOSPITAL_MANAGERS,
        "The hospital managers, or someone they have authorised.",
        _WALES_SOURCE,
    ),
    ReferrerRight(Referrer.CARER, "The patient's carer.", _WALES_SOURCE),
    ReferrerRight(
        Referrer.ATTORNEY_OR_DEPUTY,
        "An attorney under a lasting power of attorney, or a deputy, acting for the patient.",
        _WALES_SOURCE,
    ),
    ReferrerRight(
        Referrer.SOCIAL_WORKER,
        "A social worker professionally concerned with the patient's care, treatment or "
        "assessment.",
        _WALES_SOURCE,
    ),
)


# --- who must tell the patient ----------------------------------------------

_ORALLY_AND_IN_WRITING = "Both by talking to the patient and in writing."


def _nearest_relative_copy(section: Section, informal_route: bool) -> str:
    # s130D(5)/s130K: the copy goes to the nearest relative only for patients in
    # the main compulsory groups, and never for those liable to be detained under
    # Part 3 (criminal sections, including conditionally discharged patients).
    if informal_route:
        return "No duty to send a copy to the nearest relative."
    if section.part is Part.CRIMINAL and section.basis is not LegalBasis.GUARDIANSHIP:
        return (
            "No duty to send a copy to the nearest relative, because the patient is held "
            "under a criminal (Part 3) section."
        )
    return (
        "A copy of the written information must also go to the nearest relative, unless "
        "the patient asks for it not to."
    )


def _duty_for(section: Section, jurisdiction: Jurisdiction, route: Category) -> DutyToInform:
    england = jurisdiction is Jurisdiction.ENGLAND
    duty_section = "s130D" if england else "s130K"
    if route in (Category.INFORMAL_S57, Category.INFORMAL_UNDER18_S58A) or (
        route is Category.WALES_COMPULSORY and section.basis is LegalBasis.INFORMAL
    ):
        return DutyToInform(
            holder=(
                "The doctor or approved clinician who first discusses the treatment with "
                "the patient."
            ),
            when="During that discussion, or as soon as practicable afterwards.",
            how=_ORALLY_AND_IN_WRITING,
            nearest_relative_copy=_nearest_relative_copy(section, informal_route=True),
            sources=(f"MHA 1983 {duty_section}(2)(e), (3)(e), (4)",),
        )
    if route is Category.WALES_INFORMAL:
        return DutyToInform(
            holder="The managers of the hospital the patient is an in-patient in.",
            when="As soon as practicable after the patient becomes an in-patient.",
            how=_ORALLY_AND_IN_WRITING,
            nearest_relative_copy=(
                "A copy of the written information must go to the people listed in "
                "s130L(6), unless the patient asks for it not to."
            ),
            sources=("MHA 1983 s130L(2)-(6)",),
        )
    basis = section.basis
    if basis is LegalBasis.CONDITIONAL_DISCHARGE:
        holder = "The patient's responsible clinician."
        when = "As soon as practicable after the conditional discharge."
        letter = "b"
    elif basis is LegalBasis.GUARDIANSHIP:
        holder = "The responsible local social services authority (the council)."
        when = "As soon as practicable after the patient becomes subject to guardianship."
        letter = "c"
    elif basis is LegalBasis.COMMUNITY_TREATMENT:
        # The brief for this engine said "responsible clinician"; the statute
        # puts the duty on the managers of the responsible hospital.
        holder = "The managers of the responsible hospital."
        when = "As soon as practicable after the patient becomes a community patient."
        letter = "d"
    else:
        holder = "The managers of the hospital where the patient is detained."
        when = "As soon as practicable after the patient becomes liable to be detained."
        letter = "a"
    return DutyToInform(
        holder=holder,
        when=when,
        how=_ORALLY_AND_IN_WRITING,
        nearest_relative_copy=_nearest_relative_copy(section, informal_route=False),
        sources=(
            f"MHA 1983 {duty_section}(2)({letter}), (3)({letter}), (4)",
            f"MHA 1983 {duty_section}(5)-(6)",
        ),
    )


# --- the assessment ------------------------------------------------------------

_TALK_TO_US = (
    "You can still contact the advocacy service: we will talk to you and help work out "
    "whether you can have an advocate."
)


def assess(circumstances: Circumstances) -> Decision:
    """Decide whether the person is entitled to an IMHA, and explain why."""
    if circumstances.age is not None and not 0 <= circumstances.age <= 130:
        raise LawInputError("age", "must be a whole number of years between 0 and 130")
    status = circumstances.status
    if status is None or status.strip().lower() in UNKNOWN_STATUS_VALUES:
        # The s57 and under-18 ECT routes (England s130C(3); in Wales the route docs/law.md
        # describes for informal people outside hospital) are open to anyone, whatever their
        # legal status, so they settle the question even when the status is not known.
        via_treatment = _treatment_route(
            circumstances,
            lookup("informal"),
            *(
                (Category.INFORMAL_S57, Category.INFORMAL_UNDER18_S58A)
                if circumstances.jurisdiction is Jurisdiction.ENGLAND
                else (Category.WALES_COMPULSORY, Category.WALES_COMPULSORY)
            ),
        )
        if via_treatment is not None and via_treatment.qualifies:
            return replace(via_treatment, status=None)
        return _unclear(
            circumstances,
            None,
            "We do not know which part of the Mental Health Act applies to you, so we "
            "cannot say yet whether you are entitled to an advocate.",
        )
    section = lookup(status)
    if circumstances.jurisdiction is Jurisdiction.ENGLAND:
        return _assess_england(circumstances, section)
    return _assess_wales(circumstances, section)


def _unclear(circumstances: Circumstances, section: Section | None, why: str) -> Decision:
    return Decision(
        jurisdiction=circumstances.jurisdiction,
        status=section.code if section else None,
        qualifies=False,
        category=Category.UNCLEAR,
        reasons=(why, _TALK_TO_US),
        duty_to_inform=None,
        referrers=_referrers_for(circumstances.jurisdiction, None),
        sources=_scheme_sources(circumstances.jurisdiction),
    )


def _scheme_sources(jurisdiction: Jurisdiction) -> tuple[str, ...]:
    if jurisdiction is Jurisdiction.ENGLAND:
        return ("MHA 1983 s130C", "Code of Practice (England) 2015 ch 6")
    return ("MHA 1983 s130I", "MHA 1983 s130J", "Mental Health (Wales) Measure 2010 Part 4")


def _referrers_for(
    jurisdiction: Jurisdiction, category: Category | None
) -> tuple[ReferrerRight, ...]:
    if jurisdiction is Jurisdiction.ENGLAND:
        return _ENGLAND_REFERRERS
    if category is Category.WALES_INFORMAL:
        return _WALES_INFORMAL_REFERRERS
    return _WALES_COMPULSORY_REFERRERS


def _decision(
    circumstances: Circumstances,
    section: Section,
    category: Category,
    reasons: list[str],
) -> Decision:
    qualifies = category not in (Category.NOT_QUALIFYING, Category.UNCLEAR)
    return Decision(
        jurisdiction=circumstances.jurisdiction,
        status=section.code,
        qualifies=qualifies,
        category=category,
        reasons=tuple(reasons),
        duty_to_inform=(
            _duty_for(section, circumstances.jurisdiction, category) if qualifies else None
        ),
        referrers=_referrers_for(circumstances.jurisdiction, category),
        sources=(*_scheme_sources(circumstances.jurisdiction), *section.sources),
    )


def _treatment_route(
    circumstances: Circumstances,
    section: Section,
    category_if_s57: Category,
    category_if_s58a: Category,
) -> Decision | None:
    """The s57 / under-18 s58A route for people not otherwise qualifying.

    Returns None when the route does not apply, so the caller can explain why
    the person does not qualify.
    """
    treatment = circumstances.treatment_under_consideration
    if treatment is Treatment.S57:
        return _decision(
            circumstances,
            section,
            category_if_s57,
            [
                "A doctor is discussing with you a treatment covered by section 57 "
                "(such as neurosurgery for mental disorder).",
                "Anyone in that position is entitled to an advocate, even if they are not "
                "detained, until the proposal is dropped or the treatment is finished.",
            ],
        )
    if treatment is Treatment.S58A:
        if circumstances.age is None:
            return _unclear(
                circumstances,
                section,
                "ECT (section 58A treatment) is being discussed. People under 18 in that "
                "position are entitled to an advocate, but we do not know your age.",
            )
        if circumstances.age < 18:
            return _decision(
                circumstances,
                section,
                category_if_s58a,
                [
                    "You are under 18 and a doctor is discussing ECT (section 58A treatment) "
                    "with you.",
                    "Young people in that position are entitled to an advocate, even if they "
                    "are not detained, until the proposal is dropped or the treatment is "
                    "finished.",
                ],
            )
    return None


def _assess_england(circumstances: Circumstances, section: Section) -> Decision:
    basis = section.basis
    if (
        basis is LegalBasis.SHORT_TERM_HOLDING
        and section.code == "s4"
        and (circumstances.second_recommendation_received)
    ):
        return _decision(
            circumstances,
            section,
            Category.DETAINED,
            [
                "You were detained under section 4 and the second doctor's recommendation "
                "has now been received, so you are now detained under section 2.",
                "People detained under section 2 are entitled to an advocate.",
            ],
        )
    if basis is LegalBasis.DETAINED:
        reasons = [f"You are detained under {_name(section)}."]
        if section.code == "s17":
            reasons.append(
                "Being on leave from hospital does not end your detention, so you are "
                "still entitled to an advocate."
            )
        reasons.append("People detained under this section are entitled to an advocate.")
        return _decision(circumstances, section, Category.DETAINED, reasons)
    if basis is LegalBasis.COMMUNITY_TREATMENT:
        return _decision(
            circumstances,
            section,
            Category.CTO,
            [
                "You are on a community treatment order (CTO).",
                "People on a CTO, including while recalled to hospital, are entitled to an "
                "advocate.",
            ],
        )
    if basis is LegalBasis.GUARDIANSHIP:
        return _decision(
            circumstances,
            section,
            Category.GUARDIANSHIP,
            [
                f"You are under {_name(section)}.",
                "People under guardianship are entitled to an advocate.",
            ],
        )
    if basis is LegalBasis.CONDITIONAL_DISCHARGE:
        return _decision(
            circumstances,
            section,
            Category.CONDITIONALLY_DISCHARGED,
            [
                "You are a restricted patient who has been conditionally discharged.",
                "You can still be recalled to hospital, so the law treats you as liable to "
                "be detained and you are entitled to an advocate.",
            ],
        )
    via_treatment = _treatment_route(
        circumstances, section, Category.INFORMAL_S57, Category.INFORMAL_UNDER18_S58A
    )
    if via_treatment is not None:
        return via_treatment
    if basis is LegalBasis.INFORMAL:
        reasons = [
            "You are not detained or on a community treatment order or guardianship, so in "
            "England you are not entitled to an advocate under the Mental Health Act.",
        ]
    else:
        reasons = [
            f"{_name(section, capital=True)} is a short-term power. In England, people held "
            "only under it are not entitled to a Mental Health Act advocate.",
            "If you go on to be detained under a longer section (such as section 2 or 3) "
            "you will be entitled to one.",
        ]
        if section.code == "s4":
            reasons.append(
                "If the second doctor's recommendation is received, your section 4 becomes "
                "a section 2 and you will be entitled to an advocate."
            )
    reasons.append(
        "You are entitled to one if a doctor discusses section 57 treatment with you, or ECT "
        "if you are under 18."
    )
    reasons.append(
        "Other advocacy (for example under the Care Act or Mental Capacity Act) may still "
        "be available, and you are welcome to contact us."
    )
    return _decision(circumstances, section, Category.NOT_QUALIFYING, reasons)


def _assess_wales(circumstances: Circumstances, section: Section) -> Decision:
    basis = section.basis
    if basis is not LegalBasis.INFORMAL:
        reasons = [f"You are under {_name(section)} in Wales."]
        if basis in (LegalBasis.SHORT_TERM_HOLDING, LegalBasis.PLACE_OF_SAFETY):
            reasons.append("In Wales, unlike England, short-term and police powers are included.")
        if section.code == "s17":
            reasons.append("Being on leave from hospital does not end your detention.")
        reasons.append(
            "In Wales everyone subject to the Mental Health Act in this way is entitled to an "
            "advocate (a 'qualifying compulsory patient')."
        )
        return _decision(circumstances, section, Category.WALES_COMPULSORY, reasons)
    if circumstances.in_hospital:
        return _decision(
            circumstances,
            section,
            Category.WALES_INFORMAL,
            [
                "You are an informal (voluntary) patient in a hospital in Wales.",
                "In Wales informal in-patients being assessed or treated for their mental "
                "health are entitled to an advocate (a 'qualifying informal patient').",
            ],
        )
    via_treatment = _treatment_route(
        circumstances, section, Category.WALES_COMPULSORY, Category.WALES_COMPULSORY
    )
    if via_treatment is not None:
        return via_treatment
    if circumstances.in_hospital is None:
        return _unclear(
            circumstances,
            section,
            "In Wales informal patients are entitled to an advocate while they are in "
            "hospital, but we do not know whether you are in hospital.",
        )
    return _decision(
        circumstances,
        section,
        Category.NOT_QUALIFYING,
        [
            "You are not in hospital and not subject to the Mental Health Act, so you are not "
            "entitled to a Mental Health Act advocate in Wales.",
            "If you are admitted to hospital in Wales, even informally, you will be entitled "
            "to one.",
            "Other advocacy may still be available, and you are welcome to contact us.",
        ],
    )


def _name(section: Section, capital: bool = False) -> str:
    """How to refer to a section in a sentence, e.g. "section 37/41"."""
    if section.code.startswith("s") and section.code[1:2].isdigit():
        if section.code == "s37_guardianship":
            label = "a guardianship order (section 37)"
        else:
            label = f"section {section.code[1:].upper()}"
    else:
        label = section.title.lower()
        label = f"a {label}"
    if capital:
        return label[0].upper() + label[1:]
    return label
