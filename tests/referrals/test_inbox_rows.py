"""What each inbox row shows. The rows are written in Python (imha.referrals.templatetags.
inbox_table) rather than by the template, for speed: these tests pin what they must still say,
link to and escape, and that the counts, whose SQL is built once, are read afresh."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from imha.referrals import selectors
from imha.referrals.models import Referral, ReferralStatus

pytestmark = pytest.mark.django_db

INBOX = "/staff/referrals/"


def row_of(html: str, reference: str) -> str:
    """The table row whose header cell links to `reference`."""
    [row] = [
        row
        for row in re.findall(r"<tr class=\"govuk-table__row[^\"]*\">.*?</tr>", html, re.S)
        if f">{reference}</a>" in row
    ]
    return row


def test_a_row_shows_the_person_reference_place_referrer_and_status(
    intake_client, make_referral, hospital
):
    referral = make_referral(first_name="Alex", last_name="Example", ward="Willow")
    html = intake_client.get(INBOX).content.decode()
    row = row_of(html, referral.reference)
    assert f'href="/staff/referrals/{referral.reference}/"' in row
    assert '<th scope="row" class="govuk-table__header">' in row
    assert '<td class="govuk-table__cell">Alex Example</td>' in row
    assert f"{hospital.name}, Willow" in row
    assert "An approved mental health professional (AMHP)" in row
    assert 'govuk-tag--purple">Statutory</strong>' in row
    status = Referral.objects.get(pk=referral.pk).get_status_display()
    assert f'">{status}</strong>' in row
    assert "Possible duplicate" not in row


def test_the_row_links_to_the_page_of_the_referral_it_names(intake_client, make_referral):
    first = make_referral(first_name="First", last_name="Person")
    second = make_referral(first_name="Second", last_name="Person")
    html = intake_client.get(INBOX).content.decode()
    for referral, name in ((first, "First Person"), (second, "Second Person")):
        row = row_of(html, referral.reference)
        assert f"/staff/referrals/{referral.reference}/" in row
        assert name in row
        detail = intake_client.get(f"/staff/referrals/{referral.reference}/")
        assert name in detail.content.decode()


def test_a_row_escapes_what_people_typed(intake_client, make_referral):
    referral = make_referral(first_name="<script>alert(1)</script>", last_name="O'Brien & Co")
    html = intake_client.get(INBOX).content.decode()
    row = row_of(html, referral.reference)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; O&#x27;Brien &amp; Co" in row


def test_not_in_a_listed_hospital(intake_client, make_referral):
    referral = make_referral(location="elsewhere", location_details="At home")
    row = row_of(intake_client.get(INBOX).content.decode(), referral.reference)
    assert "Not in a listed hospital" in row


def test_the_clock_marks_overdue_and_due_today_rows(intake_client, make_referral):
    now = timezone.now()
    late = make_referral(first_name="Late")
    today = make_referral(first_name="Today")
    later = make_referral(first_name="Later")
    Referral.objects.filter(pk=late.pk).update(respond_by=now - timedelta(hours=1))
    # An hour either side of now could cross midnight; a minute will not, but for a minute
    # before midnight, which the check below allows for.
    Referral.objects.filter(pk=today.pk).update(respond_by=now + timedelta(minutes=1))
    Referral.objects.filter(pk=later.pk).update(respond_by=now + timedelta(days=3))
    html = intake_client.get(INBOX).content.decode()

    late_row = row_of(html, late.reference)
    assert 'class="govuk-table__row imha-referral-table__row--overdue"' in late_row
    assert 'govuk-tag--red">Overdue</strong>' in late_row

    today_row = row_of(html, today.reference)
    if timezone.localdate(now + timedelta(minutes=1)) == timezone.localdate(now):
        assert 'class="govuk-table__row imha-referral-table__row--due-today"' in today_row
        assert 'govuk-tag--yellow">Due today</strong>' in today_row

    later_row = row_of(html, later.reference)
    assert 'class="govuk-table__row">' in later_row
    assert "Overdue" not in later_row and "Due today" not in later_row


def test_a_possible_duplicate_is_tagged(intake_client, make_referral):
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(possible_duplicate=True)
    row = row_of(intake_client.get(INBOX).content.decode(), referral.reference)
    assert 'govuk-tag--orange">Possible duplicate</strong>' in row


def test_decided_referrals_show_their_status_and_no_clock(verified_client, make_referral):
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(
        status=ReferralStatus.WITHDRAWN, respond_by=timezone.now() - timedelta(days=2)
    )
    client = verified_client("manager")
    row = row_of(client.get(f"{INBOX}?show=withdrawn").content.decode(), referral.reference)
    assert 'govuk-tag--grey">Withdrawn</strong>' in row
    assert "Overdue" not in row


def test_the_counts_are_read_afresh_each_time(make_referral):
    # The counts' SQL is built once and kept: the numbers must still follow the data.
    before = selectors.inbox_counts()[selectors.InboxView.NEEDS_RESPONSE]
    referral = make_referral()
    assert selectors.inbox_counts()[selectors.InboxView.NEEDS_RESPONSE] == before + 1
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.RESPONDED)
    counts = selectors.inbox_counts()
    assert counts[selectors.InboxView.NEEDS_RESPONSE] == before
    assert counts[selectors.InboxView.RESPONDED] >= 1
