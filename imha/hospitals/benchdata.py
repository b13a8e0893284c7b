"""Benchmark data for hospitals: a few fictional hospitals with wards, and qualifying notices
(with their first status change) in proportion to the number of clients. Called by
`manage.py bench_data` (see imha/core/management/commands).

Rows are made with bulk_create, skipping services, audit entries and written-information
PDFs: this is volume for measuring the dashboard and the compliance page, not a record of
anything that happened. The copied duty-to-inform dates (deadline, next reminder, when the
next action is due) are still worked out with the same rules the services use, with the rules
engine's answers cached per status and per date, and the first-information tallies are
counted afresh from the notices after each call, so the pages count what they would count
for real data. Names are plainly fictional ("Bench Patient 123").
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from typing import Any

from django.db.models import Max
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.hospitals import services, tallies
from imha.hospitals.models import Hospital, QualifyingNotice, StatusChange, Ward
from imha.hospitals.reminders import (
    ReminderPolicy,
    ScheduledReminder,
    information_due_by,
    next_reminder,
    reminder_schedule,
)
from imha.law.serialise import decision_as_dict

BATCH = 5000
NOTICES_PER_CLIENT = 0.5
# Even the small first call records enough patients to spread over the history and over
# every hospital, so pages count the same queries at both sizes.
MINIMUM_PER_CALL = 20
HISTORY_DAYS = 2 * 365

# The core command makes "bench-general" for the hospital users it signs in as; the others
# are extra sites so the compliance page has several rows. Notices go round this list, so
# bench-general (listed twice) holds two in five of them.
GENERAL = ("bench-general", "Benchmark General (fictional)")
HOSPITALS = [
    GENERAL,
    ("bench-moorside", "Bench Moorside Hospital (fictional)"),
    ("bench-riverside", "Bench Riverside Unit (fictional)"),
    ("bench-hilltop", "Bench Hilltop Hospital (fictional)"),
]
NOTICE_ROTATION = [0, 0, 1, 2, 3]
ACTIVE_WARDS = [
    "Ash Ward",
    "Beech Ward",
    "Cedar Ward",
    "Elder Ward",
    "Hazel Ward",
    "Juniper Ward",
    "Rowan Ward",
]
# A closed ward keeps its old (discharged) patients, as a real one would.
CLOSED_WARD = "Old Elm Ward (closed)"

# (status, weight): mostly detentions, some CTOs and conditional discharges, and short-term
# holding powers that are recorded but do not qualify.
STATUS_WEIGHTS = [
    ("s2", 25),
    ("s3", 33),
    ("s37", 7),
    ("s37/41", 4),
    ("s17a", 8),
    ("conditional_discharge", 2),
    ("s136", 13),
    ("s5(2)", 6),
    ("informal", 2),
]
STATUSES = [status for status, _ in STATUS_WEIGHTS]
WEIGHTS = [weight for _, weight in STATUS_WEIGHTS]
SHORT_HOLDS = {"s136", "s5(2)"}

STAFF_PAGES: list[tuple[str, str, str]] = [
    ("hospital dashboard", "/hospital/", Role.HOSPITAL.value),
    ("hospital compliance", "/staff/hospitals/", Role.MANAGER.value),
]


@cache
def decision_fields(status: str) -> dict[str, Any]:
    """What create_notice stores about a status's decision, once per status."""
    decision = services.assess_status(status)
    duty = decision.duty_to_inform
    return {
        "qualifies": decision.qualifies,
        "eligibility_category": decision.category.value,
        "duty_holder": duty.holder[:300] if duty else "",
        "decision": decision_as_dict(decision),
    }


class Tracking:
    """The duty-to-inform rules under the default hospital policy, cached per date."""

    def __init__(self, policy: ReminderPolicy) -> None:
        self.policy = policy
        self._due: dict[date, date] = {}
        self._schedules: dict[tuple[str, date], list[ScheduledReminder]] = {}

    def due_by(self, qualifying_since: date) -> date:
        if qualifying_since not in self._due:
            self._due[qualifying_since] = information_due_by(qualifying_since, self.policy)
        return self._due[qualifying_since]

    def next_reminder(
        self, status: str, started_on: date, last_informed_on: date | None
    ) -> ScheduledReminder | None:
        key = (status, started_on)
        if key not in self._schedules:
            self._schedules[key] = reminder_schedule(
                status=status, started_on=started_on, qualifies=True, policy=self.policy
            )
        return next_reminder(self._schedules[key], last_informed_on)


