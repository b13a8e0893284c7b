"""Fixtures for case work: teams, staff signed in through the real pages, and cases made
through the real services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.test import Client

from imha.accounts.models import Role, Team, User
from imha.cases import services
from imha.cases.models import Case
from imha.cases.models import Client as Person
from imha.hospitals.models import Hospital, Ward
from tests.conftest import STAFF_PASSWORD, current_code

# The day the pages are told it is, so statutory dates in assertions never drift.
FIXED_TODAY = date(2026, 11, 25)


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Fix the day for the pages and for the services that store statutory dates, which
    store them from the day they are written."""
    monkeypatch.setattr("imha.cases.views.local_today", lambda: FIXED_TODAY)
    monkeypatch.setattr("imha.cases.deadlines.local_today", lambda: FIXED_TODAY)
    return FIXED_TODAY


@pytest.fixture
def teams(db: None) -> dict[str, Team]:
    return {
        "north": Team.objects.create(name="North team", area="Fictional Moor"),
        "south": Team.objects.create(name="South team", area="Imaginary Vale"),
    }


@pytest.fixture
def staff(make_user: Callable[..., User], teams: dict[str, Team]) -> dict[str, User]:
    """One person per role, and advocates in two teams."""
    return {
        "ada": make_user(Role.ADVOCATE, "ada", team=teams["north"], first_name="Ada"),
        "nia": make_user(Role.ADVOCATE, "nia", team=teams["north"], first_name="Nia"),
        "sol": make_user(Role.ADVOCATE, "sol", team=teams["south"], first_name="Sol"),
        "manager": make_user(Role.MANAGER, "manager", team=teams["north"]),
        "intake": make_user(Role.INTAKE, "intake"),
        "other_intake": make_user(Role.INTAKE, "other-intake"),
        "hospital": make_user(Role.HOSPITAL, "hospital"),
        "commissioner": make_user(Role.COMMISSIONER, "commissioner"),
        "administrator": make_user(Role.ADMINISTRATOR, "administrator"),
    }


@pytest.fixture
def sign_in(enrolled_device: Any) -> Callable[[User], Client]:
    """A test client signed in as this user through the password and security code pages.
    Asking again for the same user gives the same client: a security code works once."""
    signed_in: dict[int, Client] = {}

    def sign_in_as(user: User) -> Client:
        if user.pk in signed_in:
            return signed_in[user.pk]
        device = enrolled_device(user)
        client = Client()
        response = client.post("/sign-in/", {"username": user.username, "password": STAFF_PASSWORD})
        assert response.status_code == 302
        response = client.post("/sign-in/security-code/", {"code": current_code(device)})
        assert response.status_code == 302
        signed_in[user.pk] = client
        return client

    return sign_in_as


@pytest.fixture
def ward(hospital: Hospital) -> Ward:
    return Ward.objects.create(hospital=hospital, name="Heather Ward")


@pytest.fixture
def make_case(staff: dict[str, User], hospital: Hospital, ward: Ward) -> Callable[..., Case]:
    """A case made through the services, optionally allocated and with a legal status."""
    counter = iter(range(1, 10_000))

    def make(
        advocate: User | None = None,
        *,
        first_name: str = "Rowan",
        last_name: str | None = None,
        status_code: str | None = None,
        started_on: date | None = None,
        first_medication_on: date | None = None,
        date_of_birth: date | None = date(1980, 5, 17),
        **client_fields: Any,
    ) -> Case:
        manager = staff["manager"]
        person = Person.objects.create(
            first_name=first_name,
            last_name=last_name or f"Testperson{next(counter)}",
            date_of_birth=date_of_birth,
            **client_fields,
        )
        case = services.open_case_for_client(client=person, actor=manager)
        services.update_case_details(
            case=case, fields={"hospital": hospital, "hospital_ward": ward}, actor=manager
        )
        if advocate is not None:
            case = services.allocate_case(case=case, advocate=advocate, actor=manager)
        if status_code is not None:
            services.add_legal_status_period(
                case=case,
                fields={
                    "status_code": status_code,
                    "started_on": started_on or date(2026, 11, 1),
                    "first_medication_on": first_medication_on,
                },
                actor=manager,
            )
        case.refresh_from_db()
        return case

    return make


@pytest.fixture
def make_referral_for_cases(hospital: Hospital) -> Callable[..., Any]:
    """A referral stored through the real service, as the public form would."""
    from django.utils import timezone

    from imha.referrals import services as referral_services
    from imha.referrals.models import Channel

    answers: dict[str, Any] = {
        "referrer_type": "self",
        "first_name": "Referred",
        "last_name": "Person",
        "date_of_birth": "1984-02-29",
        "location": str(hospital.pk),
        "ward": "Willow",
        "legal_status_answer": "s3",
        "help_with": ["tribunal", "other"],
        "help_other": "Leave to see family",
        "communication_needs": [],
        "consent": "yes",
        "contact_method": "ward",
        "safe_to_leave_message": "no",
    }

    def make(**changes: Any) -> Any:
        return referral_services.create_referral(
            fields=referral_services.referral_fields_from_answers({**answers, **changes}),
            channel=Channel.ONLINE,
            received_at=timezone.now(),
        )

    return make
