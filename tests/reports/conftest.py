"""A small, fixed world for the quarterly return, with every figure worked out by hand.

The period is quarter 1 of 2025 to 2026 (1 April to 30 June 2025), and the report is run
at noon on 2 July 2025. Bank holidays that matter: Good Friday 18 April, Easter Monday
21 April, and 5 and 26 May 2025.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from itertools import count
from typing import Any

import pytest
from django.core.cache import cache

from imha.accounts.models import Role, User
from imha.cases.models import (
    Activity,
    Case,
    CaseIssue,
    CaseStatus,
    Client,
    ClosureReason,
    IssueOutcome,
)
from imha.core.freshness import data_version
from imha.hospitals.models import Hospital, QualifyingNotice, Ward
from imha.law.working_days import LONDON
from imha.referrals.models import Referral, ReferralStatus
from imha.referrals.rules import response_clock
from imha.reports.periods import FinancialQuarter, ReportPeriod
from tests.conftest import london

PERIOD = FinancialQuarter(2025, 1).as_period()
NOW = datetime(2025, 7, 2, 12, 0, tzinfo=LONDON)
_references = count(1)


def make_referral(
    received_at: datetime,
    *,
    responded_at: datetime | None = None,
    status: str = ReferralStatus.NEW,
    channel: str = "phone",
    referrer_type: str = "self",
    legal_status_answer: str = "s3",
    eligibility_category: str = "detained",
    is_statutory: bool = True,
    hospital: Hospital | None = None,
    first_name: str = "Sam",
) -> Referral:
    clock = response_clock(received_at)
    if responded_at is not None and status == ReferralStatus.NEW:
        status = ReferralStatus.RESPONDED
    return Referral.objects.create(
        reference=f"RTEST-{next(_references):04d}",
        channel=channel,
        status=status,
        received_at=received_at,
        counted_as_received_on=clock.counted_as_received_on,
        respond_by=clock.due_at,
        referrer_type=referrer_type,
        first_name=first_name,
        last_name="Sample",
        normalised_name=f"{first_name.lower()} sample",
        legal_status_answer=legal_status_answer,
        consent="yes",
        eligibility_category=eligibility_category,
        is_statutory=is_statutory,
        hospital=hospital,
        responded_at=responded_at,
        response_method="phone" if responded_at else "",
        outcome_reason="Withdrawn by the referrer" if status == ReferralStatus.WITHDRAWN else "",
    )


def make_case(
    client: Client,
    opened_at: datetime,
    *,
    closed_at: datetime | None = None,
    hospital: Hospital | None = None,
    reason: str = ClosureReason.WORK_COMPLETE,
) -> Case:
    return Case.objects.create(
        client=client,
        opened_at=opened_at,
        closed_at=closed_at,
        status=CaseStatus.CLOSED if closed_at else CaseStatus.OPEN,
        closure_reason=reason if closed_at else "",
        hospital=hospital,
    )


def make_notice(
    hospital: Hospital,
    ward: Ward,
    creator: User,
    *,
    qualifying_since: date,
    due_by: date,
    verbally: date | None = None,
    in_writing: date | None = None,
) -> QualifyingNotice:
    return QualifyingNotice.objects.create(
        hospital=hospital,
        ward=ward,
        patient_name="Pat Example",
        responsible_clinician="Dr Example",
        status="s3",
        status_started_on=qualifying_since,
        qualifies=True,
        eligibility_category="detained",
        decision={},
        qualifying_since=qualifying_since,
        information_due_by=due_by,
        first_told_verbally_on=verbally,
        first_given_in_writing_on=in_writing,
        created_by=creator,
    )


@dataclass
class World:
    period: ReportPeriod
    now: datetime
    hospital_a: Hospital
    hospital_b: Hospital
    referrals: dict[str, Referral]
    cases: dict[str, Case]
    clients: dict[str, Client]
    notices: dict[str, QualifyingNotice]


@pytest.fixture
def world(db: None, hospital: Hospital, make_user: Callable[..., User]) -> World:
    """Referrals, cases, activities, outcomes and notices with known figures (see the tests).

    It empties the cache itself, so tests elsewhere that import it (tests/browser) never see
    figures kept from before it was made.
    """
    cache.clear()
    # The data version's row exists from the migration, but a test that really commits
    # (transaction=True) empties every table; reading it puts it back now, so no page view
    # in the test pays the one-off insert and query counts stay comparable.
    data_version()
    hospital_a = hospital
    hospital_b = Hospital.objects.create(name="Other Vale Hospital", code="other-vale")
    Hospital.objects.create(name="Closed Moor Hospital", code="closed-moor", is_active=False)
    referrals = {
        # Answered the same day: 0 working days, in time.
        "r1": make_referral(
            london(2025, 4, 1, 10), responded_at=london(2025, 4, 1, 15), hospital=hospital_a
        ),
        # Received before Easter; answered Wednesday 23 April: 2 working days, in time.
        "r2": make_referral(
            london(2025, 4, 17, 10),
            responded_at=london(2025, 4, 23, 9),
            channel="online",
            referrer_type="nearest_relative",
            legal_status_answer="s2",
            hospital=hospital_a,
        ),
        # After 5pm on the Friday before a bank holiday: counts from Tuesday 6 May, due
        # Friday 9 May, answered Monday 12 May: 4 working days, late.
        "r3": make_referral(
            london(2025, 5, 2, 18),
            responded_at=london(2025, 5, 12, 10),
            channel="email",
            referrer_type="responsible_clinician",
            legal_status_answer="s37",
            hospital=hospital_b,
        ),
        # Never answered, due 5 June: overdue.
        "r4": make_referral(
            london(2025, 6, 2, 9),
            referrer_type="other_professional",
            legal_status_answer="informal",
            eligibility_category="not_qualifying",
            is_statutory=False,
        ),
        # Received on the last afternoon, due 3 July: still within time on 2 July.
        "r5": make_referral(london(2025, 6, 30, 16), channel="online", hospital=hospital_a),
        # Withdrawn without an answer.
        "r6": make_referral(
            london(2025, 6, 10, 11),
            status=ReferralStatus.WITHDRAWN,
            channel="letter",
            referrer_type="other",
            legal_status_answer="dont_know",
            eligibility_category="unclear",
            is_statutory=False,
            hospital=hospital_b,
        ),
        # Answered Monday 16 June: 3 working days, on the deadline day so in time.
        "r7": make_referral(
            london(2025, 6, 11, 11),
            responded_at=london(2025, 6, 16, 10),
            referrer_type="amhp",
            legal_status_answer="s17a",
            eligibility_category="cto",
            hospital=hospital_a,
        ),
        # Outside the period on either side.
        "before": make_referral(london(2025, 3, 31, 23, 30), hospital=hospital_a),
        "after": make_referral(london(2025, 7, 1, 0, 30), hospital=hospital_a),
    }

    clients = {
        "ann": Client.objects.create(
            first_name="Ann",
            last_name="Example",
            date_of_birth=date(1990, 5, 1),
            sex="female",
            ethnicity="white_british",
            first_language="english",
        ),
        # 17 on 30 June 2025: the 17th birthday is that very day.
        "ben": Client.objects.create(
            first_name="Ben",
            last_name="Example",
            date_of_birth=date(2008, 6, 30),
            sex="male",
            ethnicity="asian_indian",
            disability="yes_a_little",
        ),
        "cat": Client.objects.create(
            first_name="Cat",
            last_name="Example",
            date_of_birth=date(1950, 1, 1),
            sex="prefer_not_to_say",
            ethnicity="prefer_not_to_say",
        ),
        "dan": Client.objects.create(first_name="Dan", last_name="Example"),
        "eve": Client.objects.create(first_name="Eve", last_name="Example"),
    }
    cases = {
        "c1": make_case(clients["ann"], london(2025, 3, 1, 9), hospital=hospital_a),
        "c2": make_case(
            clients["ben"],
            london(2025, 4, 10, 9),
            closed_at=london(2025, 6, 20, 9),
            hospital=hospital_a,
        ),
        "c3": make_case(clients["cat"], london(2025, 5, 5, 9), hospital=hospital_b),
        "c4": make_case(
            clients["dan"],
            london(2025, 1, 1, 9),
            closed_at=london(2025, 3, 31, 12),
            hospital=hospital_a,
            reason=ClosureReason.NO_CONTACT,
        ),
        "c5": make_case(clients["ann"], london(2025, 6, 1, 9)),
        "c6": make_case(clients["eve"], london(2025, 7, 1, 9), hospital=hospital_a),
    }
    activity_plan: list[tuple[str, str, date, int]] = [
        ("c1", "visit", date(2025, 4, 2), 60),
        ("c1", "ward_round", date(2025, 4, 15), 90),
        ("c2", "tribunal_hearing", date(2025, 5, 20), 180),
        ("c3", "managers_hearing", date(2025, 6, 10), 120),
        ("c3", "phone_call", date(2025, 6, 11), 15),
        ("c5", "cpa_review", date(2025, 6, 30), 45),
        ("c1", "visit", date(2025, 3, 31), 30),  # before the period
    ]
    for case_key, kind, day, minutes in activity_plan:
        Activity.objects.create(
            case=cases[case_key], kind=kind, occurs_on=day, duration_minutes=minutes
        )
    tribunal_issue = CaseIssue.objects.create(case=cases["c2"], topic="tribunal")
    concern_issue = CaseIssue.objects.create(case=cases["c3"], topic="concern")
    rights_issue = CaseIssue.objects.create(case=cases["c1"], topic="rights")
    outcome_plan: list[tuple[CaseIssue, str, date]] = [
        (tribunal_issue, "tribunal_applied", date(2025, 5, 1)),
        (tribunal_issue, "person_felt_heard", date(2025, 5, 21)),
        (concern_issue, "concern_resolved", date(2025, 6, 15)),
        (rights_issue, "right_exercised", date(2025, 3, 15)),  # before the period
    ]
    for issue, outcome, day in outcome_plan:
        IssueOutcome.objects.create(issue=issue, outcome=outcome, recorded_on=day)

    creator = make_user(Role.HOSPITAL, username="mha-office")
    ward_a = Ward.objects.create(hospital=hospital_a, name="Heather Ward")
    ward_b = Ward.objects.create(hospital=hospital_b, name="Oak Ward")
    notices = {
        # Told verbally in time, in writing a day late.
        "n1": make_notice(
            hospital_a,
            ward_a,
            creator,
            qualifying_since=date(2025, 4, 1),
            due_by=date(2025, 4, 2),
            verbally=date(2025, 4, 2),
            in_writing=date(2025, 4, 3),
        ),
        # Told both ways in time.
        "n2": make_notice(
            hospital_a,
            ward_a,
            creator,
            qualifying_since=date(2025, 5, 9),
            due_by=date(2025, 5, 12),
            verbally=date(2025, 5, 11),
            in_writing=date(2025, 5, 11),
        ),
        # Deadline 3 July: not passed when the report is run.
        "n3": make_notice(
            hospital_a,
            ward_a,
            creator,
            qualifying_since=date(2025, 6, 30),
            due_by=date(2025, 7, 3),
        ),
        # Before the period.
        "n4": make_notice(
            hospital_a,
            ward_a,
            creator,
            qualifying_since=date(2025, 3, 20),
            due_by=date(2025, 3, 21),
            verbally=date(2025, 3, 21),
        ),
        # Never told.
        "n5": make_notice(
            hospital_b, ward_b, creator, qualifying_since=date(2025, 6, 1), due_by=date(2025, 6, 2)
        ),
    }
    return World(PERIOD, NOW, hospital_a, hospital_b, referrals, cases, clients, notices)


def rows_of(breakdown: Any) -> dict[str, Any]:
    """A breakdown's rows as {key: value or marker}, with the total under "total"."""
    values = {row.key: row.figure.export_value for row in breakdown.rows}
    values["total"] = breakdown.total.export_value
    return values
