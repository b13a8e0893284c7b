"""Fictional clients and cases for the demo.

`load_demo_cases()` runs after the demo hospitals, wards and logins exist (see
imha.core.demo). It puts the demo advocate and manager in a demo team and goes through the
real services, so audit entries and dates are exactly what real use produces. Dates are
relative to today, so the caseload always has deadlines and visits coming up. Clients are
matched by name and date of birth, so running it again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from imha.accounts.models import Team, User
from imha.cases import services
from imha.cases.models import (
    ActivityKind,
    Case,
    Client,
    ClosureReason,
    Ethnicity,
    FirstLanguage,
    IssueStatus,
    IssueTopic,
    OutcomeKind,
    RecordsBasis,
    RecordsRequestStatus,
    Sex,
)
from imha.hospitals.models import Hospital, Ward

DEMO_TEAM = "Exampleshire North (fictional demo team)"


@dataclass(frozen=True)
class DemoActivity:
    kind: str
    days_from_today: int
    minutes: int
    at: time | None = None
    notes: str = ""


@dataclass(frozen=True)
class DemoCase:
    first_name: str
    last_name: str
    date_of_birth: date
    status_code: str
    status_days_ago: int
    hospital_code: str | None = None
    ward_name: str = ""
    community_location: str = ""
    allocated: bool = True
    first_medication_days_ago: int | None = None
    issues: tuple[str, ...] = ()
    activities: tuple[DemoActivity, ...] = ()
    closed_reason: str = ""
    equality: dict[str, Any] = field(default_factory=dict)


DEMO_CASES = [
    DemoCase(
        "Robin",
        "Fictitious",
        date(1979, 6, 14),
        "s3",
        status_days_ago=160,
        hospital_code="fictional-moor",
        ward_name="Heather Ward",
        first_medication_days_ago=150,
        issues=(IssueTopic.TRIBUNAL, IssueTopic.WARD_ROUND),
        activities=(
            DemoActivity(
                ActivityKind.VISIT, -6, 60, time(14, 0), "Talked through tribunal rights."
            ),
            DemoActivity(ActivityKind.WARD_ROUND, 3, 45, time(10, 30)),
            DemoActivity(ActivityKind.TRIBUNAL_HEARING, 10, 120, time(9, 30)),
        ),
        equality={
            "sex": Sex.MALE,
            "ethnicity": Ethnicity.WHITE_BRITISH,
            "first_language": FirstLanguage.ENGLISH,
        },
    ),
    DemoCase(
        "Sam",
        "Madeup",
        date(1996, 2, 3),
        "s2",
        status_days_ago=9,
        hospital_code="fictional-moor",
        ward_name="Bracken Ward",
        issues=(IssueTopic.RIGHTS,),
        activities=(DemoActivity(ActivityKind.PHONE_CALL, -2, 15),),
        equality={"sex": Sex.FEMALE, "ethnicity": Ethnicity.BLACK_CARIBBEAN},
    ),
    DemoCase(
        "Jo",
        "Pretend",
        date(1988, 11, 21),
        "s17a",
        status_days_ago=170,
        community_location="Exampletown community mental health team (fictional)",
        issues=(IssueTopic.CPA_REVIEW,),
        activities=(DemoActivity(ActivityKind.CPA_REVIEW, 5, 90, time(13, 0)),),
    ),
    DemoCase(
        "Kit",
        "Imaginary",
        date(1970, 1, 30),
        "s37/41",
        status_days_ago=400,
        hospital_code="imaginary-vale",
        ward_name="Willow Ward",
        allocated=False,
        issues=(IssueTopic.MANAGERS_HEARING,),
    ),
    DemoCase(
        "Lee",
        "Notreal",
        date(2001, 8, 8),
        "s2",
        status_days_ago=60,
        hospital_code="imaginary-vale",
        ward_name="Aspen Ward",
        issues=(IssueTopic.RIGHTS,),
        activities=(DemoActivity(ActivityKind.VISIT, -50, 45, time(11, 0)),),
        closed_reason=ClosureReason.WORK_COMPLETE,
    ),
]


def demo_team(advocate: User, manager: User) -> Team:
    team, _ = Team.objects.get_or_create(
        name=DEMO_TEAM, defaults={"area": "Fictional Moor Hospital and Exampletown"}
    )
    for user in (advocate, manager):
        if user.team_id != team.pk:
            user.team = team
            user.save(update_fields=["team"])
    return team


def _ward(hospital: Hospital | None, name: str) -> Ward | None:
    if hospital is None or not name:
        return None
    ward, _ = Ward.objects.get_or_create(hospital=hospital, name=name)
    return ward


def _load_case(spec: DemoCase, advocate: User, manager: User, today: date) -> Case:
    client = Client.objects.create(
        first_name=spec.first_name,
        last_name=spec.last_name,
        date_of_birth=spec.date_of_birth,
        contact_notes="Fictional demo person: contact through the ward.",
        **spec.equality,
    )
    case = services.open_case_for_client(client=client, actor=manager)
    hospital = Hospital.objects.filter(code=spec.hospital_code).first()
    services.update_case_details(
        case=case,
        fields={
            "hospital": hospital,
            "hospital_ward": _ward(hospital, spec.ward_name),
            "community_location": spec.community_location,
        },
        actor=manager,
    )
    if spec.allocated:
        case = services.allocate_case(case=case, advocate=advocate, actor=manager)
    started = today - timedelta(days=spec.status_days_ago)
    services.add_legal_status_period(
        case=case,
        fields={
            "status_code": spec.status_code,
            "started_on": started,
            "first_medication_on": (
                today - timedelta(days=spec.first_medication_days_ago)
                if spec.first_medication_days_ago is not None
                else None
            ),
        },
        actor=manager,
    )
    for topic in spec.issues:
        issue = services.add_issue(case=case, topic=topic, description="", actor=advocate)
        if spec.closed_reason:
            services.record_outcomes(
                issue=issue,
                outcomes=[OutcomeKind.INFORMATION_UNDERSTOOD, OutcomeKind.PERSON_FELT_HEARD],
                persons_words="I know what my section means now.",
                status=IssueStatus.RESOLVED,
                actor=advocate,
            )
    for activity in spec.activities:
        services.record_activity(
            case=case,
            fields={
                "kind": activity.kind,
                "occurs_on": today + timedelta(days=activity.days_from_today),
                "starts_at_time": activity.at,
                "duration_minutes": activity.minutes,
                "notes": activity.notes,
            },
            actor=advocate,
        )
    if spec.status_code == "s3":
        services.save_records_request(
            case=case,
            fields={
                "records": "Ward notes and the responsible clinician's tribunal report",
                "holder": "Fictional Moor Hospital records office",
                "basis": RecordsBasis.CONSENT,
                "asked_on": today - timedelta(days=5),
                "status": RecordsRequestStatus.ASKED,
            },
            actor=advocate,
        )
        services.add_note(
            case=case,
            text="Robin would like help preparing for the tribunal.\nPrefers afternoon visits.",
            actor=advocate,
        )
    if spec.closed_reason:
        case = services.close_case(case=case, reason=spec.closed_reason, note="", actor=advocate)
    return case


@transaction.atomic
def load_demo_cases() -> list[Case]:
    advocate = User.objects.filter(username="advocate").first()
    manager = User.objects.filter(username="manager").first()
    if advocate is None or manager is None:
        return []
    demo_team(advocate, manager)
    today = timezone.localdate()
    created = []
    for spec in DEMO_CASES:
        exists = Client.objects.filter(
            first_name=spec.first_name,
            last_name=spec.last_name,
            date_of_birth=spec.date_of_birth,
        ).exists()
        if not exists:
            created.append(_load_case(spec, advocate, manager, today))
    return created
