"""The staff inbox in pages: order across pages, page links that keep the tab and filters,
counts only where they are cheap, and a clear answer to any page number typed in. The paging
helpers themselves are tested in tests/core/test_paging.py."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imha.accounts.models import Role
from imha.referrals import selectors
from imha.referrals.models import UNANSWERED_STATUSES, Referral, ReferralStatus

pytestmark = pytest.mark.django_db

INBOX = "/staff/referrals/"


@pytest.fixture
def small_pages(monkeypatch):
    """Pages of 2 referrals, so a few rows make several pages."""
    monkeypatch.setattr(selectors, "INBOX_PAGE_SIZE", 2)


@pytest.fixture
def manager_client(verified_client):
    return verified_client(Role.MANAGER)


def references_on(html: str) -> list[str]:
    return re.findall(r">(RBULK-\d{4})</a>", html)


def test_pages_hold_fifty_referrals_by_default(intake_client, bulk_referrals):
    bulk_referrals(51)
    first = intake_client.get(INBOX).content.decode()
    assert len(references_on(first)) == 50
    assert "Showing referrals 1 to 50 of 51." in first
    second = intake_client.get(f"{INBOX}?page=2").content.decode()
    assert references_on(second) == ["RBULK-0050"]
    assert "Showing referrals 51 to 51 of 51." in second


def test_needs_response_pages_run_soonest_due_first(intake_client, bulk_referrals, small_pages):
    # Made in an order unlike their deadlines, with two sharing one deadline across a page
    # boundary: every referral appears once, in deadline order, then by id.
    due = timezone.now() + timedelta(days=2)
    bulk_referrals(2, first_due=due + timedelta(hours=5), prefix="RLATE")
    bulk_referrals(3, first_due=due, step=timedelta(0))
    seen = []
    for number in (1, 2, 3):
        html = intake_client.get(f"{INBOX}?page={number}").content.decode()
        seen += re.findall(r">(R(?:BULK|LATE)-\d{4})</a>", html)
    assert seen == ["RBULK-0000", "RBULK-0001", "RBULK-0002", "RLATE-0000", "RLATE-0001"]


def test_a_counted_tab_has_numbered_page_links(intake_client, bulk_referrals, small_pages):
    bulk_referrals(9)
    html = intake_client.get(f"{INBOX}?page=3").content.decode()
    assert "Needs a response (9)" in html
    assert "Showing referrals 5 to 6 of 9." in html
    assert 'aria-label="Page 3" aria-current="page"' in html
    for number in (1, 2, 4, 5):
        assert f'aria-label="Page {number}"' in html
    assert 'rel="prev"' in html and 'rel="next"' in html
    last = intake_client.get(f"{INBOX}?page=5").content.decode()
    assert 'rel="next"' not in last
    assert references_on(last) == ["RBULK-0008"]


def test_page_links_keep_the_tab_and_any_filters(
    manager_client, bulk_referrals, small_pages, make_user
):
    bulk_referrals(5, status=ReferralStatus.RESPONDED)
    html = manager_client.get(f"{INBOX}?show=responded&page=2&hospital=7").content.decode()
    assert 'href="?show=responded&amp;hospital=7" rel="prev"' in html
    assert 'href="?show=responded&amp;page=3&amp;hospital=7" rel="next"' in html
    # The tabs themselves start again at the first page.
    assert 'href="?show=all"' in html


def test_large_tabs_page_with_previous_and_next_but_no_count(
    manager_client, bulk_referrals, small_pages
):
    bulk_referrals(5, status=ReferralStatus.ACCEPTED)
    first = manager_client.get(f"{INBOX}?show=all").content.decode()
    assert re.search(r">All</a>", first), "the All tab shows no count"
    assert re.search(r">Accepted</a>", first)
    assert "Showing referrals 1 to 2." in first
    assert "govuk-pagination--block" in first
    assert 'href="?show=all&amp;page=2" rel="next"' in first
    assert "govuk-pagination__list" not in first
    assert 'rel="prev"' not in first
    last = manager_client.get(f"{INBOX}?show=all&page=3").content.decode()
    assert "Showing referrals 5 to 5." in last
    assert 'rel="next"' not in last
    assert 'href="?show=all&amp;page=2" rel="prev"' in last


@pytest.mark.parametrize("typed", ["abc", "0", "-1", "2.5", "+2", " 2", "\uff12", "0x2"])
def test_something_that_is_not_a_page_number_shows_the_first_page(
    intake_client, bulk_referrals, small_pages, typed
):
    bulk_referrals(5)
    response = intake_client.get(INBOX, {"page": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert "is not a page number, so this is the first page." in html
    assert references_on(html) == ["RBULK-0000", "RBULK-0001"]


def test_past_the_last_page_of_a_counted_tab_shows_the_last_page(
    intake_client, bulk_referrals, small_pages
):
    bulk_referrals(5)
    response = intake_client.get(f"{INBOX}?page=99")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no page 99. This list has 3 pages, and this is the last one." in html
    assert references_on(html) == ["RBULK-0004"]
    assert 'aria-label="Page 3" aria-current="page"' in html


def test_past_the_end_of_an_empty_counted_tab(intake_client):
    html = intake_client.get(f"{INBOX}?page=4").content.decode()
    assert "There is no page 4. This list has only one page." in html
    assert "There are no referrals in this list." in html


def test_past_the_end_of_an_uncounted_tab_says_so_and_links_to_the_first_page(
    manager_client, bulk_referrals, small_pages
):
    bulk_referrals(3, status=ReferralStatus.WITHDRAWN)
    response = manager_client.get(f"{INBOX}?show=withdrawn&page=7")
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is no page 7 in this list." in html
    assert 'href="?show=withdrawn">Go to the first page</a>' in html
    assert references_on(html) == []
    assert 'rel="prev"' not in html
    assert "There are no referrals in this list." not in html


@pytest.mark.parametrize("show", ["needs-response", "all"])
def test_an_enormous_page_number_is_past_the_end_not_an_error(manager_client, make_referral, show):
    make_referral()
    for typed in ("9" * 19, "9" * 5000, "0" * 30 + "2"):
        response = manager_client.get(INBOX, {"show": show, "page": typed})
        assert response.status_code == 200, typed
        assert "is not a page number" not in response.content.decode()


@pytest.mark.usefixtures("pages_worked_out")
@pytest.mark.parametrize(
    ("path", "role"),
    [
        (INBOX, Role.INTAKE),
        (f"{INBOX}?page=2", Role.INTAKE),
        (f"{INBOX}?show=responded&page=2", Role.ADVOCATE),
        (f"{INBOX}?show=all", Role.MANAGER),
        (f"{INBOX}?show=all&page=3", Role.MANAGER),
        (f"{INBOX}?show=accepted&page=2", Role.MANAGER),
    ],
)
def test_every_tab_and_page_makes_the_same_queries_however_many_referrals(
    verified_client, bulk_referrals, small_pages, path, role
):
    client = verified_client(role)
    statuses = [ReferralStatus.NEW, ReferralStatus.RESPONDED, ReferralStatus.ACCEPTED]
    for status in statuses:
        bulk_referrals(7, status=status, prefix=f"R{status[:3].upper()}")
    with CaptureQueriesContext(connection) as few:
        assert client.get(path).status_code == 200
    for status in statuses:
        bulk_referrals(40, status=status, prefix=f"RM{status[:3].upper()}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(path).status_code == 200
    assert len(many) == len(few)
    # Three for the session, user and second factor; the tab counts; the page.
    assert len(many) <= 5


def test_only_the_tabs_still_being_worked_on_are_counted(bulk_referrals):
    bulk_referrals(3, status=ReferralStatus.NEW)
    bulk_referrals(2, status=ReferralStatus.AWAITING_RESPONSE, prefix="RWAIT")
    bulk_referrals(4, status=ReferralStatus.RESPONDED, prefix="RRESP")
    bulk_referrals(6, status=ReferralStatus.ACCEPTED, prefix="RACC")
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.inbox_counts()
    assert counts == {selectors.InboxView.NEEDS_RESPONSE: 5, selectors.InboxView.RESPONDED: 4}
    # The decided referrals, which grow for ever, are not read at all.
    [query] = queries.captured_queries
    assert "accepted" not in query["sql"]


def test_the_needs_response_index_holds_exactly_that_tabs_referrals():
    # If the tab's statuses and the partial index's condition drift apart, PostgreSQL
    # quietly stops using the index and every inbox request sorts the tab again.
    [index] = [i for i in Referral._meta.indexes if i.name == "referral_unanswered_due_idx"]
    assert index.condition.children == [("status__in", [s.value for s in UNANSWERED_STATUSES])]
    assert selectors.InboxView.NEEDS_RESPONSE.statuses == UNANSWERED_STATUSES
    assert index.fields == ["respond_by", "id"]
