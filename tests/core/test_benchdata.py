"""`manage.py bench_data` at a small size: every app's generator runs, the rows come out in
the intended proportions, and every benchmarked page makes the same number of queries at
both data sizes."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from imha.cases.models import Case, Client
from imha.core.management.commands.bench_data import CORE_STAFF_PAGES, SMALL_SHARE, bench_modules
from imha.hospitals.benchdata import notice_count
from imha.hospitals.models import Hospital, QualifyingNotice, StatusChange, Ward
from imha.referrals.benchdata import referral_count
from imha.referrals.models import UNANSWERED_STATUSES, Referral, ReferralStatus

CLIENTS = 200
# The command generates a small share first, then the rest.
SMALL = max(1, int(CLIENTS * SMALL_SHARE))


@pytest.mark.django_db
def test_bench_data_fills_every_app_and_pages_stay_constant() -> None:
    out = StringIO()
    call_command(
        "bench_data",
        "--clients",
        str(CLIENTS),
        "--activities",
        "2000",
        "--password",
        "x-long-password-123",
        stdout=out,
    )
    output = json.loads(out.getvalue())
    check_every_listed_page_makes_the_same_queries_at_both_sizes(output)
    check_rows_come_out_in_proportion_to_clients()
    check_referrals_are_consistent()
    check_notices_track_the_duty_to_inform()
    check_describe_only_reuses_the_data(output)


def check_describe_only_reuses_the_data(generated: dict[str, Any]) -> None:
    """`make bench --reuse-data` describes the existing data instead of adding more."""
    clients_before = Client.objects.count()
    out = StringIO()
    call_command("bench_data", "--describe-only", "--password", "unused-here", stdout=out)
    described = json.loads(out.getvalue())
    assert Client.objects.count() == clients_before
    assert described["staff"] == generated["staff"]
    assert described["staff_pages"] == generated["staff_pages"]
    assert described["hospital_id"] == generated["hospital_id"]
    assert {name: counts["large"] for name, counts in described["query_counts"].items()} == {
        name: counts["large"] for name, counts in generated["query_counts"].items()
    }


@pytest.mark.django_db
def test_describe_only_refuses_when_there_is_no_data() -> None:
    with pytest.raises(CommandError, match="No benchmark data"):
        call_command("bench_data", "--describe-only", "--password", "unused-here")


def check_every_listed_page_makes_the_same_queries_at_both_sizes(output: dict[str, Any]) -> None:
    listed = list(CORE_STAFF_PAGES)
    for module in bench_modules():
        listed.extend(getattr(module, "STAFF_PAGES", []))
    names = [name for name, _, _ in listed]
    assert "referral inbox" in names
    assert "hospital dashboard" in names
    assert "hospital compliance" in names
    counts = output["query_counts"]
    assert set(counts) == set(names)
    for name in names:
        assert counts[name]["small"] > 0, name
        assert counts[name]["small"] == counts[name]["large"], (name, counts[name])


def check_rows_come_out_in_proportion_to_clients() -> None:
    assert Client.objects.count() == CLIENTS
    assert Case.objects.count() == CLIENTS
    rest = CLIENTS - SMALL
    # About 1.3 referrals and 0.5 notices a client, with a floor for the tiny first call.
    assert referral_count(rest) == round(1.3 * rest)
    assert notice_count(rest) == round(0.5 * rest)
    assert Referral.objects.count() == referral_count(SMALL) + referral_count(rest)
    assert QualifyingNotice.objects.count() == notice_count(SMALL) + notice_count(rest)
    assert StatusChange.objects.count() == QualifyingNotice.objects.count()


def check_referrals_are_consistent() -> None:
    now = timezone.now()
    referrals = list(Referral.objects.all())
    assert len({r.reference for r in referrals}) == len(referrals)
    assert len({r.submission_token for r in referrals}) == len(referrals)
    statuses = {r.status for r in referrals}
    assert {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED} <= statuses
    for referral in referrals:
        assert referral.first_name == "Bench"
        assert referral.received_at <= now
        assert referral.respond_by > referral.received_at
        assert referral.counted_as_received_on <= referral.respond_by.date()
        assert referral.eligibility["category"] == referral.eligibility_category
        if referral.status in UNANSWERED_STATUSES:
            assert referral.responded_at is None
        if referral.responded_at is not None:
            assert referral.received_at <= referral.responded_at <= now
            assert referral.response_method
    answered = [r for r in referrals if r.responded_at is not None]
    assert any(r.responded_late() for r in answered)
    assert any(not r.responded_late() for r in answered)


def check_notices_track_the_duty_to_inform() -> None:
    general = Hospital.objects.get(code="bench-general")
    assert Ward.objects.filter(hospital=general).count() >= 5
    today = timezone.localdate()
    notices = list(QualifyingNotice.objects.all())
    assert any(n.hospital_id == general.pk for n in notices)
    assert len({n.hospital_id for n in notices}) > 1
    for notice in notices:
        assert notice.ward.hospital_id == notice.hospital_id
        assert notice.decision["status"] == notice.status
        if notice.qualifies:
            assert notice.qualifying_since == notice.status_started_on
            assert notice.information_due_by is not None
            assert notice.information_due_by >= notice.status_started_on
        else:
            assert notice.information_due_by is None
            assert notice.next_reminder_on is None
        if notice.discharged_on is not None:
            assert notice.status_started_on <= notice.discharged_on <= today
            assert notice.next_reminder_on is None
    told_late = [
        n
        for n in notices
        if n.first_told_verbally_on is not None
        and n.information_due_by is not None
        and n.first_told_verbally_on > n.information_due_by
    ]
    in_time = [
        n
        for n in notices
        if n.first_told_verbally_on is not None
        and n.information_due_by is not None
        and n.first_told_verbally_on <= n.information_due_by
    ]
    assert told_late
    assert len(in_time) > len(told_late)
