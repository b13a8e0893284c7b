from __future__ import annotations

import pytest

from imha.cases.models import Case
from imha.core.demo import load_demo_data
from imha.referrals.demo import DEMO_REFERRALS, load_demo_referrals
from imha.referrals.models import Referral

pytestmark = pytest.mark.django_db


def test_demo_referrals_cover_each_state_and_load_once():
    # load_demo_data already runs the referral loader, so a second run must add nothing.
    load_demo_data()
    assert load_demo_referrals() == []
    assert Referral.objects.count() == len(DEMO_REFERRALS)
    statuses = set(Referral.objects.values_list("status", flat=True))
    assert statuses == {"new", "awaiting_response", "responded", "accepted", "declined"}
    assert Referral.objects.get(reference="RDEMO-0006").possible_duplicate
    assert Referral.objects.get(reference="RDEMO-0002").is_overdue()
    assert Case.objects.filter(referral__reference="RDEMO-0005").exists()
    # A 16-year-old informal patient who qualifies because ECT is being considered.
    under_18 = Referral.objects.get(reference="RDEMO-0008")
    assert under_18.legal_status_code == "informal"
    assert under_18.treatment_considered == "ect"
    assert under_18.eligibility["category"] == "informal_under18_s58a"
    assert under_18.eligibility["qualifies"] is True
