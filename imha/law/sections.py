"""Catalogue of every legal status an advocate meets.

Each entry records how long the status lasts, how it is renewed, what
tribunal rights go with it, and where those rules come from.  References are
to the Mental Health Act 1983 as amended ("MHA 1983") unless they say
otherwise.  Plain-English fields are written for members of the public.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from .errors import UnknownSectionError


class Part(Enum):
    """Where in the Act (or outside it) a status comes from."""

    CIVIL = "part_2"
    CRIMINAL = "part_3"
    POLICE_POWERS = "place_of_safety"
    INFORMAL = "informal"


class LegalBasis(Enum):
    """The legal character of a status, which is what eligibility turns on."""

    DETAINED = "detained"
    # s4, s5(2), s5(4): short emergency and holding powers.  England's advocacy
    # scheme leaves them out (s130C(2)(a)); Wales includes them.
    SHORT_TERM_HOLDING = "short_term_holding"
    # s135 and s136 are also excluded in England but are police powers.
    PLACE_OF_SAFETY = "place_of_safety"
    GUARDIANSHIP = "guardianship"
    COMMUNITY_TREATMENT = "community_treatment"
    CONDITIONAL_DISCHARGE = "conditional_discharge"
    INFORMAL = "informal"


class TimeUnit(Enum):
    HOURS = "hours"
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


@dataclass(frozen=True)
class Duration:
    amount: int
    unit: TimeUnit

    def describe(self) -> str:
        singular = {
            TimeUnit.HOURS: "hour",
            TimeUnit.DAYS: "day",
            TimeUnit.WEEKS: "week",
            TimeUnit.MONTHS: "month",
        }[self.unit]
        return f"{self.amount} {singular}{'' if self.amount == 1 else 's'}"


def _hours(n: int) -> Duration:
    return Duration(n, TimeUnit.HOURS)


def _days(n: int) -> Duration:
    return Duration(n, TimeUnit.DAYS)


def _weeks(n: int) -> Duration:
    return Duration(n, TimeUnit.WEEKS)


def _months(n: int) -> Duration:
    return Duration(n, TimeUnit.MONTHS)


@dataclass(frozen=True)
class Section:
    """One legal status.

    `renewal_periods` lists successive renewal lengths; the last one repeats
    (so (6 months, 12 months) means 6 months, then 12 months at a time).  An
    empty tuple means the status cannot be renewed.  `initial_period` is None
    where the status has no fixed end (restricted patients, conditional
    discharge, informal admission, s17 leave which follows its section).
    """

    code: str
    title: str
    part: Part
    basis: LegalBasis
    summary: str
    duration: str
    renewal: str
    tribunal: str
    sources: tuple[str, ...]
    initial_period: Duration | None = None
    renewal_periods: tuple[Duration, ...] = ()
    maximum_total: Duration | None = None
    extension: Duration | None = None
    restricted: bool = False
    # True where Part 4 (consent to treatment, including the s58 three-month
    # rule) applies; s56 lists the patients it does not apply to.
    consent_to_treatment_part_4: bool = False
    aliases: tuple[str, ...] = ()


_SIX_SIX_TWELVE = (_months(6), _months(12))

SECTIONS: tuple[Section, ...] = (
    Section(
        code="s2",
        title="Admission for assessment",
        part=Part.CIVIL,
        basis=LegalBasis.DETAINED,
        summary="Detention in hospital so that doctors can assess the person's mental health.",
        duration="Up to 28 days, counting the day of admission as day 1.",
        renewal="Cannot be renewed. It ends, or the person is discharged, or is moved onto s3.",
        tribunal=(
            "The patient can apply to the tribunal within 14 days, counting the day of "
            "admission as day 1."
        ),
        sources=("MHA 1983 s2(4)", "MHA 1983 s66(1)(a), (2)(a)"),
        initial_period=_days(28),
        consent_to_treatment_part_4=True,
        aliases=("assessment",),
    ),
    Section(
        code="s3",
        title="Admission for treatment",
        part=Part.CIVIL,
        basis=LegalBasis.DETAINED,
        summary="Detention in hospital for treatment.",
        duration="Up to 6 months, counting the day of admission as day 1.",
        renewal="Can be renewed for 6 months, and after that for 12 months at a time.",
        tribunal=(
            "The patient can apply once in the first 6 months, once in the second 6 months "
            "and then once a year. The hospital must refer the case to the tribunal at 6 "
            "months if nobody has applied, and again if 3 years pass without a hearing "
            "(1 year if the patient is under 18)."
        ),
        sources=(
            "MHA 1983 s20(1)-(2)",
            "MHA 1983 s66(1)(b), (f), (2)(b), (f)",
            "MHA 1983 s68(2), (3), (6)",
        ),
        initial_period=_months(6),
        renewal_periods=_SIX_SIX_TWELVE,
        consent_to_treatment_part_4=True,
        aliases=("treatment",),
    ),
    Section(
        code="s4",
        title="Admission for assessment in an emergency",
        part=Part.CIVIL,
        basis=LegalBasis.SHORT_TERM_HOLDING,
        summary=(
            "Emergency detention on one doctor's recommendation while a second doctor's "
            "opinion is sought."
        ),
        duration=(
            "Up to 72 hours from admission. If a second medical recommendation arrives in "
            "that time it becomes a s2, running 28 days from the original admission."
        ),
        renewal="Cannot be renewed.",
        tribunal="None while on s4; once it becomes a s2 the s2 rights apply.",
        sources=("MHA 1983 s4(4)", "MHA 1983 s56(3)(a)"),
        initial_period=_hours(72),
        aliases=("emergency",),
    ),
    Section(
        code="s5(2)",
        title="Doctor's holding power",
        part=Part.CIVIL,
        basis=LegalBasis.SHORT_TERM_HOLDING,
        summary=(
            "A hospital in-patient can be stopped from leaving while an assessment for "
            "detention is arranged."
        ),
        duration="Up to 72 hours from when the doctor's report is given to the hospital managers.",
        renewal="Cannot be renewed.",
        tribunal="None.",
        sources=("MHA 1983 s5(2)", "MHA 1983 s56(3)(b)"),
        initial_period=_hours(72),
        aliases=("doctors holding power",),
    ),
    Section(
        code="s5(4)",
        title="Nurse's holding power",
        part=Part.CIVIL,
        basis=LegalBasis.SHORT_TERM_HOLDING,
        summary=(
            "A qualified nurse can stop a hospital in-patient from leaving until a doctor arrives."
        ),
        duration="Up to 6 hours from when the nurse records it.",
        renewal="Cannot be renewed. A doctor may then use s5(2).",
        tribunal="None.",
        sources=("MHA 1983 s5(4)", "MHA 1983 s56(3)(b)"),
        initial_period=_hours(6),
        aliases=("nurses holding power",),
    ),
    Section(
        code="s7",
        title="Guardianship",
        part=Part.CIVIL,
        basis=LegalBasis.GUARDIANSHIP,
        summary=(
            "A guardian (usually the council) can require the person to live at a place, "
            "attend appointments and let professionals see them."
        ),
        duration="Up to 6 months, counting the day the application is accepted as day 1.",
        renewal="Can be renewed for 6 months, and after that for 12 months at a time.",
        tribunal=(
            "The patient can apply once in the first 6 months and once in each renewal period."
        ),
        sources=("MHA 1983 s7", "MHA 1983 s20(1)-(2)", "MHA 1983 s66(1)(c), (f), (2)(c), (f)"),
        initial_period=_months(6),
        renewal_periods=_SIX_SIX_TWELVE,
        aliases=("guardianship", "s7 guardianship"),
    ),
    Section(
        code="s17",
        title="Leave of absence",
        part=Part.CIVIL,
        basis=LegalBasis.DETAINED,
        summary=(
            "Permission from the responsible clinician to be away from hospital. The person "
            "is still detained under their section while on leave."
        ),
        duration="Lasts no longer than the section the person is detained under.",
        renewal="Follows the section the person is detained under.",
        tribunal="The same rights as the section the person is detained under.",
        sources=("MHA 1983 s17", "Code of Practice (England) 2015 ch 27"),
        consent_to_treatment_part_4=True,
        aliases=("leave", "s17 leave", "leave of absence"),
    ),
    Section(
        code="s17a",
        title="Community treatment order (CTO)",
        part=Part.CIVIL,
        basis=LegalBasis.COMMUNITY_TREATMENT,
        summary=(
            "Treatment in the community after detention under s3 or a hospital order, with "
            "conditions and a power to recall the person to hospital."
        ),
        duration="Up to 6 months, counting the day the order is made as day 1.",
        renewal="Can be extended for 6 months, and after that for 12 months at a time.",
        tribunal=(
            "The patient can apply once in the first 6 months and once in each extension "
            "period. The hospital must refer the case at 6 months from the original "
            "admission if nobody has applied, and if 3 years pass without a hearing "
            "(1 year if the patient is under 18)."
        ),
        sources=(
            "MHA 1983 s17A",
            "MHA 1983 s20A(1), (3)",
            "MHA 1983 s66(1)(ca), (fza)",
            "MHA 1983 s68",
        ),
        initial_period=_months(6),
        renewal_periods=_SIX_SIX_TWELVE,
        aliases=(
            "cto",
            "scto",
            "community treatment order",
            "supervised community treatment",
            "community patient",
        ),
    ),
    Section(
        code="s17e",
        title="Recall of a CTO patient to hospital",
        part=Part.CIVIL,
        basis=LegalBasis.COMMUNITY_TREATMENT,
        summary=(
            "A person on a CTO brought back to hospital. They stay a CTO patient while recalled."
        ),
        duration=(
            "Up to 72 hours from arrival at hospital. Then the CTO is revoked (the person is "
            "detained again) or the person is released back to the community."
        ),
        renewal="Cannot be renewed.",
        tribunal=(
            "The CTO rights continue. If the CTO is revoked the hospital must refer the case "
            "to the tribunal as soon as possible."
        ),
        sources=("MHA 1983 s17E", "MHA 1983 s17F(4)", "MHA 1983 s68(1)(d), (7)"),
        initial_period=_hours(72),
        aliases=("cto recall", "recall"),
    ),
    Section(
        code="s35",
        title="Remand to hospital for a report",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary="A court sends an accused person to hospital for a report on their mental health.",
        duration="Up to 28 days, counting the day of the remand as day 1.",
        renewal="The court can remand again for 28 days at a time, up to 12 weeks in all.",
        tribunal="None.",
        sources=("MHA 1983 s35(4), (7)", "MHA 1983 s56(3)(b)"),
        initial_period=_days(28),
        renewal_periods=(_days(28),),
        maximum_total=_weeks(12),
    ),
    Section(
        code="s36",
        title="Remand to hospital for treatment",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary="A Crown Court sends an accused person to hospital for treatment before trial.",
        duration="Up to 28 days, counting the day of the remand as day 1.",
        renewal="The court can remand again for 28 days at a time, up to 12 weeks in all.",
        tribunal="None.",
        sources=("MHA 1983 s36(4), (6)",),
        initial_period=_days(28),
        renewal_periods=(_days(28),),
        maximum_total=_weeks(12),
        consent_to_treatment_part_4=True,
    ),
    Section(
        code="s37",
        title="Hospital order",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary="A court orders treatment in hospital instead of a prison sentence.",
        duration="Up to 6 months, counting the day of the order as day 1.",
        renewal="Can be renewed for 6 months, and after that for 12 months at a time.",
        tribunal=(
            "No application in the first 6 months. The patient (and their nearest relative) "
            "can apply once in each renewal period. The hospital must refer the case if 3 "
            "years pass without a hearing (1 year if the patient is under 18)."
        ),
        sources=(
            "MHA 1983 s37",
            "MHA 1983 s40(4) and Sch 1 Part 1",
            "MHA 1983 s20(1)-(2)",
            "MHA 1983 s66(1)(f) as applied by Sch 1",
            "MHA 1983 s69(1)(a)",
        ),
        initial_period=_months(6),
        renewal_periods=_SIX_SIX_TWELVE,
        consent_to_treatment_part_4=True,
        aliases=("hospital order",),
    ),
    Section(
        code="s37/41",
        title="Hospital order with restrictions",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary=(
            "A hospital order with a restriction order: leave, transfer and discharge need "
            "the Secretary of State for Justice's agreement (or a tribunal)."
        ),
        duration="No fixed end. It lasts until the patient is discharged.",
        renewal="Not renewed: it does not expire.",
        tribunal=(
            "No application in the first 6 months; then once between 6 and 12 months and "
            "once in every year after that. The Secretary of State must refer the case if "
            "3 years pass without a hearing."
        ),
        sources=("MHA 1983 s41(3)", "MHA 1983 s70", "MHA 1983 s71(2)"),
        restricted=True,
        consent_to_treatment_part_4=True,
        aliases=("restriction order", "s41"),
    ),
    Section(
        code="s38",
        title="Interim hospital order",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary=(
            "A court sends a convicted person to hospital to see whether a hospital order "
            "would be right."
        ),
        duration="Up to 12 weeks at first.",
        renewal="The court can renew for up to 28 days at a time, up to 12 months in all.",
        tribunal="None.",
        sources=("MHA 1983 s38(5)",),
        initial_period=_weeks(12),
        renewal_periods=(_days(28),),
        maximum_total=_months(12),
        consent_to_treatment_part_4=True,
        aliases=("interim hospital order",),
    ),
    Section(
        code="s45a",
        title="Hospital and limitation directions",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary=(
            "A Crown Court gives a prison sentence but directs that the person go to "
            "hospital first, with restrictions."
        ),
        duration=(
            "No fixed end while the restrictions last; the person may be sent to prison to "
            "serve the rest of the sentence."
        ),
        renewal="Not renewed while the limitation direction lasts.",
        tribunal=(
            "The patient can apply in the first 6 months, then once between 6 and 12 months "
            "and once a year after that."
        ),
        sources=("MHA 1983 s45A", "MHA 1983 s69(2)(b)", "MHA 1983 s70", "MHA 1983 s71(2)"),
        restricted=True,
        consent_to_treatment_part_4=True,
        aliases=("hospital direction", "limitation direction", "hybrid order"),
    ),
    Section(
        code="s47",
        title="Transfer of a sentenced prisoner to hospital",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary="A sentenced prisoner moved to hospital for treatment, without restrictions.",
        duration="Works like a hospital order: up to 6 months, counting the day of the direction.",
        renewal="Can be renewed for 6 months, and after that for 12 months at a time.",
        tribunal=("The patient can apply in the first 6 months and once in each renewal period."),
        sources=("MHA 1983 s47(3)", "MHA 1983 s69(2)(b)", "MHA 1983 s20(1)-(2)"),
        initial_period=_months(6),
        renewal_periods=_SIX_SIX_TWELVE,
        consent_to_treatment_part_4=True,
    ),
    Section(
        code="s47/49",
        title="Transfer of a sentenced prisoner to hospital with restrictions",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary=(
            "A sentenced prisoner moved to hospital, with Ministry of Justice restrictions "
            "on leave, transfer and discharge."
        ),
        duration=(
            "No fixed end; the restrictions stop on the date the person would have been "
            "released from prison."
        ),
        renewal="Not renewed while the restriction direction lasts.",
        tribunal=(
            "The patient can apply in the first 6 months, then once between 6 and 12 months "
            "and once a year after that."
        ),
        sources=("MHA 1983 s49", "MHA 1983 s50(2)", "MHA 1983 s69(2)(b)", "MHA 1983 s70"),
        restricted=True,
        consent_to_treatment_part_4=True,
    ),
    Section(
        code="s48",
        title="Transfer of an unsentenced prisoner to hospital",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary=(
            "A person held on remand, or a civil or immigration detainee, moved to hospital "
            "for urgent treatment, without restrictions."
        ),
        duration="Works like a hospital order until the person's case is dealt with.",
        renewal="Can be renewed for 6 months, and after that for 12 months at a time.",
        tribunal="The patient can apply in the first 6 months and once in each renewal period.",
        sources=("MHA 1983 s48", "MHA 1983 s47(3)", "MHA 1983 s69(2)(b)"),
        initial_period=_months(6),
        renewal_periods=_SIX_SIX_TWELVE,
        consent_to_treatment_part_4=True,
    ),
    Section(
        code="s48/49",
        title="Transfer of an unsentenced prisoner to hospital with restrictions",
        part=Part.CRIMINAL,
        basis=LegalBasis.DETAINED,
        summary=(
            "A person held on remand moved to hospital for urgent treatment, with Ministry "
            "of Justice restrictions."
        ),
        duration="No fixed end; it lasts until the court deals with the person's case.",
        renewal="Not renewed while the restriction direction lasts.",
        tribunal=(
            "The patient can apply in the first 6 months, then once between 6 and 12 months "
            "and once a year after that."
        ),
        sources=("MHA 1983 s48", "MHA 1983 s49", "MHA 1983 s69(2)(b)", "MHA 1983 s70"),
        restricted=True,
        consent_to_treatment_part_4=True,
    ),
    Section(
        code="conditional_discharge",
        title="Conditional discharge of a restricted patient",
        part=Part.CRIMINAL,
        basis=LegalBasis.CONDITIONAL_DISCHARGE,
        summary=(
            "A restricted patient living in the community on conditions, who can be "
            "recalled to hospital by the Secretary of State for Justice."
        ),
        duration="No fixed end. It lasts until absolute discharge or recall.",
        renewal="Not renewed.",
        tribunal=(
            "The patient can apply between 12 months and 2 years after the conditional "
            "discharge, and then once in every 2 years. If recalled, the Secretary of State "
            "must refer the case to the tribunal within one month."
        ),
        sources=(
            "MHA 1983 s42(2)",
            "MHA 1983 s73",
            "MHA 1983 s74",
            "MHA 1983 s75(1)-(2)",
        ),
        restricted=True,
        aliases=(
            "conditional discharge",
            "conditionally discharged",
            "cd",
            "s42",
            "s42(2)",
            "s73",
            "s74",
        ),
    ),
    Section(
        code="s37_guardianship",
        title="Guardianship order",
        part=Part.CRIMINAL,
        basis=LegalBasis.GUARDIANSHIP,
        summary="A court places a convicted person under guardianship instead of a sentence.",
        duration="Up to 6 months, counting the day of the order as day 1.",
        renewal="Can be renewed for 6 months, and after that for 12 months at a time.",
        tribunal=(
            "The patient can apply in the first 6 months and once in each renewal period; "
            "the nearest relative can apply within the first 12 months and once a year "
            "after that."
        ),
        sources=(
            "MHA 1983 s37",
            "MHA 1983 s40(2), (4) and Sch 1 Part 1",
            "MHA 1983 s69(1)(b)",
        ),
        initial_period=_months(6),
        renewal_periods=_SIX_SIX_TWELVE,
        aliases=("guardianship order", "s37g", "s37 guardianship"),
    ),
    Section(
        code="s135",
        title="Warrant to search for and remove to a place of safety",
        part=Part.POLICE_POWERS,
        basis=LegalBasis.PLACE_OF_SAFETY,
        summary=(
            "A magistrate's warrant lets the police enter private premises and take the "
            "person to a place of safety for assessment."
        ),
        duration=(
            "Up to 24 hours from arrival at the place of safety; a doctor can extend this by "
            "up to 12 hours."
        ),
        renewal="Cannot be renewed beyond the one extension.",
        tribunal="None.",
        sources=("MHA 1983 s135(3ZA)", "MHA 1983 s136B", "MHA 1983 s56(3)(c)"),
        initial_period=_hours(24),
        extension=_hours(12),
        aliases=("s135(1)", "s135(2)"),
    ),
    Section(
        code="s136",
        title="Removal to a place of safety by the police",
        part=Part.POLICE_POWERS,
        basis=LegalBasis.PLACE_OF_SAFETY,
        summary=(
            "The police take a person who seems to need urgent mental health care to a "
            "place of safety for assessment."
        ),
        duration=(
            "Up to 24 hours from arrival at the place of safety; a doctor can extend this by "
            "up to 12 hours."
        ),
        renewal="Cannot be renewed beyond the one extension.",
        tribunal="None.",
        sources=("MHA 1983 s136(2A)", "MHA 1983 s136B", "MHA 1983 s56(3)(c)"),
        initial_period=_hours(24),
        extension=_hours(12),
        aliases=("place of safety",),
    ),
    Section(
        code="informal",
        title="Informal (voluntary) patient",
        part=Part.INFORMAL,
        basis=LegalBasis.INFORMAL,
        summary=(
            "In hospital, or under mental health services, without any Mental Health Act power."
        ),
        duration="No fixed length.",
        renewal="Not applicable.",
        tribunal="None: there is no detention to challenge.",
        sources=("MHA 1983 s131",),
        aliases=("voluntary", "s131", "not detained", "none"),
    ),
)


# Words people put around a section number that carry no meaning for lookup.
_NOISE_WORDS = frozenset({"s", "ss", "sec", "sect", "section", "sections", "mha", "under", "of"})


def normalise_code(text: str) -> str:
    """Reduce a typed status to a comparison key.

    "S3", "section 3" and "s.3" all become "3"; "37/41", "s37 41" and
    "section 37-41" become "37-41"; "5(2)" and "s5 2" become "5-2".
    """
    tokens = re.findall(r"\d+[a-z]?|[a-z]+", text.lower())
    merged: list[str] = []
    for token in tokens:
        # "17 a" typed with a space means "17a".
        if len(token) == 1 and token.isalpha() and merged and merged[-1].isdigit():
            merged[-1] += token
            continue
        if token in _NOISE_WORDS:
            continue
        merged.append(token)
    return "-".join(merged)


def _build_index() -> dict[str, Section]:
    index: dict[str, Section] = {}
    for section in SECTIONS:
        for spelling in (section.code, *section.aliases):
            key = normalise_code(spelling)
            if index.get(key, section) is not section:  # pragma: no cover - guards the table
                raise RuntimeError(f"alias {spelling!r} is claimed by two sections")
            index[key] = section
    return index


_INDEX = _build_index()
BY_CODE = {section.code: section for section in SECTIONS}


def lookup(code: str, field: str = "status") -> Section:
    """Find a section by any common spelling of its code.

    Raises UnknownSectionError (a LawInputError naming `field`) when nothing
    matches.
    """
    if not isinstance(code, str):
        raise UnknownSectionError(repr(code), field)
    section = _INDEX.get(normalise_code(code))
    if section is None:
        raise UnknownSectionError(code, field)
    return section
