"""Read queries for referrals. Only intake staff, managers and advocates reach these; the
views enforce that with `staff_required`, and nothing here is ever offered to hospital users
or commissioners.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from enum import Enum
from functools import lru_cache
from math import ceil
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from imha.cases.matching import normalised_name, normalised_nhs_number
from imha.cases.models import Case, CaseStatus
from imha.core.kept_sql import fetch_rows, kept_rows, sql_of
from imha.core.routes import address_maker
from imha.referrals.models import (
    OPEN_STATUSES,
    UNANSWERED_STATUSES,
    OutgoingEmail,
    Referral,
    ReferralStatus,
    ReferrerType,
)


class InboxView(Enum):
    """The inbox's tabs: which referrals each shows."""

    NEEDS_RESPONSE = "needs-response"
    RESPONDED = "responded"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    ALL = "all"

    @property
    def label(self) -> str:
        return INBOX_LABELS[self]

    @property
    def statuses(self) -> tuple[str, ...]:
        return INBOX_STATUSES[self]

    @property
    def soonest_due_first(self) -> bool:
        """Lists of referrals still being worked on are sorted by deadline; finished ones
        by when they arrived, newest first."""
        return self in (InboxView.NEEDS_RESPONSE, InboxView.RESPONDED)

    @property
    def counted(self) -> bool:
        """Whether the tab shows how many referrals it holds.

        Only the tabs of referrals still being worked on: they stay small (a few thousand
        at most) and the number is the one staff act on. The decided tabs grow by every
        referral the service ever takes, so counting them would read the whole table on
        every request to show a number nobody needs; they get "Previous" and "Next" instead.
        """
        return self.soonest_due_first


INBOX_LABELS = {
    InboxView.NEEDS_RESPONSE: "Needs a response",
    InboxView.RESPONDED: "Responded",
    InboxView.ACCEPTED: "Accepted",
    InboxView.DECLINED: "Declined",
    InboxView.WITHDRAWN: "Withdrawn",
    InboxView.ALL: "All",
}
INBOX_STATUSES: dict[InboxView, tuple[str, ...]] = {
    InboxView.NEEDS_RESPONSE: UNANSWERED_STATUSES,
    InboxView.RESPONDED: (ReferralStatus.RESPONDED,),
    InboxView.ACCEPTED: (ReferralStatus.ACCEPTED,),
    InboxView.DECLINED: (ReferralStatus.DECLINED,),
    InboxView.WITHDRAWN: (ReferralStatus.WITHDRAWN,),
    InboxView.ALL: tuple(ReferralStatus.values),
}


class ClockState(Enum):
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    ON_TIME = "on_time"
    STOPPED = "stopped"


def clock_state(referral: Referral, now: datetime) -> ClockState:
    return clock_for(referral.status, referral.respond_by, now)


def clock_for(status: str, respond_by: datetime, now: datetime) -> ClockState:
    return clock_in(status, respond_by, now, timezone.get_current_timezone())


def clock_in(status: str, respond_by: datetime, now: datetime, zone: tzinfo) -> ClockState:
    """`clock_for` with the local time zone given: a list works out every row's clock in
    the zone it looked up once, as looking the zone up is most of the cost of a row's clock."""
    if status not in UNANSWERED_STATUSES:
        return ClockState.STOPPED
    if respond_by < now:
        return ClockState.OVERDUE
    if respond_by.astimezone(zone).date() == now.astimezone(zone).date():
        return ClockState.DUE_TODAY
    return ClockState.ON_TIME


# The GOV.UK tag colour for each status on staff pages.
STATUS_TAG_COLOURS: dict[str, str] = {
    ReferralStatus.NEW: "blue",
    ReferralStatus.AWAITING_RESPONSE: "light-blue",
    ReferralStatus.RESPONDED: "turquoise",
    ReferralStatus.ACCEPTED: "green",
    ReferralStatus.DECLINED: "grey",
    ReferralStatus.WITHDRAWN: "grey",
}


def status_tag_colour(status: str) -> str:
    return STATUS_TAG_COLOURS.get(status, "grey")


class InboxRow(NamedTuple):
    """What one inbox row shows, as plain values.

    Read with values_list rather than as Referral objects: building model instances (and
    a Hospital for each) took longer than the query itself, and a referral row holds the
    whole form when the inbox needs ten of its fields. A named tuple rather than a frozen
    dataclass, which sets each of its fields through object.__setattr__: that made building
    a page's rows cost more than writing them out.
    """

    pk: int
    reference: str
    person_name: str
    hospital_name: str | None
    ward: str
    referrer_label: str
    is_statutory: bool
    possible_duplicate: bool
    respond_by: datetime
    status: str
    clock: ClockState
    url: str

    @property
    def overdue(self) -> bool:
        return self.clock is ClockState.OVERDUE

    @property
    def due_today(self) -> bool:
        return self.clock is ClockState.DUE_TODAY

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def status_colour(self) -> str:
        return status_tag_colour(self.status)


