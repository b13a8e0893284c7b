"""The 3-working-day response clock, as stored on each referral."""

from __future__ import annotations

from datetime import date

import pytest

from imha.referrals.rules import response_clock
from tests.conftest import london

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "counted_from", "due"),
    [
        # Friday before the spring bank holiday (Monday 25 May 2026): Friday counts, the
        # Monday does not, so the third working day is Thursday.
        (london(2026, 5, 22, 16, 0), date(2026, 5, 22), london(2026, 5, 28, 17, 0)),
        # After 5pm counts from the next working day.
        (london(2026, 6, 10, 17, 30), date(2026, 6, 11), london(2026, 6, 16, 17, 0)),
        # Exactly 5pm is after hours too.
        (london(2026, 6, 10, 17, 0), date(2026, 6, 11), london(2026, 6, 16, 17, 0)),
        # Saturday counts from Monday.
        (london(2026, 6, 13, 11, 0), date(2026, 6, 15), london(2026, 6, 18, 17, 0)),
        # Friday after hours before a bank-holiday Monday starts on Tuesday.
        (london(2026, 5, 22, 18, 0), date(2026, 5, 26), london(2026, 5, 29, 17, 0)),
        # Christmas: 25 and 28 December 2026 are bank holidays.
        (london(2026, 12, 24, 16, 0), date(2026, 12, 24), london(2026, 12, 31, 17, 0)),
    ],
)
def test_respond_by_skips_evenings_weekends_and_bank_holidays(received, counted_from, due):
    clock = response_clock(received)
    assert clock.counted_as_received_on == counted_from
    assert clock.due_at == due


def test_the_deadline_is_stored_with_the_referral(make_referral):
    referral = make_referral(received_at=london(2026, 5, 22, 16, 0))
    referral.refresh_from_db()
    assert referral.counted_as_received_on == date(2026, 5, 22)
    assert referral.respond_by == london(2026, 5, 28, 17, 0)


def test_the_number_of_working_days_comes_from_settings(settings):
    settings.IMHA_SERVICE = {**settings.IMHA_SERVICE, "response_working_days": 5}
    assert response_clock(london(2026, 6, 10, 10, 0)).due_at == london(2026, 6, 17, 17, 0)


def test_the_calendar_follows_the_services_jurisdiction(settings):
    # The bank holiday calendar follows the nation the service works in.
    settings.IMHA_SERVICE = {**settings.IMHA_SERVICE, "jurisdiction": "wales"}
    assert response_clock(london(2026, 6, 10, 10, 0)).region.value == "wales"