def bench_hospitals() -> list[Hospital]:
    hospitals = []
    for code, name in HOSPITALS:
        hospital, _ = Hospital.objects.get_or_create(code=code, defaults={"name": name})
        hospitals.append(hospital)
    return hospitals


def bench_wards(hospitals: list[Hospital]) -> dict[int, tuple[list[Ward], Ward]]:
    """Each hospital's (active wards, closed ward), made on the first call."""
    wanted = [*ACTIVE_WARDS, CLOSED_WARD]
    existing = {
        (ward.hospital_id, ward.name)
        for ward in Ward.objects.filter(hospital__in=hospitals, name__in=wanted)
    }
    Ward.objects.bulk_create(
        Ward(hospital=hospital, name=name, is_active=name != CLOSED_WARD)
        for hospital in hospitals
        for name in wanted
        if (hospital.pk, name) not in existing
    )
    by_hospital: dict[int, tuple[list[Ward], Ward]] = {}
    wards = Ward.objects.filter(hospital__in=hospitals, name__in=wanted).order_by("name")
    for hospital in hospitals:
        mine = [ward for ward in wards if ward.hospital_id == hospital.pk]
        closed = next(ward for ward in mine if ward.name == CLOSED_WARD)
        by_hospital[hospital.pk] = ([ward for ward in mine if ward is not closed], closed)
    return by_hospital


