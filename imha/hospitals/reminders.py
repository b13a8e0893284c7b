"""When a qualifying patient should be reminded about the IMHA service.

The Act (s130D England, s130K Wales) requires the patient to be told about IMHAs, verbally
and in writing, "as soon as practicable" after they become a qualifying patient. It says
nothing about reminders; the Code of Practice (England) 2015, chapters 4 and 6, expects
information to be given again at key points and at regular intervals, and leaves the detail
to each hospital. So the rules here are the service's reading of good practice, switched on
or off per hospital:

- before each period of the status ends: on the day the renewal examination starts (the
  2 months before expiry when the responsible clinician decides whether to renew, s20(3),
  s20(6), s20A(4)), or 7 days before the end of a period that has no renewal examination
  (s2, s35, s36, s38), because that is when a decision about the patient is being made;
- when a tribunal window opens (s66, s69, s70, s75), unless it opens the day the status
  starts, which the first information already covers;
- when the status changes, within the same working-day target as the first information,
  because the patient has a new status with new rights;
- every N weeks counted from the start of the current status.

Nothing is due for a patient who does not qualify or has been discharged, and nothing after
the discharge date. Plain Python: no database, so it is cheap to test table by table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from imha.law import (
    DeadlineRequest,
    ItemKind,
    LawInputError,
    add_working_days,
    compute_deadlines,
)

# How far ahead the schedule is worked out. Long enough that a hospital with regular
# reminders switched off still sees the next yearly tribunal window.
HORIZON_DAYS = 3 * 366
# The deadline engine lists a fixed number of periods; this covers three years even for the
# shortest renewable periods (28-day remands, capped by the engine at 12 weeks / 12 months).
DEADLINE_PERIODS = 20
DAYS_BEFORE_END_WITHOUT_EXAMINATION = 7


class ReminderKind(Enum):
    PERIOD_ENDING = "period_ending"
    TRIBUNAL_WINDOW = "tribunal_window"
    STATUS_CHANGE = "status_change"
    REGULAR = "regular"


@dataclass(frozen=True)
class ReminderPolicy:
    """A hospital's reminder settings, as plain values."""

    interval_weeks: int = 4
    before_period_ends: bool = True
    when_tribunal_window_opens: bool = True
    on_status_change: bool = True
    first_information_working_days: int = 1
    region: str = "england"


@dataclass(frozen=True)
class ScheduledReminder:
    due_on: date
    kind: ReminderKind
    reason: str
    source: str
    # Telling the patient on or after this day covers the reminder. It is the due day,
    # except after a change of status, where telling them the same day already counts.
    counts_from: date | None = None

    @property
    def covered_from(self) -> date:
        return self.counts_from or self.due_on


def information_due_by(qualifying_since: date, policy: ReminderPolicy) -> date:
    """The last day for the first information, verbally and in writing."""
    return add_working_days(qualifying_since, policy.first_information_working_days, policy.region)


def reminder_schedule(
    *,
    status: str,
    started_on: date,
    qualifies: bool,
    policy: ReminderPolicy,
    status_changed: bool = False,
    discharged_on: date | None = None,
    until: date | None = None,
) -> list[ScheduledReminder]:
    """Every reminder due for the current status, in date order, up to `until`.

    `status_changed` is True when the current status replaced an earlier qualifying one
    (so the patient was already told about IMHAs under the old status).
    """
    if not qualifies:
        return []
    last_day = until or started_on + timedelta(days=HORIZON_DAYS)
    if discharged_on is not None:
        last_day = min(last_day, discharged_on)
    reminders: list[ScheduledReminder] = []
    if status_changed and policy.on_status_change:
        reminders.append(
            ScheduledReminder(
                information_due_by(started_on, policy),
                ReminderKind.STATUS_CHANGE,
                "The status changed: tell the patient about IMHAs again, verbally and in writing.",
                "MHA 1983 s130D; Code of Practice (England) 2015 ch 6",
                counts_from=started_on,
            )
        )
    reminders.extend(_statutory_date_reminders(status, started_on, policy))
    if policy.interval_weeks > 0:
        step = timedelta(weeks=policy.interval_weeks)
        due = started_on + step
        number = 1
        while due <= last_day:
            reminders.append(
                ScheduledReminder(
                    due,
                    ReminderKind.REGULAR,
                    f"Regular reminder ({policy.interval_weeks * number} weeks "
                    "since the status started).",
                    "Code of Practice (England) 2015 ch 4 and ch 6; hospital policy",
                )
            )
            due += step
            number += 1
    in_range = [r for r in reminders if started_on <= r.due_on <= last_day]
    return sorted(in_range, key=lambda r: (r.due_on, r.kind.value))


def _statutory_date_reminders(
    status: str, started_on: date, policy: ReminderPolicy
) -> list[ScheduledReminder]:
    try:
        deadlines = compute_deadlines(
            DeadlineRequest(status=status, start=started_on, periods=DEADLINE_PERIODS)
        )
    except LawInputError:
        # s17 leave and informal admission have no dates of their own, and hour-based powers
        # need a time of day this record does not hold: only the other reminders apply.
        return []
    reminders: list[ScheduledReminder] = []
    examinations = {
        item.sequence: item
        for item in deadlines.items
        if item.kind is ItemKind.RENEWAL_EXAMINATION and item.sequence is not None
    }
    if policy.before_period_ends:
        for item in deadlines.items:
            if item.kind is not ItemKind.PERIOD:
                continue
            examination = examinations.get(item.sequence or 0)
            if examination is not None:
                due = examination.start
                reason = (
                    "The renewal examination starts: the responsible clinician will decide "
                    "whether to renew the section."
                )
                source = examination.source
            else:
                due = max(
                    item.start, item.end - timedelta(days=DAYS_BEFORE_END_WITHOUT_EXAMINATION)
                )
                reason = f"This period of the status ends on {_day(item.end)}."
                source = item.source
            reminders.append(ScheduledReminder(due, ReminderKind.PERIOD_ENDING, reason, source))
    if policy.when_tribunal_window_opens:
        for item in deadlines.items:
            if item.kind is ItemKind.TRIBUNAL_WINDOW and item.start > started_on:
                reminders.append(
                    ScheduledReminder(
                        item.start,
                        ReminderKind.TRIBUNAL_WINDOW,
                        "A tribunal window opens: the patient can apply to the tribunal "
                        f"until {_day(item.end)}.",
                        item.source,
                    )
                )
    return reminders


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def next_reminder(
    schedule: list[ScheduledReminder], last_informed_on: date | None
) -> ScheduledReminder | None:
    """The first reminder not yet covered by telling the patient.

    Telling the patient on or after a reminder's date covers that reminder and every earlier
    one: one conversation brings them up to date.
    """
    for reminder in schedule:
        if last_informed_on is None or reminder.covered_from > last_informed_on:
            return reminder
    return None