# The columns an inbox row is built from, in InboxRow's order (the clock is worked out).
INBOX_COLUMNS = (
    "pk",
    "reference",
    "first_name",
    "last_name",
    "hospital__name",
    "ward",
    "referrer_type",
    "is_statutory",
    "possible_duplicate",
    "respond_by",
    "status",
)
REFERRER_LABELS = dict(ReferrerType.choices)
STATUS_LABELS = dict(ReferralStatus.choices)
INBOX_PAGE_SIZE = 50
# Far beyond any real list (50 million referrals), and small enough that the offset it
# makes always fits the database's integer types, whatever number is typed into the address.
MAX_PAGE_NUMBER = 1_000_000


@dataclass(frozen=True)
class InboxPage:
    """One page of an inbox tab.

    `total` is the number of referrals in the whole tab, known only for counted tabs; the
    others know just whether another page follows. `requested_out_of_range` is set when
    the page asked for was past the end: a counted tab then shows its last page instead,
    an uncounted one shows no rows.
    """

    view: InboxView
    number: int
    rows: list[InboxRow]
    has_next: bool
    total: int | None
    page_size: int
    requested_out_of_range: bool = False

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def last_number(self) -> int | None:
        if self.total is None:
            return None
        return max(1, ceil(self.total / self.page_size))

    @property
    def first_position(self) -> int:
        """Where the first row on this page comes in the whole list, counting from 1."""
        return (self.number - 1) * self.page_size + 1

    @property
    def last_position(self) -> int:
        return self.first_position + len(self.rows) - 1


def inbox_page(
    view: InboxView,
    number: int = 1,
    *,
    counts: dict[InboxView, int] | None = None,
    now: datetime | None = None,
    page_size: int | None = None,
) -> InboxPage:
    """One page of referrals for an inbox tab, in the tab's order, in one query.

    `counts` (from `inbox_counts`) saves counting a counted tab again. Page numbers past
    the end of a counted tab give its last page; past the end of an uncounted tab, no rows.
    The hospital's name is joined in, and the clock state is worked out in Python from the
    row itself, so the query's SQL depends only on the tab, the page and the page size
    (see `inbox_page_rows`).
    """
    # Looked up at call time, so tests can use small pages instead of making hundreds of rows.
    page_size = page_size or INBOX_PAGE_SIZE
    number = min(max(number, 1), MAX_PAGE_NUMBER)
    total = None
    out_of_range = False
    if view.counted:
        total = (counts or inbox_counts())[view]
        last = max(1, ceil(total / page_size))
        if number > last:
            number, out_of_range = last, True
    found = inbox_page_rows(view, number, page_size)
    if not found and number > 1 and not view.counted:
        out_of_range = True
    moment = now or timezone.now()
    zone = timezone.get_current_timezone()
    page_url = address_maker("referrals:detail")
    rows = [
        InboxRow(
            pk=pk,
            reference=reference,
            person_name=f"{first_name} {last_name}",
            hospital_name=hospital_name,
            ward=ward,
            referrer_label=REFERRER_LABELS.get(referrer_type, referrer_type),
            is_statutory=is_statutory,
            possible_duplicate=possible_duplicate,
            respond_by=respond_by,
            status=status,
            clock=clock_in(status, respond_by, moment, zone),
            url=page_url(reference),
        )
        for (
            pk,
            reference,
            first_name,
            last_name,
            hospital_name,
            ward,
            referrer_type,
            is_statutory,
            possible_duplicate,
            respond_by,
            status,
        ) in found[:page_size]
    ]
    return InboxPage(
        view=view,
        number=number,
        rows=rows,
        has_next=len(found) > page_size,
        total=total,
        page_size=page_size,
        requested_out_of_range=out_of_range,
    )


# Pages of each tab whose SQL is kept (see `inbox_page_rows`): further back than this, in the
# decided tabs' thousands of pages, someone reading old referrals page by page would otherwise
# keep a query for every page they passed, and push every other page's out of the store.
KEPT_INBOX_PAGES = 20