def recorders(hospitals: list[Hospital], staff: dict[str, list[User]]) -> dict[int, list[User]]:
    """Who records notices at each hospital: its own hospital users.

    The core command's hospital users all work at bench-general; each other site gets one
    account of its own that cannot sign in.
    """
    found: dict[int, list[User]] = {}
    for hospital in hospitals:
        users = [user for user in staff.get(Role.HOSPITAL, []) if user.hospital_id == hospital.pk]
        if not users:
            user, created = User.objects.get_or_create(
                username=f"recorder-{hospital.code}",
                defaults={
                    "role": Role.HOSPITAL,
                    "hospital": hospital,
                    "first_name": "Bench",
                    "last_name": "Recorder (fictional)",
                },
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            users = [user]
        found[hospital.pk] = users
    return found


def _informed_dates(
    rng: random.Random, started_on: date, due: date, last_day: date, open_: bool
) -> tuple[date | None, date | None]:
    """When the patient was first told verbally and in writing: mostly in time.

    Nothing is recorded after `last_day` (today, or the day they left).
    """
    roll = rng.random()
    window = (due - started_on).days
    on_time = started_on + timedelta(days=rng.randint(0, window))
    late = due + timedelta(days=rng.randint(1, 12))
    verbal: date | None
    written: date | None
    if roll < 0.78:  # both in time, writing the same day or a little later
        verbal = on_time
        written = on_time + timedelta(days=rng.randint(0, (due - on_time).days))
    elif roll < 0.88:  # told late
        verbal = late
        written = late + timedelta(days=rng.randint(0, 3))
    elif roll < 0.94:  # told in time, but the leaflet only later (or not yet)
        verbal = on_time
        written = None if open_ and rng.random() < 0.5 else late
    else:  # not told at all (yet)
        verbal = written = None
    return (
        verbal if verbal is not None and verbal <= last_day else None,
        written if written is not None and written <= last_day else None,
    )


def notice_count(clients: int) -> int:
    """How many notices one call of `generate` makes."""
    return max(MINIMUM_PER_CALL, round(clients * NOTICES_PER_CLIENT)) if clients > 0 else 0


def _notice(
    number: int,
    rng: random.Random,
    today: date,
    age: int,
    hospital: Hospital,
    wards: tuple[list[Ward], Ward],
    recorder: User,
    tracking: Tracking,
) -> QualifyingNotice:
    status = rng.choices(STATUSES, WEIGHTS)[0]
    fields = decision_fields(status)
    started_on = today - timedelta(days=age)
    if status in SHORT_HOLDS:
        open_share = 0.9 if age <= 2 else 0.0
    else:
        open_share = 0.7 if age <= 28 else 0.25 if age <= 180 else 0.03
    open_ = age == 0 or rng.random() < open_share
    discharged_on: date | None = None
    if not open_:  # age is at least 1 here
        longest = 3 if status in SHORT_HOLDS else 240
        discharged_on = started_on + timedelta(days=rng.randint(1, min(age, longest)))
    active_wards, closed_ward = wards
    if discharged_on is not None and rng.random() < 0.05:
        ward = closed_ward
    else:
        ward = active_wards[rng.randrange(len(active_wards))]
    notice = QualifyingNotice(
        hospital=hospital,
        ward=ward,
        patient_name=f"Bench Patient {number}",
        hospital_number=f"BENCH-{number:07d}",
        date_of_birth=date(1945, 1, 1) + timedelta(days=rng.randint(0, 22000)),
        responsible_clinician=f"Dr Bench Clinician {number % 40}",
        status=status,
        status_started_on=started_on,
        discharged_on=discharged_on,
        created_by=recorder,
        **fields,
    )
    if fields["qualifies"]:
        due = tracking.due_by(started_on)
        notice.qualifying_since = started_on
        notice.information_due_by = due
        verbal, written = _informed_dates(rng, started_on, due, discharged_on or today, open_)
        notice.first_told_verbally_on = verbal
        notice.first_given_in_writing_on = written
        told = [day for day in (verbal, written) if day is not None]
        last = max(told) if told else None
        if open_ and last is not None and age > 28 and rng.random() < 0.7:
            # Most wards keep up with the regular reminders.
            last = max(last, today - timedelta(days=rng.randint(0, 27)))
        notice.last_informed_on = last
        if open_:
            upcoming = tracking.next_reminder(status, started_on, last)
            if upcoming is not None:
                notice.next_reminder_on = upcoming.due_on
                notice.next_reminder_reason = upcoming.reason[:200]
    notice.action_due_on = services.action_due_on(notice)
    return notice


def generate(*, clients: int, activities: int, staff: dict[str, list[User]]) -> None:
    hospitals = bench_hospitals()
    wards = bench_wards(hospitals)
    people = recorders(hospitals, staff)
    total = notice_count(clients)
    rng = random.Random(clients * 104729 + 17)  # noqa: S311 - fictional data only
    today = timezone.localdate()
    # Every hospital has the default reminder policy, so one set of cached answers serves all.
    tracking = Tracking(services.reminder_policy(hospitals[0]))
    offset = (QualifyingNotice.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    for start in range(0, total, BATCH):
        notices = []
        for index in range(start, min(start + BATCH, total)):
            number = offset + index
            hospital = hospitals[NOTICE_ROTATION[index % len(NOTICE_ROTATION)]]
            recorder_list = people[hospital.pk]
            # Spread evenly over the history, oldest first, as real ones are recorded.
            age = int(HISTORY_DAYS * (1 - (index + rng.random()) / total))
            notices.append(
                _notice(
                    number,
                    rng,
                    today,
                    age,
                    hospital,
                    wards[hospital.pk],
                    recorder_list[number % len(recorder_list)],
                    tracking,
                )
            )
        made = QualifyingNotice.objects.bulk_create(notices, batch_size=BATCH)
        StatusChange.objects.bulk_create(
            (
                StatusChange(
                    notice=notice,
                    status=notice.status,
                    started_on=notice.status_started_on,
                    qualifies=notice.qualifies,
                    decision=notice.decision,
                    recorded_by_id=notice.created_by_id,
                )
                for notice in made
            ),
            batch_size=BATCH,
        )
    # bulk_create skips the services that keep the tallies; count this call's notices (and
    # any from earlier calls) in one go instead.
    tallies.rebuild(hospital_ids=[hospital.pk for hospital in hospitals])
