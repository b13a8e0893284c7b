"""The inbox reads its first pages with SQL kept per tab, page and page size
(imha.referrals.selectors.inbox_page_rows), works out its clocks and dates in a time zone it
looks up once, and writes its tabs and positions in Python (imha.referrals.templatetags.
inbox_table). What it shows must be what the ORM would read, afresh on every view, and what
the template used to write, byte for byte."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import timezone

from imha.accounts.models import Role
from imha.core import kept_sql
from imha.core.kept_sql import forget_kept_rows
from imha.referrals import selectors, services
from imha.referrals.models import Referral, ReferralStatus
from imha.referrals.selectors import INBOX_COLUMNS, ClockState, InboxPage, InboxView
from imha.referrals.templatetags import inbox_table
from imha.referrals.templatetags.referral_dates import plain_time, short_local_datetime
from imha.referrals.views import InboxTab, inbox_tabs
from tests.conftest import london
from tests.referrals.test_inbox_rows import row_of

pytestmark = pytest.mark.django_db

INBOX = "/staff/referrals/"


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    forget_kept_rows()


def read_by_the_orm(view: InboxView, number: int, page_size: int) -> list[tuple]:
    """What `inbox_page_rows` must return, worked out here independently of it."""
    listed = Referral.objects.all()
    if view is not InboxView.ALL:
        listed = listed.filter(status__in=view.statuses)
    ordering = ("respond_by", "id") if view.soonest_due_first else ("-received_at", "-id")
    offset = (number - 1) * page_size
    return list(
        listed.order_by(*ordering).values_list(*INBOX_COLUMNS)[offset : offset + page_size + 1]
    )


@pytest.fixture
def every_status(bulk_referrals) -> None:
    """Five referrals in each status, with deadlines and arrival times in different orders."""
    for position, status in enumerate(ReferralStatus.values):
        bulk_referrals(
            5,
            status=status,
            first_due=timezone.now() + timedelta(hours=position * 7 - 20),
            step=timedelta(hours=-3 if position % 2 else 5),
            prefix=f"R{status[:4].upper()}",
        )


@pytest.mark.usefixtures("every_status")
def test_every_tab_page_and_page_size_reads_what_the_orm_reads():
    # Every combination, each read twice: the first builds the SQL, the second reads with it
    # kept. A key that left out the tab, the page or the page size would hand one of them
    # another's SQL, and so another's rows.
    for _ in range(2):
        for view in InboxView:
            for page_size in (2, 3):
                for number in (1, 2, 3, 20):
                    expected = read_by_the_orm(view, number, page_size)
                    found = selectors.inbox_page_rows(view, number, page_size)
                    assert found == expected, (view, number, page_size)
    assert len(selectors.inbox_page_rows(InboxView.ALL, 1, 40)) == 30


def test_a_kept_page_reads_the_data_afresh(make_referral, make_user):
    manager = make_user(Role.MANAGER)
    first = make_referral(first_name="Firstperson")
    waiting = selectors.inbox_page(InboxView.NEEDS_RESPONSE).rows
    assert [row.reference for row in waiting] == [first.reference]
    second = make_referral(first_name="Secondperson")
    waiting = selectors.inbox_page(InboxView.NEEDS_RESPONSE).rows
    assert [row.reference for row in waiting] == [first.reference, second.reference]
    services.accept_referral(referral=first, actor=manager, response_method="phone")
    assert [row.reference for row in selectors.inbox_page(InboxView.NEEDS_RESPONSE).rows] == [
        second.reference
    ]
    [accepted] = selectors.inbox_page(InboxView.ACCEPTED).rows
    assert accepted.reference == first.reference and accepted.status == ReferralStatus.ACCEPTED
    assert accepted.clock is ClockState.STOPPED


@pytest.mark.usefixtures("pages_worked_out")
def test_each_view_of_the_inbox_shows_what_changed_since_the_last(
    intake_client, make_referral, make_user
):
    manager = make_user(Role.MANAGER)
    first = make_referral(first_name="Firstperson")
    page = intake_client.get(INBOX).content.decode()
    assert "Firstperson" in page and "Needs a response (1)" in page
    make_referral(first_name="Secondperson")
    page = intake_client.get(INBOX).content.decode()
    assert "Firstperson" in page and "Secondperson" in page and "Needs a response (2)" in page
    services.decline_referral(
        referral=first, actor=manager, reason="Not eligible", response_method="phone"
    )
    page = intake_client.get(INBOX).content.decode()
    assert "Firstperson" not in page and "Secondperson" in page
    declined = intake_client.get(f"{INBOX}?show=declined").content.decode()
    assert "Firstperson" in declined and "Secondperson" not in declined


@pytest.mark.usefixtures("every_status")
def test_pages_further_back_than_the_kept_ones_are_read_but_not_kept(monkeypatch):
    # Someone paging far back through the decided referrals must not fill the store of kept
    # queries, which every other kept list shares, with a query for every page they passed.
    monkeypatch.setattr(selectors, "KEPT_INBOX_PAGES", 2)
    for number in (1, 2, 3, 4):
        assert selectors.inbox_page_rows(InboxView.ALL, number, 4) == read_by_the_orm(
            InboxView.ALL, number, 4
        )
    assert len(kept_sql._kept_queries) == 2


# --- clocks and dates in the zone looked up once -----------------------------------------------


@pytest.mark.parametrize(
    ("now", "respond_by", "clock"),
    [
        # Half past midnight in summer is still the day before by UTC's clock: the deadline
        # that afternoon is due today on England's clock, which is the one that counts.
        (london(2026, 6, 10, 0, 30), london(2026, 6, 10, 17, 0), ClockState.DUE_TODAY),
        (london(2026, 6, 10, 23, 30), london(2026, 6, 11, 0, 30), ClockState.ON_TIME),
        (london(2026, 6, 10, 17, 1), london(2026, 6, 10, 17, 0), ClockState.OVERDUE),
        # The night the clocks go back (25 October 2026) and in winter, when UTC is local.
        (london(2026, 10, 25, 0, 30), london(2026, 10, 25, 17, 0), ClockState.DUE_TODAY),
        (london(2026, 12, 1, 9, 0), london(2026, 12, 2, 9, 0), ClockState.ON_TIME),
    ],
)
def test_the_clock_counts_days_on_englands_clock(make_referral, now, respond_by, clock):
    referral = make_referral()
    Referral.objects.filter(pk=referral.pk).update(respond_by=respond_by)
    assert selectors.clock_for(ReferralStatus.NEW, respond_by, now) is clock
    [row] = selectors.inbox_page(InboxView.NEEDS_RESPONSE, now=now).rows
    assert row.clock is clock


def test_a_table_date_is_what_strftime_and_plain_time_write():
    # Every day of a year (every weekday in every month) at times on and off the hour.
    zone = timezone.get_current_timezone()
    start = datetime(2026, 1, 1, 0, 0, tzinfo=zone)
    for hours in range(0, 366 * 24, 7):
        local = (start + timedelta(hours=hours, minutes=hours % 3 * 15)).astimezone(zone)
        expected = f"{local:%a} {local.day} {local:%b %Y}, {plain_time(local)}"
        assert short_local_datetime(local) == expected


def test_each_row_shows_its_own_deadline_on_englands_clock(intake_client, make_referral):
    # A page writes each different deadline once: rows sharing one, and rows that do not.
    deadlines = {
        make_referral(): (london(2026, 7, 3, 17, 0), "Fri 3 Jul 2026, 5pm"),
        make_referral(): (london(2026, 7, 3, 17, 0), "Fri 3 Jul 2026, 5pm"),
        make_referral(): (london(2026, 12, 1, 9, 30), "Tue 1 Dec 2026, 9:30am"),
        make_referral(): (london(2026, 7, 6, 12, 0), "Mon 6 Jul 2026, midday"),
    }
    for referral, (respond_by, _) in deadlines.items():
        Referral.objects.filter(pk=referral.pk).update(respond_by=respond_by)
    html = intake_client.get(INBOX).content.decode()
    for referral, (_, shown) in deadlines.items():
        assert f'<td class="govuk-table__cell">{shown}\n' in row_of(html, referral.reference)


def test_every_status_tag_is_the_one_worked_out_for_it():
    for status in ReferralStatus.values:
        assert inbox_table.STATUS_TAGS[status] == inbox_table.status_tag(status)
    assert inbox_table.STATUS_TAGS[ReferralStatus.AWAITING_RESPONSE] == (
        '<strong class="govuk-tag govuk-tag--light-blue">Awaiting response</strong>'
    )
    assert inbox_table.status_tag("<odd>") == (
        '<strong class="govuk-tag govuk-tag--grey">&lt;odd&gt;</strong>'
    )


# --- the tabs and positions, byte for byte what the template wrote -----------------------------

# How referrals/staff/inbox.html wrote them before they were written in Python.
TEMPLATE_TABS = """{% for tab in tabs %}
      <li class="imha-referral-lists__item{% if tab.active %} imha-referral-lists__item--active{% endif %}">
        <a class="govuk-link govuk-link--no-visited-state" href="?show={{ tab.value }}"{% if tab.active %} aria-current="page"{% endif %}>{{ tab.label }}{% if tab.count is not None %} ({{ tab.count|floatformat:"g" }}){% endif %}</a>
      </li>
    {% endfor %}"""  # noqa: E501
TEMPLATE_POSITIONS = (
    'Showing referrals {{ page.first_position|floatformat:"g" }} to'
    ' {{ page.last_position|floatformat:"g" }}{% if page.total is not None %}'
    ' of {{ page.total|floatformat:"g" }}{% endif %}.'
)


@pytest.mark.parametrize("current", list(InboxView))
@pytest.mark.parametrize("counts", [(0, 0), (7, 999), (1_000, 12_345), (1_234_567, 3)])
def test_the_tabs_are_what_the_template_wrote(current, counts):
    tabs = inbox_tabs(current, dict(zip(selectors.COUNTED, counts, strict=True)))
    expected = Template(TEMPLATE_TABS).render(Context({"tabs": tabs}))
    assert inbox_table.inbox_tab_links(tabs) == expected


def test_the_tabs_escape_what_they_show_as_the_template_did():
    tabs = [InboxTab("a&b", '<Odd> "tab"', 1_000, True), InboxTab("x'y", "O'Brien", None, False)]
    expected = Template(TEMPLATE_TABS).render(Context({"tabs": tabs}))
    assert "&lt;Odd&gt;" in expected
    assert inbox_table.inbox_tab_links(tabs) == expected


@pytest.mark.parametrize(
    ("number", "shown", "total"),
    [(1, 50, 1_584), (2, 50, None), (2_000, 50, None), (32, 34, 1_584), (1, 1, 1), (25, 7, 1_207)],
)
def test_the_positions_are_what_the_template_wrote(number, shown, total):
    page = InboxPage(
        view=InboxView.ALL,
        number=number,
        rows=[None] * shown,  # type: ignore[list-item]
        has_next=False,
        total=total,
        page_size=50,
    )
    expected = Template(TEMPLATE_POSITIONS).render(Context({"page": page}))
    assert inbox_table.inbox_positions(page) == expected
