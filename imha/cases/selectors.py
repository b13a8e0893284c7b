"""Read queries for case work, each scoped to what the signed-in person may see.

Who may see a case (and so its client):
- managers: every case;
- advocates: cases allocated to them, and cases allocated to anyone in their team;
- intake workers: cases opened from a referral they picked up or decided;
- everyone else (administrators, hospital users, commissioners): none.

Views look records up through `cases_visible_to`, so a case outside that set is a 404,
whatever ID is typed into the address bar.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from imha.accounts.models import Role, User
from imha.cases import rows
from imha.cases.deadlines import (
    CaseDeadlines,
    UpcomingDeadline,
    deadlines_for,
    event_title,
    upcoming,
)
from imha.cases.matching import normalised_nhs_number
from imha.cases.models import (
    ACTIVE_STATUSES,
    Activity,
    Case,
    CaseDeadline,
    CaseStatus,
    Client,
    LegalStatusPeriod,
)
from imha.cases.stored_deadlines import complete_through, shown_between
from imha.core.kept_sql import KeptPages, kept_rows

# Roles that do case work at all; the views refuse everyone else before any query runs.
CASE_ROLES = (Role.INTAKE, Role.ADVOCATE, Role.MANAGER)
UPCOMING_DAYS = 14


def cases_visible_to(user: User) -> QuerySet[Case]:
    cases = Case.objects.all()
    if not user.is_active:
        return cases.none()
    if user.role == Role.MANAGER:
        return cases
    if user.role == Role.ADVOCATE:
        if user.team_id is None:
            return cases.filter(allocated_advocate=user)
        return cases.filter(Q(allocated_advocate=user) | Q(allocated_advocate__team=user.team_id))
    if user.role == Role.INTAKE:
        return cases.filter(Q(referral__picked_up_by=user) | Q(referral__decided_by=user))
    return cases.none()


def clients_visible_to(user: User) -> QuerySet[Client]:
    """Clients with a case the person can see. A record retired by a merge has no cases
    left, and is left out by name too, so no list or page ever offers it."""
    return Client.objects.filter(
        pk__in=cases_visible_to(user).values("client_id"), merged_into__isnull=True
    )


def current_status_prefetch() -> Prefetch:
    """The newest legal status period of each case, as `case.current_periods` (a list)."""
    return Prefetch(
        "legal_statuses",
        queryset=LegalStatusPeriod.objects.filter(ended_on__isnull=True).order_by(
            "-started_on", "-id"
        ),
        to_attr="current_periods",
    )


def case_for_detail(user: User, case_id: int) -> Case:
    """Raises Case.DoesNotExist when the case is missing or not visible to this person."""
    return (
        cases_visible_to(user)
        .select_related(
            "client",
            "hospital",
            "hospital_ward",
            "allocated_advocate",
            "allocated_advocate__team",
            "referral",
        )
        .get(pk=case_id)
    )


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    periods: list[LegalStatusPeriod]
    deadlines: CaseDeadlines | None
    issues: list
    activities: list[Activity]
    records_requests: list
    notes: list
    attachments: list
    other_cases: list[Case]


def case_detail(user: User, case: Case, today: date) -> CaseDetail:
    periods = list(case.legal_statuses.select_related("recorded_by"))
    current = next((period for period in periods if period.ended_on is None), None)
    return CaseDetail(
        case=case,
        periods=periods,
        deadlines=deadlines_for(current, case.client.date_of_birth, today) if current else None,
        issues=list(case.issues.prefetch_related("outcomes")),
        activities=list(case.activities.select_related("advocate")),
        records_requests=list(case.records_requests.all()),
        notes=list(case.notes.select_related("author")),
        attachments=list(case.attachments.select_related("uploaded_by")),
        other_cases=list(
            cases_visible_to(user)
            .filter(client=case.client)
            .exclude(pk=case.pk)
            .order_by("-opened_at")
        ),
    )


def client_for_detail(user: User, client_id: int) -> Client:
    return clients_visible_to(user).get(pk=client_id)


def kept_client_for(user: User, client_id: int) -> Client | None:
    """For a record retired by a merge, the record it was merged into, if this person may
    see it; otherwise None, so that a retired ID tells nobody more than a missing one."""
    retired = Client.objects.filter(pk=client_id, merged_into__isnull=False).first()
    if retired is None or retired.merged_into_id is None:
        return None
    # `merge_clients` keeps every retired record pointing at a current one; the loop is
    # only a guard against rows changed by hand.
    kept_id: int = retired.merged_into_id
    seen = {retired.pk}
    while True:
        kept = Client.objects.filter(pk=kept_id).first()
        if kept is None or kept.pk in seen:
            return None
        if kept.merged_into_id is None:
            break
        seen.add(kept.pk)
        kept_id = kept.merged_into_id
    return clients_visible_to(user).filter(pk=kept.pk).first()


@dataclass(frozen=True)
class LikelyDuplicate:
    client: Client
    reasons: list[str]
    case_count: int


# Enough to show every real duplicate; a longer list means a common name with no date of
# birth to tell people apart, which the client number search handles better.
LIKELY_DUPLICATES_SHOWN = 20


def likely_duplicates(user: User, client: Client) -> list[LikelyDuplicate]:
    """Other current records that may be the same person: the same NHS number, or the same
    name and date of birth, compared as `imha.cases.matching` folds them (the rules the
    referral inbox's duplicate check uses)."""
    nhs_number = normalised_nhs_number(client.nhs_number)
    conditions = Q()
    if nhs_number:
        conditions |= Q(nhs_number=nhs_number)
    if client.date_of_birth is not None and client.normalised_name:
        conditions |= Q(normalised_name=client.normalised_name, date_of_birth=client.date_of_birth)
    if not conditions:
        return []
    found = (
        clients_visible_to(user)
        .filter(conditions, anonymised_at__isnull=True)
        .exclude(pk=client.pk)
        .annotate(case_count=Count("cases"))
        .order_by("pk")[:LIKELY_DUPLICATES_SHOWN]
    )
    duplicates = []
    for other in found:
        reasons = []
        if nhs_number and normalised_nhs_number(other.nhs_number) == nhs_number:
            reasons.append("Same NHS number")
        if (
            client.date_of_birth is not None
            and other.normalised_name == client.normalised_name
            and other.date_of_birth == client.date_of_birth
        ):
            reasons.append("Same name and date of birth")
        duplicates.append(LikelyDuplicate(other, reasons, getattr(other, "case_count", 0)))
    return duplicates


def client_case_count(client: Client) -> int:
    """All the person's cases, whoever can see them: a merge moves every one."""
    return Case.objects.filter(client=client).count()


def cases_of_client(user: User, client: Client) -> list[Case]:
    return list(
        cases_visible_to(user)
        .filter(client=client)
        .select_related("allocated_advocate", "hospital")
        .order_by("-opened_at")
    )


@dataclass(frozen=True)
class Caseload:
    """`cases` is the active cases' row values (`rows.CASELOAD_COLUMNS`) in name order, for
    the view to page through (a query, or `KeptPages` when the SQL is kept), and `total`
    their number; the deadlines and activities cover all of them."""

    cases: QuerySet[Case, tuple[Any, ...]] | KeptPages
    total: int
    deadlines: list[rows.DeadlineRow]
    activities: list[rows.ActivityRow]


def visibility_key(user: User) -> tuple[Hashable, ...]:
    """Everything `cases_visible_to`, `my_cases` and `team_cases` read from the person: SQL
    kept under this key (see `caseload`) is the SQL they would build for them. Anything
    those functions come to read must be added here."""
    return (user.pk, user.role, user.team_id, user.is_active)


def caseload(cases: QuerySet[Case], today: date, *, kept_as: Hashable = None) -> Caseload:
    """Active cases with their statutory dates and activities in the next 14 days.

    The same few queries whatever the number of cases: one counting the cases and those
    whose stored dates stop short of the horizon, the stored statutory dates, the
    activities, and (from the view) one page of cases. Only when some case's stored dates
    stop short, which is normally none, are its dates worked out live, in two more.

    With `kept_as` (which names `cases`: whose, by `visibility_key`, and which list), the
    SQL of the dates, the activities and each page of cases is built once a day for them
    and kept (imha.core.kept_sql.kept_rows): the ORM took about five times longer to build
    it than the database takes to answer, on every view of the page worked out afresh.
    """
    horizon = today + timedelta(days=UPCOMING_DAYS)
    active = cases.filter(status__in=ACTIVE_STATUSES)
    complete = complete_through(horizon)

    def read(part: str, build: Callable[[], QuerySet[Any, tuple[Any, ...]]]) -> list[Any]:
        if kept_as is None:
            return list(build())
        return kept_rows((__name__, "caseload", part, kept_as, today), build)

    counts = active.aggregate(total=Count("pk"), short=Count("pk", filter=~complete))
    stored = read(
        "deadlines",
        lambda: shown_between(
            CaseDeadline.objects.filter(case__in=active.filter(complete).values("pk")),
            today,
            horizon,
        ).values_list(
            "case_id",
            "due_on",
            "kind",
            "point",
            *(f"case__{column}" for column in rows.CLIENT_COLUMNS),
        ),
    )
    # (day, case ID, what, person), in the order the table lists them.
    found = [
        (due_on, case_id, event_title(kind, point), rows.client_name(client_id, *name))
        for case_id, due_on, kind, point, client_id, *name in stored
    ]
    if counts["short"]:
        found.extend(
            (item.due_on, item.case.pk, item.what, str(item.case.client))
            for item in _worked_out_live(active.exclude(complete), today, horizon)
        )
    found.sort(key=lambda item: item[:3])
    activities = rows.activity_rows(
        read(
            "activities",
            lambda: (
                Activity.objects.filter(
                    case__in=active.values("pk"), occurs_on__gte=today, occurs_on__lte=horizon
                )
                .order_by("occurs_on", "starts_at_time", "pk")
                .values_list(
                    "case_id",
                    "kind",
                    "occurs_on",
                    "starts_at_time",
                    *(f"case__{column}" for column in rows.CLIENT_COLUMNS),
                )
            ),
        )
    )

    def in_name_order() -> QuerySet[Case, tuple[Any, ...]]:
        return active.order_by("client__last_name", "client__first_name", "pk").values_list(
            *rows.CASELOAD_COLUMNS
        )

    return Caseload(
        cases=in_name_order()
        if kept_as is None
        else KeptPages((__name__, "caseload", "cases", kept_as, today), in_name_order),
        total=counts["total"],
        deadlines=rows.deadline_rows(found),
        activities=activities,
    )


def _worked_out_live(cases: QuerySet[Case], today: date, horizon: date) -> list[UpcomingDeadline]:
    """Dates for cases with nothing stored that far ahead: not yet rebuilt since their
    stored dates ran out, or made outside the services (imports, tests)."""
    found: list[UpcomingDeadline] = []
    for case in cases.select_related("client").prefetch_related(current_status_prefetch()):
        periods: list[LegalStatusPeriod] = getattr(case, "current_periods", [])
        if periods:
            dates = deadlines_for(periods[0], case.client.date_of_birth, today)
            found.extend(upcoming(case, dates, today, horizon))
    return found


def my_cases(user: User) -> QuerySet[Case]:
    """An advocate's or manager's own allocated cases; for an intake worker, the cases from
    the referrals they handled, which is all they can see."""
    if user.role == Role.INTAKE:
        return cases_visible_to(user)
    return cases_visible_to(user).filter(allocated_advocate=user)


def team_cases(user: User) -> QuerySet[Case]:
    if user.team_id is None:
        return my_cases(user)
    return cases_visible_to(user).filter(allocated_advocate__team=user.team_id)


def unallocated_cases() -> QuerySet[Case, tuple[Any, ...]]:
    """Active cases with no advocate, oldest first (read from a partial index), as
    `rows.WAITING_COLUMNS`."""
    return (
        Case.objects.filter(status__in=ACTIVE_STATUSES, allocated_advocate__isnull=True)
        .order_by("opened_at", "pk")
        .values_list(*rows.WAITING_COLUMNS)
    )


def longest_waiting(limit: int) -> list[tuple[Any, ...]]:
    """The first `limit` of `unallocated_cases`. Its SQL has no parameter but the limit, so
    it is built once and kept (imha.core.kept_sql)."""
    return kept_rows((__name__, "longest-waiting", limit), lambda: unallocated_cases()[:limit])


def advocate_caseload_rows() -> list[tuple[Any, ...]]:
    """`advocates_with_caseloads`, its SQL (which has no parameters) built once and kept."""
    return kept_rows((__name__, "advocates-with-caseloads"), advocates_with_caseloads)


def advocates_with_caseloads() -> QuerySet[User, tuple[Any, ...]]:
    """Active advocates with their team and open-case count, as `rows.ADVOCATE_ROW_COLUMNS`.

    Each count is a subquery answered from the (advocate, status) index, touching only that
    advocate's active cases; a join and GROUP BY would read every case the service has
    ever had.
    """
    open_cases = (
        Case.objects.filter(allocated_advocate=OuterRef("pk"), status__in=ACTIVE_STATUSES)
        .order_by()
        .values("allocated_advocate")
        .annotate(count=Count("*"))
        .values("count")
    )
    return (
        User.objects.filter(role=Role.ADVOCATE, is_active=True)
        .annotate(open_cases=Coalesce(Subquery(open_cases, output_field=IntegerField()), 0))
        .order_by("team__name", "open_cases", "last_name", "first_name", "pk")
        .values_list(*rows.ADVOCATE_ROW_COLUMNS)
    )


CASE_LIST_ORDER = ("-opened_at", "-pk")


def case_list(user: User, status: str | None) -> QuerySet[Case]:
    """Cases the person can see, newest first."""
    cases = cases_visible_to(user)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    return cases.order_by(*CASE_LIST_ORDER)


def case_list_rows(
    cases: QuerySet[Case], offset: int, size: int, *, kept_as: Hashable = None
) -> tuple[list[rows.CaseListRow], bool]:
    """`size` cases of the list from `offset`, and whether more follow, in one query.

    The page's IDs are picked in a subquery the database answers from an index alone, and
    only those rows are joined to their client and advocate: a deep page then skips index
    entries rather than joined rows. One row more than the page says whether another page
    follows, without counting.

    With `kept_as`, which names `cases` (whose list, by `visibility_key`, and which status),
    the SQL of each page is built once and kept, as the caseload's is.
    """

    def page() -> QuerySet[Case, tuple[Any, ...]]:
        keys = cases.values("pk")[offset : offset + size + 1]
        return (
            Case.objects.filter(pk__in=keys)
            .order_by(*CASE_LIST_ORDER)
            .values_list(*rows.CASE_LIST_COLUMNS)
        )

    if kept_as is None:
        found = list(page())
    else:
        found = kept_rows((__name__, "case-list", kept_as, offset, size), page)
    return rows.case_list_rows(found[:size]), len(found) > size


def activities_between(user: User, start: date, end: date) -> list[Activity]:
    """Activities in the person's own diary from start to end inclusive."""
    return list(
        Activity.objects.filter(advocate=user, occurs_on__gte=start, occurs_on__lte=end)
        .filter(case__in=cases_visible_to(user))
        .select_related("case", "case__client", "case__hospital", "case__hospital_ward")
        # Activities with no time (all day) first on every database: SQLite and
        # PostgreSQL would otherwise put them at opposite ends of the day.
        .order_by("occurs_on", F("starts_at_time").asc(nulls_first=True), "pk")
    )
