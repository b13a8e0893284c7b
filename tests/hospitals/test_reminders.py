"""The reminder schedule, worked out by hand from the statute's counting rules.

s3 from Monday 2 March 2026: the first 6-month period ends on 1 September 2026, so the
renewal examination starts on 2 July 2026 (2 months before the end) and the second tribunal
window opens with the renewal period on 2 September 2026. The first window opens the day the
section starts, which the first information already covers.
"""

from __future__ import annotations

from datetime import date

import pytest

from imha.hospitals.reminders import (
    ReminderKind,
    ReminderPolicy,
    information_due_by,
    next_reminder,
    reminder_schedule,
)

PERIOD = ReminderKind.PERIOD_ENDING
WINDOW = ReminderKind.TRIBUNAL_WINDOW
REGULAR = ReminderKind.REGULAR
CHANGE = ReminderKind.STATUS_CHANGE
MARCH_2 = date(2026, 3, 2)

CASES = [
    pytest.param(
        dict(status="s3", started_on=MARCH_2, until=date(2026, 12, 31)),
        ReminderPolicy(interval_weeks=0),
        [(date(2026, 7, 2), PERIOD), (date(2026, 9, 2), WINDOW)],
        id="s3 renewal examination and second tribunal window",
    ),
    pytest.param(
        dict(status="s3", started_on=MARCH_2, until=date(2026, 5, 31)),
        ReminderPolicy(interval_weeks=4),
        [(date(2026, 3, 30), REGULAR), (date(2026, 4, 27), REGULAR), (date(2026, 5, 25), REGULAR)],
        id="s3 every 4 weeks",
    ),
    pytest.param(
        dict(status="s3", started_on=MARCH_2, until=date(2026, 9, 30)),
        ReminderPolicy(interval_weeks=8),
        [
            (date(2026, 4, 27), REGULAR),
            (date(2026, 6, 22), REGULAR),
            (date(2026, 7, 2), PERIOD),
            (date(2026, 8, 17), REGULAR),
            (date(2026, 9, 2), WINDOW),
        ],
        id="s3 renewal and every 8 weeks together, in date order",
    ),
    pytest.param(
        dict(status="s3", started_on=MARCH_2, discharged_on=date(2026, 4, 15)),
        ReminderPolicy(interval_weeks=4),
        [(date(2026, 3, 30), REGULAR)],
        id="reminders stop at discharge",
    ),
    pytest.param(
        dict(status="s2", started_on=MARCH_2),
        ReminderPolicy(interval_weeks=0),
        # 28 days counting 2 March ends on 29 March; no renewal examination, so 7 days before.
        [(date(2026, 3, 22), PERIOD)],
        id="s2 a week before it ends",
    ),
    pytest.param(
        dict(status="s37/41", started_on=MARCH_2, until=date(2027, 1, 1)),
        ReminderPolicy(interval_weeks=0),
        [(date(2026, 9, 2), WINDOW)],
        id="restricted patient: first window after 6 months (s70)",
    ),
    pytest.param(
        dict(status="s17", started_on=MARCH_2, until=date(2026, 3, 31)),
        ReminderPolicy(interval_weeks=2),
        [(date(2026, 3, 16), REGULAR), (date(2026, 3, 30), REGULAR)],
        id="leave has no dates of its own: regular reminders only",
    ),
    pytest.param(
        # Friday 6 March; one working day later is Monday 9 March.
        dict(status="s3", started_on=date(2026, 3, 6), status_changed=True, until=date(2026, 4, 1)),
        ReminderPolicy(interval_weeks=0),
        [(date(2026, 3, 9), CHANGE)],
        id="change of status within one working day",
    ),
    pytest.param(
        dict(status="s3", started_on=date(2026, 3, 6), status_changed=True, until=date(2026, 4, 1)),
        ReminderPolicy(interval_weeks=0, on_status_change=False),
        [],
        id="change of status reminder switched off",
    ),
    pytest.param(
        dict(status="s3", started_on=MARCH_2, until=date(2026, 12, 31)),
        ReminderPolicy(
            interval_weeks=0, before_period_ends=False, when_tribunal_window_opens=False
        ),
        [],
        id="everything switched off",
    ),
]


@pytest.mark.parametrize(("facts", "policy", "expected"), CASES)
def test_reminder_schedule(facts, policy, expected):
    schedule = reminder_schedule(qualifies=True, policy=policy, **facts)
    assert [(r.due_on, r.kind) for r in schedule] == expected
    assert all(r.reason and r.source for r in schedule)


def test_no_reminders_for_a_patient_who_does_not_qualify():
    assert (
        reminder_schedule(
            status="s136", started_on=MARCH_2, qualifies=False, policy=ReminderPolicy()
        )
        == []
    )


def test_next_reminder_is_the_first_not_covered_by_telling_the_patient():
    schedule = reminder_schedule(
        status="s3",
        started_on=MARCH_2,
        qualifies=True,
        policy=ReminderPolicy(interval_weeks=4),
        until=date(2026, 6, 30),
    )
    assert next_reminder(schedule, None).due_on == date(2026, 3, 30)
    # Telling them on the due day covers that reminder.
    assert next_reminder(schedule, date(2026, 3, 30)).due_on == date(2026, 4, 27)
    # A late conversation covers every earlier reminder at once.
    assert next_reminder(schedule, date(2026, 5, 1)).due_on == date(2026, 5, 25)
    assert next_reminder(schedule, date(2026, 6, 30)) is None


def test_telling_the_patient_on_the_day_the_status_changes_covers_that_reminder():
    schedule = reminder_schedule(
        status="s3",
        started_on=date(2026, 3, 6),
        qualifies=True,
        status_changed=True,
        policy=ReminderPolicy(interval_weeks=4),
        until=date(2026, 6, 30),
    )
    assert next_reminder(schedule, date(2026, 3, 5)).kind is CHANGE
    assert next_reminder(schedule, date(2026, 3, 6)).due_on == date(2026, 4, 3)


@pytest.mark.parametrize(
    ("qualified", "working_days", "due"),
    [
        (date(2026, 3, 2), 1, date(2026, 3, 3)),  # Monday to Tuesday
        (date(2026, 3, 6), 1, date(2026, 3, 9)),  # Friday to Monday
        (date(2026, 12, 24), 1, date(2026, 12, 29)),  # over Christmas and the substitute day
        (date(2026, 3, 2), 3, date(2026, 3, 5)),
    ],
)
def test_first_information_deadline_counts_working_days(qualified, working_days, due):
    policy = ReminderPolicy(first_information_working_days=working_days)
    assert information_due_by(qualified, policy) == due
