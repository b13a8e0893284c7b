"""Benchmark data for referrals: about 1.3 referrals per client, received over the last two
years, in a realistic mix of referrers, channels and outcomes. Called by
`manage.py bench_data` (see imha/core/management/commands).

Rows are made with bulk_create, skipping services, duplicate checks, emails and the audit
log: this is volume for measuring the inbox and the quarterly return, not a record of
anything that happened. The response clock is still the real one (imha.law.respond_by
through `rules.response_clock`, cached per day and side of the cut-off), and the eligibility
snapshot and statutory flag come from the rules engine, cached per legal status, so the
pages count what they would count for real referrals. Names are plainly fictional
("Bench Person 123"); phone numbers are in Ofcom's range for drama and addresses are at
example.org.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from typing import Any

from django.db.models import Max
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.cases.matching import normalised_name
from imha.hospitals.models import Hospital, Ward
from imha.law import ResponseDue
from imha.law.working_days import DEFAULT_CUTOFF, LONDON
from imha.referrals import rules
from imha.referrals.models import (
    Channel,
    CommunicationNeed,
    Consent,
    ContactMethod,
    HelpTopic,
    LegalStatusAnswer,
    Referral,
    ReferralStatus,
    ReferrerType,
    ResponseMethod,
)
from imha.referrals.services import REFERENCE_ALPHABET

BATCH = 5000
REFERRALS_PER_CLIENT = 1.3
# Even the small first call makes enough referrals to spread over the whole history, so that
# every quarter has some, answered and not: a page whose query count depends on whether a
# section has data at all then counts the same at both sizes.
MINIMUM_PER_CALL = 50
HISTORY_DAYS = 2 * 365
# Share of answered referrals answered after their deadline.
LATE_SHARE = 0.08

STAFF_PAGES: list[tuple[str, str, str]] = [
    ("referral inbox", "/staff/referrals/", Role.INTAKE.value),
    ("referral inbox, all", "/staff/referrals/?show=all", Role.MANAGER.value),
]


class Weighted[T]:
    """A weighted choice, with the cumulative weights worked out once."""

    def __init__(self, pairs: list[tuple[T, int]]) -> None:
        self.values = [value for value, _ in pairs]
        self.cumulative = list(accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random) -> T:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


CHANNELS = Weighted(
    [
        (Channel.ONLINE, 35),
        (Channel.PHONE, 30),
        (Channel.EMAIL, 18),
        (Channel.LETTER, 3),
        (Channel.IN_PERSON, 2),
        (Channel.AUTOMATIC, 10),
        (Channel.OTHER, 2),
    ]
)
REFERRERS = Weighted(
    [
        (ReferrerType.SELF, 25),
        (ReferrerType.NEAREST_RELATIVE, 10),
        (ReferrerType.RESPONSIBLE_CLINICIAN, 15),
        (ReferrerType.AMHP, 8),
        (ReferrerType.OTHER_PROFESSIONAL, 32),
        (ReferrerType.OTHER, 10),
    ]
)
LEGAL_STATUSES = Weighted(
    [
        (LegalStatusAnswer.S2, 25),
        (LegalStatusAnswer.S3, 35),
        (LegalStatusAnswer.CTO, 10),
        (LegalStatusAnswer.S37, 7),
        (LegalStatusAnswer.S37_41, 4),
        (LegalStatusAnswer.OTHER, 3),
        (LegalStatusAnswer.INFORMAL, 5),
        (LegalStatusAnswer.DONT_KNOW, 11),
    ]
)
CONSENTS = Weighted([(Consent.YES, 75), (Consent.NOT_YET, 15), (Consent.UNABLE, 10)])
# What "another section" referrers type, and what automatic referrals pass on.
OTHER_SECTIONS = ["s47/49", "s48/49", "s45a", "s17e", "conditional_discharge"]
AUTOMATIC_SECTIONS = ["s2", "s3", "s37", "s37/41", "s17a"]
# How referrals end up once their deadline has passed.
FINISHED = Weighted(
    [
        (ReferralStatus.ACCEPTED, 72),
        (ReferralStatus.DECLINED, 14),
        (ReferralStatus.WITHDRAWN, 12),
        (ReferralStatus.RESPONDED, 2),
    ]
)
OUTCOME_REASONS = {
    ReferralStatus.ACCEPTED: "",
    ReferralStatus.DECLINED: "Does not qualify for an IMHA; given details of a community "
    "advocacy service instead (fictional).",
    ReferralStatus.WITHDRAWN: "The person said they no longer want an advocate (fictional).",
}
STAFF_CHANNELS = {Channel.PHONE, Channel.EMAIL, Channel.LETTER, Channel.IN_PERSON, Channel.OTHER}
# Enum `.values` builds a new list on every use; these are read once per row.
RESPONSE_METHODS = list(ResponseMethod.values)
NEEDS = list(CommunicationNeed.values)
HELP_TOPICS = list(HelpTopic.values)
CONTACT_METHODS = list(ContactMethod.values)
REFERRER_ROLES = {kind.value: str(kind.label)[:100] for kind in ReferrerType}


def reference_for(number: int) -> str:
    """A unique reference in the usual "RABCD-EFGH" shape, scrambled so neighbours differ."""
    size = len(REFERENCE_ALPHABET)
    # Multiplying by a number with no factor in common with 31**8 is a bijection modulo it.
    value = (number * 1_000_003) % size**8
    letters = []
    for _ in range(8):
        value, digit = divmod(value, size)
        letters.append(REFERENCE_ALPHABET[digit])
    code = "".join(letters)
    return f"R{code[:4]}-{code[4:]}"


class Rules:
    """The rules engine's answers, worked out once per distinct input."""

    def __init__(self) -> None:
        self._clocks: dict[tuple[date, bool], ResponseDue] = {}
        self._codes: dict[tuple[str, str], str] = {}
        self._eligibility: dict[tuple[str, bool], tuple[dict[str, Any], str, set[str]]] = {}

    def clock(self, received_at: datetime) -> ResponseDue:
        local = received_at.astimezone(LONDON)
        key = (local.date(), local.time() >= DEFAULT_CUTOFF)
        if key not in self._clocks:
            self._clocks[key] = rules.response_clock(received_at)
        return self._clocks[key]

    def legal_status_code(self, answer: str, other: str) -> str:
        key = (answer, other)
        if key not in self._codes:
            self._codes[key] = rules.resolve_legal_status(answer, other)
        return self._codes[key]

    def eligibility(
        self, legal_status_code: str, in_hospital: bool, on: date
    ) -> tuple[dict[str, Any], str, set[str]]:
        """(snapshot, category, referrer types the Act names) for an adult referral."""
        key = (legal_status_code, in_hospital)
        if key not in self._eligibility:
            decision = rules.assess_eligibility(
                legal_status_code=legal_status_code,
                # Every generated person is an adult, so any adult age gives their answer.
                date_of_birth=date(1980, 1, 1),
                in_hospital=True if in_hospital else None,
                on=on,
            )
            statutory = {
                str(kind)
                for kind in ReferrerType
                if rules.referrer_is_statutory(kind.value, decision)
            }
            self._eligibility[key] = (
                rules.eligibility_snapshot(decision),
                decision.category.value,
                statutory,
            )
        return self._eligibility[key]