def inbox_page_rows(view: InboxView, number: int, page_size: int) -> list[tuple[Any, ...]]:
    """The `INBOX_COLUMNS` of page `number` of a tab, and of the first row of the next page
    if there is one (it says whether there is a next page, without counting).

    The page's ids are picked first, in a subquery that PostgreSQL answers from an index
    alone (see the indexes on Referral), and only those rows are read: a later page then
    skips index entries rather than whole rows: page 2,000 of "All" takes about 10 ms of
    database time instead of 100 to 200.

    The SQL of the first `KEPT_INBOX_PAGES` pages of each tab is built once and kept
    (imha.core.kept_sql.kept_rows): the ORM took longer to build it than the database takes
    to answer, on every view of the page worked out afresh. It depends on nothing but the
    tab (its statuses and order), the page number and the page size, which make the key.
    """
    build = _inbox_page_query(view, number, page_size)
    if number > KEPT_INBOX_PAGES:
        return list(build())
    return kept_rows((__name__, "inbox page", view.value, number, page_size), build)


def _inbox_page_query(
    view: InboxView, number: int, page_size: int
) -> Callable[[], QuerySet[Referral, tuple[Any, ...]]]:
    def build() -> QuerySet[Referral, tuple[Any, ...]]:
        ordering = ("respond_by", "id") if view.soonest_due_first else ("-received_at", "-id")
        listed = Referral.objects.all()
        if view is not InboxView.ALL:
            # "All" has no filter at all, so its ids come from the (received_at, id) index alone.
            listed = listed.filter(status__in=view.statuses)
        offset = (number - 1) * page_size
        page_ids = listed.order_by(*ordering).values("pk")[offset : offset + page_size + 1]
        return (
            Referral.objects.filter(pk__in=page_ids).order_by(*ordering).values_list(*INBOX_COLUMNS)
        )

    return build


def inbox_counts() -> dict[InboxView, int]:
    """How many referrals each counted tab holds, in one query.

    Only open statuses are counted, so PostgreSQL reads just their part of the
    (status, respond_by) index (about 5,000 entries of 130,000, under a millisecond);
    COUNT(*) rather than COUNT(id) lets it answer from the index without the rows.
    """
    by_status = dict(fetch_rows(*_inbox_counts_sql(connection.vendor)))
    return {view: sum(by_status.get(status, 0) for status in view.statuses) for view in COUNTED}


COUNTED = tuple(view for view in InboxView if view.counted)


@lru_cache(maxsize=4)
def _inbox_counts_sql(vendor: str) -> tuple[str, tuple[Any, ...]]:
    """The SQL of `inbox_counts`, built once (see imha.core.kept_sql): it never changes,
    yet the ORM took longer to build it than the database takes to run it."""
    wanted = sorted({status for view in COUNTED for status in view.statuses})
    return sql_of(
        Referral.objects.filter(status__in=wanted)
        .values_list("status")
        .annotate(total=Count("*"))
        .values_list("status", "total")
    )


def referral_for_staff(reference: str) -> Referral:
    return Referral.objects.select_related(
        "hospital", "recorded_by", "picked_up_by", "responded_by", "decided_by"
    ).get(reference=reference)


def open_referrals_matching(
    *,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    nhs_number: str,
    exclude_pk: int | None = None,
) -> QuerySet[Referral]:
    """Open referrals that seem to be for the same person (name and birth date, or NHS
    number)."""
    match = person_match(
        "normalised_name", normalised_name(first_name, last_name), date_of_birth, nhs_number
    )
    if match is None:
        return Referral.objects.none()
    found = Referral.objects.filter(match, status__in=OPEN_STATUSES)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.order_by("received_at")


def open_cases_matching(
    *, first_name: str, last_name: str, date_of_birth: date | None, nhs_number: str
) -> QuerySet[Case]:
    match = person_match(
        "client__normalised_name",
        normalised_name(first_name, last_name),
        date_of_birth,
        nhs_number,
        prefix="client__",
    )
    if match is None:
        return Case.objects.none()
    return Case.objects.filter(match, status=CaseStatus.OPEN).select_related("client")


def person_match(
    name_field: str, name: str, date_of_birth: date | None, nhs_number: str, prefix: str = ""
) -> Q | None:
    conditions = []
    if name and date_of_birth is not None:
        conditions.append(Q(**{name_field: name, f"{prefix}date_of_birth": date_of_birth}))
    digits = normalised_nhs_number(nhs_number)
    if digits:
        conditions.append(Q(**{f"{prefix}nhs_number": digits}))
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def duplicates_of(referral: Referral) -> tuple[list[Referral], list[Case]]:
    """What made a referral look like a duplicate, for the detail page."""
    matching_referrals = open_referrals_matching(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        nhs_number=referral.nhs_number,
        exclude_pk=referral.pk,
    )
    matching_cases = open_cases_matching(
        first_name=referral.first_name,
        last_name=referral.last_name,
        date_of_birth=referral.date_of_birth,
        nhs_number=referral.nhs_number,
    )
    return (
        list(matching_referrals),
        [case for case in matching_cases if case.referral_id != referral.pk],
    )


def emails_for(referral: Referral) -> list[OutgoingEmail]:
    return list(referral.emails.all())
