"""Fixtures for the referral tests: complete answers, referrals made through the real
services, and staff clients for each role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from imha.referrals import services
from imha.referrals.models import Channel, Referral, ReferralStatus


@pytest.fixture
def make_referral(answers: dict[str, Any]) -> Callable[..., Referral]:
    """Store a referral through the real service, changing any answers given."""

    def make(received_at: datetime | None = None, **changes: Any) -> Referral:
        return services.create_referral(
            fields=services.referral_fields_from_answers({**answers, **changes}),
            channel=Channel.ONLINE,
            received_at=received_at or timezone.now(),
        )

    return make


@pytest.fixture
def intake_client(verified_client: Callable[[str], Client]) -> Client:
    return verified_client("intake")


@pytest.fixture
def bulk_referrals(answers: dict[str, Any]) -> Callable[..., list[Referral]]:
    """Many referrals at once, for lists and pages: stored directly, without the services'
    checks, emails and audit entries, with deadlines an hour apart from `first_due`."""

    def make(
        count: int,
        *,
        status: str = ReferralStatus.NEW,
        first_due: datetime | None = None,
        step: timedelta = timedelta(hours=1),
        prefix: str = "RBULK",
    ) -> list[Referral]:
        fields = services.referral_fields_from_answers(answers)
        start = first_due or timezone.now() + timedelta(days=1)
        referrals = []
        for index in range(count):
            due = start + step * index
            referrals.append(
                Referral(
                    **{**fields, "first_name": f"Bulk{index}"},
                    reference=f"{prefix}-{index:04d}",
                    channel=Channel.PHONE,
                    status=status,
                    received_at=due - timedelta(days=3),
                    counted_as_received_on=(due - timedelta(days=3)).date(),
                    respond_by=due,
                    normalised_name=f"bulk{index} example",
                    eligibility={},
                    eligibility_category="unclear",
                    is_statutory=False,
                    outcome_reason="Not eligible" if status == ReferralStatus.DECLINED else "",
                )
            )
        return Referral.objects.bulk_create(referrals)

    return make