def _places() -> list[tuple[Hospital, list[str]]]:
    hospitals = list(Hospital.objects.filter(is_active=True).order_by("pk"))
    wards: dict[int, list[str]] = {}
    for hospital_id, name in Ward.objects.filter(
        hospital__in=hospitals, is_active=True
    ).values_list("hospital_id", "name"):
        wards.setdefault(hospital_id, []).append(name)
    return [(hospital, wards.get(hospital.pk, ["Bench Ward"])) for hospital in hospitals]


def _outcome(
    rng: random.Random,
    referral: Referral,
    now: datetime,
    intake: list[User],
    managers: list[User],
) -> None:
    """Move the referral along: picked up, answered (in time or late) and decided."""
    received, due = referral.received_at, referral.respond_by
    age = now - received
    if due > now:
        roll = rng.random()
        status = (
            ReferralStatus.NEW
            if roll < 0.45
            else ReferralStatus.AWAITING_RESPONSE
            if roll < 0.8
            else ReferralStatus.RESPONDED
        )
    elif age < timedelta(days=60) and rng.random() < 0.04:
        # A few have slipped through: overdue and still unanswered.
        status = rng.choice([ReferralStatus.NEW, ReferralStatus.AWAITING_RESPONSE])
    elif age < timedelta(days=14):
        status = rng.choice(
            [ReferralStatus.RESPONDED, ReferralStatus.RESPONDED, ReferralStatus.ACCEPTED]
        )
    else:
        status = FINISHED.pick(rng)
    referral.status = status
    if status == ReferralStatus.NEW:
        if due < now:
            referral.breach_alerted_at = due + timedelta(minutes=rng.randint(1, 15))
        return
    worker = intake[rng.randrange(len(intake))] if intake else None
    latest = min(now, due)
    referral.picked_up_by = worker
    referral.picked_up_at = received + (latest - received) * rng.random() * 0.5
    if status == ReferralStatus.AWAITING_RESPONSE:
        if due < now:
            referral.breach_alerted_at = due + timedelta(minutes=rng.randint(1, 15))
        return
    answered = status != ReferralStatus.WITHDRAWN or rng.random() < 0.4
    moment = referral.picked_up_at
    if answered:
        if due < now and rng.random() < LATE_SHARE:
            referral.breach_alerted_at = due + timedelta(minutes=rng.randint(1, 15))
            late_by = timedelta(hours=rng.randint(1, 72))
            referral.responded_at = min(now, due + late_by)
        else:
            start = referral.picked_up_at
            referral.responded_at = start + (latest - start) * rng.random()
        referral.responded_by = worker
        referral.response_method = rng.choice(RESPONSE_METHODS)
        moment = referral.responded_at
    if status in OUTCOME_REASONS:
        referral.decided_at = min(now, moment + timedelta(hours=rng.randint(1, 240)))
        referral.decided_by = managers[rng.randrange(len(managers))] if managers else worker
        referral.outcome_reason = OUTCOME_REASONS[status]


def referral_count(clients: int) -> int:
    """How many referrals one call of `generate` makes."""
    return max(MINIMUM_PER_CALL, round(clients * REFERRALS_PER_CLIENT)) if clients > 0 else 0


def _referral(
    number: int,
    rng: random.Random,
    now: datetime,
    days_ago: int,
    engine: Rules,
    places: list[tuple[Hospital, list[str]]],
    intake: list[User],
) -> Referral:
    channel = CHANNELS.pick(rng)
    automatic = channel == Channel.AUTOMATIC
    referrer_type = ReferrerType.OTHER_PROFESSIONAL if automatic else REFERRERS.pick(rng)
    about_self = referrer_type == ReferrerType.SELF
    answer = LegalStatusAnswer.OTHER if automatic else LEGAL_STATUSES.pick(rng)
    other = ""
    if answer == LegalStatusAnswer.OTHER:
        other = rng.choice(AUTOMATIC_SECTIONS if automatic else OTHER_SECTIONS)
    code = engine.legal_status_code(answer, other)
    # Detained people are nearly always on a ward; others often are not.
    in_hospital = automatic or rng.random() < (
        0.95 if code and code not in {"s17a", "informal", "conditional_discharge"} else 0.5
    )
    hospital: Hospital | None = None
    ward = location = ""
    if in_hospital and places:
        hospital, ward_names = places[rng.randrange(len(places))]
        ward = ward_names[rng.randrange(len(ward_names))]
    else:
        in_hospital = False
        location = "At home in the community (fictional address)"
    day = now.astimezone(LONDON).date() - timedelta(days=days_ago)
    # Online referrals come at any hour; the rest mostly in office hours.
    hour = rng.randint(0, 23) if channel == Channel.ONLINE else rng.randint(8, 18)
    received_at = datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=LONDON)
    if received_at > now:
        received_at = now - timedelta(minutes=rng.randint(1, 600))
    clock = engine.clock(received_at)
    snapshot, category, statutory_referrers = engine.eligibility(code, in_hospital, day)
    first_name, last_name = "Bench", f"Person {number}"
    needs = [rng.choice(NEEDS)] if rng.random() < 0.15 else []
    person_phone = f"01632 960{number % 1000:03d}" if rng.random() < 0.5 else ""
    person_email = f"bench-person-{number}@example.org" if rng.random() < 0.2 else ""
    referral = Referral(
        reference=reference_for(number),
        channel=channel,
        recorded_by=intake[number % len(intake)] if intake and channel in STAFF_CHANNELS else None,
        received_at=received_at,
        counted_as_received_on=clock.counted_as_received_on,
        respond_by=clock.due_at,
        referrer_type=referrer_type,
        first_name=first_name,
        last_name=last_name,
        normalised_name=normalised_name(first_name, last_name),
        date_of_birth=(
            date(1945, 1, 1) + timedelta(days=rng.randint(0, 21000))
            if automatic or rng.random() < 0.85
            else None
        ),
        hospital=hospital,
        ward=ward,
        location_details=location,
        legal_status_answer=answer,
        legal_status_other=other,
        legal_status_code=code,
        help_with=[HelpTopic.RIGHTS] if automatic else rng.sample(HELP_TOPICS, rng.randint(1, 2)),
        communication_needs=needs,
        interpreter_language="Bench language (fictional)"
        if CommunicationNeed.INTERPRETER in needs
        else "",
        consent=Consent.NOT_YET if automatic else Consent.YES if about_self else CONSENTS.pick(rng),
        person_phone=person_phone,
        person_email=person_email,
        contact_method=ContactMethod.WARD if automatic else rng.choice(CONTACT_METHODS),
        safe_to_leave_message=rng.choice(["yes", "no", ""]),
        eligibility=snapshot,
        eligibility_category=category,
        is_statutory=referrer_type in statutory_referrers,
        possible_duplicate=rng.random() < 0.03,
    )
    if about_self:
        referral.referrer_name = f"{first_name} {last_name}"
        referral.referrer_phone = person_phone
        referral.referrer_email = person_email
    elif automatic:
        referral.referrer_name = "Mental Health Act office"
        referral.referrer_role = "Hospital managers (automatic referral)"
        referral.referrer_organisation = hospital.name if hospital else ""
    else:
        referral.referrer_name = f"Bench Referrer {number}"
        referral.referrer_role = REFERRER_ROLES[referrer_type]
        referral.referrer_organisation = "Bench NHS Trust (fictional)"
        referral.referrer_phone = f"01632 960{(number * 7) % 1000:03d}"
        referral.referrer_email = f"bench-referrer-{number}@example.org"
    return referral


def generate(*, clients: int, activities: int, staff: dict[str, list[User]]) -> None:
    total = referral_count(clients)
    rng = random.Random(clients * 6151 + 3)  # noqa: S311 - fictional data only
    now = timezone.now()
    intake = staff.get(Role.INTAKE, [])
    managers = staff.get(Role.MANAGER, [])
    engine = Rules()
    places = _places()
    offset = (Referral.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    for start in range(0, total, BATCH):
        rows = []
        for index in range(start, min(start + BATCH, total)):
            # Spread evenly over the history, oldest first, as real ones arrive.
            days_ago = int(HISTORY_DAYS * (1 - (index + rng.random()) / total))
            referral = _referral(offset + index, rng, now, days_ago, engine, places, intake)
            _outcome(rng, referral, now, intake, managers)
            rows.append(referral)
        Referral.objects.bulk_create(rows, batch_size=BATCH)
