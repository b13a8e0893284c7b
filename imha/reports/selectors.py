"""The queries behind the quarterly return. Every figure is counted in the database.

Each section is one query using conditional aggregation (a COUNT with a FILTER per
category) or one GROUP BY, so the number of queries stays the same however many referrals,
cases and activities there are, and no rows are fetched to be counted in Python. The
referral tables share one pass over the period's referrals (grouped by eligibility and
hospital, a few dozen groups). The median response time comes from a second pass that
counts answered referrals per pair of dates (counted as received, answered); the working
days for each pair, and the median, are then worked out here.

The figures returned are exact. `imha.reports.suppression.suppressed` hides small numbers
for commissioners; `imha.reports.caching` keeps computed returns for a few minutes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, cast

from django.db.models import Count, Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.cases.models import (
    Activity,
    ActivityKind,
    AgeBand,
    Case,
    Client,
    ClosureReason,
    Disability,
    Ethnicity,
    FirstLanguage,
    GenderIdentity,
    IssueOutcome,
    OutcomeKind,
    Religion,
    Sex,
    SexualOrientation,
)
from imha.hospitals.models import Hospital
from imha.law import Jurisdiction, is_working_day
from imha.referrals.models import (
    ELIGIBILITY_LABELS,
    Channel,
    LegalStatusAnswer,
    Referral,
    ReferralStatus,
    ReferrerType,
)
from imha.referrals.rules import service_jurisdiction
from imha.reports import caching
from imha.reports.caching import Audience
from imha.reports.figures import (
    AdvocateTime,
    Breakdown,
    CaseCounts,
    Figure,
    HospitalDuty,
    Median,
    QuarterlyReturn,
    Rate,
    ResponseTimes,
    Row,
)
from imha.reports.periods import LONDON, ReportPeriod
from imha.reports.suppression import suppressed

Choices = Sequence[tuple[Any, str]]

NO_HOSPITAL = "No hospital given"
WORKING_DAYS_UNIT = "working days"

# Referral breakdowns over fixed lists of choices, counted together in one query.
REFERRAL_CHOICE_BREAKDOWNS: tuple[tuple[str, str, str, Choices], ...] = (
    ("source", "Referrals by who made them", "referrer_type", ReferrerType.choices),
    ("channel", "Referrals by how they reached us", "channel", Channel.choices),
    (
        "statutory",
        "Referrals by whether the Act names the referrer (statutory)",
        "is_statutory",
        [(True, "From a referrer the Act names"), (False, "From anybody else")],
    ),
    (
        "legal_status",
        "Referrals by legal status (as the referrer told us)",
        "legal_status_answer",
        LegalStatusAnswer.choices,
    ),
)

# Equality monitoring: each is a Client field with a fixed list, including "prefer not to
# say" and "not known".
EQUALITY_FIELDS: tuple[tuple[str, str, Choices], ...] = (
    ("sex", "Sex", Sex.choices),
    (
        "gender_identity",
        "Gender identity the same as sex registered at birth",
        GenderIdentity.choices,
    ),
    ("ethnicity", "Ethnic group", Ethnicity.choices),
    (
        "disability",
        "Day-to-day activities limited by a health problem or disability",
        Disability.choices,
    ),
    ("religion", "Religion", Religion.choices),
    ("sexual_orientation", "Sexual orientation", SexualOrientation.choices),
    ("first_language", "First language", FirstLanguage.choices),
)

# Youngest age in each band, oldest band first; "not known" is handled separately.
AGE_BAND_FLOORS: tuple[tuple[int, AgeBand], ...] = (
    (75, AgeBand.FROM_75),
    (65, AgeBand.FROM_65_TO_74),
    (55, AgeBand.FROM_55_TO_64),
    (45, AgeBand.FROM_45_TO_54),
    (35, AgeBand.FROM_35_TO_44),
    (25, AgeBand.FROM_25_TO_34),
    (18, AgeBand.FROM_18_TO_24),
    (0, AgeBand.UNDER_18),
)


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: a period, optionally one hospital, and the moment it is run."""

    period: ReportPeriod
    hospital: Hospital | None
    now: datetime

    @property
    def today(self) -> date:
        return timezone.localtime(self.now, LONDON).date()

    @property
    def last_day_so_far(self) -> date:
        """Activities dated after today are plans, not work done."""
        return min(self.period.last_day, self.today)

    def for_hospital(self, queryset: QuerySet[Any], path: str) -> QuerySet[Any]:
        if self.hospital is None:
            return queryset
        return queryset.filter(**{path: self.hospital.pk})


def quarterly_return(
    period: ReportPeriod, *, hospital: Hospital | None = None, now: datetime | None = None
) -> QuarterlyReturn:
    """Every figure in the return, exact, for `period` (and `hospital`, when given)."""
    scope = ReportScope(period, hospital, now or timezone.now())
    referrals = referrals_received(scope)
    counts = referral_counts(referrals, scope)
    received = counts.totals["received"]
    activities = activity_figures(scope)
    people, equality = equality_monitoring(scope)
    case_counts, closed_by_reason = case_figures(scope)
    return QuarterlyReturn(
        period=period,
        hospital_name=hospital.name if hospital else None,
        generated_at=scope.now,
        is_suppressed=False,
        referrals_received=Figure.exact(received),
        referral_breakdowns=(
            *[
                _breakdown(slug, title, received, _choice_rows(counts.totals, field, choices))
                for slug, title, field, choices in REFERRAL_CHOICE_BREAKDOWNS
            ],
            _breakdown(
                "eligibility",
                "Referrals by whether the person seemed to qualify",
                received,
                counts.by_eligibility,
            ),
            _breakdown("hospital", "Referrals by hospital", received, counts.by_hospital),
        ),
        response=_response_times(referrals, counts.totals, scope),
        cases=case_counts,
        cases_closed_by_reason=closed_by_reason,
        activities_by_type=activities.by_type,
        minutes_by_type=activities.minutes_by_type,
        advocate_time=activities.total_time,
        outcomes=outcomes_recorded(scope),
        people_supported=Figure.exact(people),
        equality=equality,
        duty_to_inform=duty_to_inform(scope),
    )


# --- referrals --------------------------------------------------------------------------------


def referrals_received(scope: ReportScope) -> QuerySet[Referral]:
    received = Referral.objects.filter(
        received_at__gte=scope.period.starts_at, received_at__lt=scope.period.ends_before
    )
    return scope.for_hospital(received, "hospital_id").order_by()


def response_categories(now: datetime) -> list[tuple[str, str, Q]]:
    """What happened to each referral's response clock. Every referral is in exactly one."""
    unanswered = Q(responded_at__isnull=True)
    withdrawn = Q(status=ReferralStatus.WITHDRAWN)
    return [
        (
            "in_time",
            "Answered within the deadline",
            Q(responded_at__isnull=False, responded_at__lte=F("respond_by")),
        ),
        ("late", "Answered after the deadline", Q(responded_at__gt=F("respond_by"))),
        (
            "overdue",
            "Not answered, past the deadline",
            unanswered & ~withdrawn & Q(respond_by__lt=now),
        ),
        (
            "waiting",
            "Not answered, deadline not reached yet",
            unanswered & ~withdrawn & Q(respond_by__gte=now),
        ),
        ("withdrawn", "Withdrawn before an answer was due", unanswered & withdrawn),
    ]


@dataclass(frozen=True)
class ReferralCounts:
    """The referral figures that come from one pass over the period's referrals."""

    totals: dict[str, int]  # "received", each fixed-choice row and each response category
    by_eligibility: list[tuple[str, str, int]]
    by_hospital: list[tuple[str, str, int]]


def referral_counts(referrals: QuerySet[Referral], scope: ReportScope) -> ReferralCounts:
    """One query: every count in the referral tables.

    The referrals are grouped by eligibility category and hospital (a few dozen groups at
    most, since both lists are short), and each group carries a conditional count for every
    fixed-choice row and response category. Adding the groups up in Python gives the totals,
    so the period's referrals are read once rather than once per table.
    """
    counts: dict[str, Any] = {"received": Count("pk")}
    for _slug, _title, field, choices in REFERRAL_CHOICE_BREAKDOWNS:
        for index, (value, _label) in enumerate(choices):
            counts[f"{field}_{index}"] = Count("pk", filter=Q(**{field: value}))
    for key, _label, condition in response_categories(scope.now):
        counts[f"response_{key}"] = Count("pk", filter=condition)
    grouped = referrals.values("eligibility_category", "hospital_id", "hospital__name")
    # The counts are named at run time, which django-stubs cannot follow.
    groups = cast(Iterable[dict[str, Any]], grouped.annotate(**counts))
    totals = dict.fromkeys(counts, 0)
    by_eligibility: Counter[str] = Counter()
    by_hospital: Counter[tuple[str, str]] = Counter()
    for group in groups:
        for name in counts:
            totals[name] += group[name]
        by_eligibility[group["eligibility_category"]] += group["received"]
        hospital = (str(group["hospital_id"] or ""), group["hospital__name"] or NO_HOSPITAL)
        by_hospital[hospital] += group["received"]
    return ReferralCounts(
        totals=totals,
        by_eligibility=_eligibility_rows(by_eligibility),
        by_hospital=sorted(
            ((key, name, count) for (key, name), count in by_hospital.items()),
            key=lambda row: (row[0] == "", row[1]),
        ),
    )


def _choice_rows(
    totals: dict[str, int], field: str, choices: Choices
) -> list[tuple[str, str, int]]:
    return [
        (str(value), label, totals[f"{field}_{index}"])
        for index, (value, label) in enumerate(choices)
    ]


def _eligibility_rows(counted: Counter[str]) -> list[tuple[str, str, int]]:
    # Known categories in their usual order, then anything the rules engine adds later.
    order = list(ELIGIBILITY_LABELS) + sorted(set(counted) - set(ELIGIBILITY_LABELS))
    return [
        (category, ELIGIBILITY_LABELS.get(category, category), counted[category])
        for category in order
    ]


def _response_times(
    referrals: QuerySet[Referral], totals: dict[str, int], scope: ReportScope
) -> ResponseTimes:
    categories = response_categories(scope.now)
    outcomes = _breakdown(
        "response",
        "What happened to each referral's 3 working day deadline",
        totals["received"],
        [(key, label, totals[f"response_{key}"]) for key, label, _condition in categories],
    )
    in_time = totals["response_in_time"]
    due = in_time + totals["response_late"] + totals["response_overdue"]
    answered = in_time + totals["response_late"]
    return ResponseTimes(
        outcomes=outcomes,
        answered_in_time=Rate(Figure.exact(in_time), Figure.exact(due)),
        median_working_days=Median(
            median_response_working_days(referrals) if answered else None,
            Figure.exact(answered),
            WORKING_DAYS_UNIT,
        ),
    )


def response_days_counted(referrals: QuerySet[Referral]) -> Counter[int]:
    """How many answered referrals took each number of working days: one query.

    A referral took the working days d with `counted_as_received_on` < d <= the UK date it
    was answered (imha.law.working_days_between), and never fewer than 0: an answer before
    the clock started (say on the Saturday a referral arrived, when it counts from Monday)
    took none.

    The database only groups the referrals by those two dates. A quarter's thousands of
    answers share a few hundred pairs of dates, so the working days are then counted once
    per pair, here, with the rules engine's own calendar of bank holidays, rather than for
    every row inside the database.
    """
    pairs = (
        referrals.filter(responded_at__isnull=False)
        .values("counted_as_received_on", answered_on=TruncDate("responded_at", tzinfo=LONDON))
        .annotate(n=Count("pk"))
        .values_list("counted_as_received_on", "answered_on", "n")
    )
    rows = list(pairs)
    if not rows:
        return Counter()
    first = min(min(start, end) for start, end, _n in rows)
    last = max(max(start, end) for start, end, _n in rows)
    working_days_to = working_days_up_to(first, last, service_jurisdiction())
    taken: Counter[int] = Counter()
    for start, end, count in rows:
        taken[max(working_days_to[end] - working_days_to[start], 0)] += count
    return taken


def working_days_up_to(first: date, last: date, region: Jurisdiction) -> dict[date, int]:
    """For each day from `first` to `last`, the working days after `first` up to that day.

    The difference between two days' numbers is imha.law.working_days_between for them.
    """
    numbers: dict[date, int] = {}
    count = 0
    day = first
    while day <= last:
        if day != first and is_working_day(day, region):
            count += 1
        numbers[day] = count
        day += timedelta(days=1)
    return numbers


def median_of_counts(counted: Counter[int]) -> float | None:
    """The median of values given as {value: how many times}: the middle one, or halfway
    between the two middle ones (as PostgreSQL's PERCENTILE_CONT(0.5))."""
    total = sum(counted.values())
    if total == 0:
        return None
    # Positions (from 0) of the middle value, or of the two middle values.
    wanted = sorted({(total - 1) // 2, total // 2})
    middle: list[int] = []
    seen = 0
    for value in sorted(counted):
        seen += counted[value]
        while wanted and wanted[0] < seen:
            middle.append(value)
            wanted.pop(0)
    return sum(middle) / len(middle)


def median_response_working_days(referrals: QuerySet[Referral]) -> float | None:
    return median_of_counts(response_days_counted(referrals))


# --- cases, activities, outcomes ------------------------------------------------------------


def case_figures(scope: ReportScope) -> tuple[CaseCounts, Breakdown]:
    """Open at the end of the period, opened in it and closed in it (with reasons): one query."""
    start, end = scope.period.starts_at, scope.period.ends_before
    closed_in_period = Q(closed_at__gte=start, closed_at__lt=end)
    counts: dict[str, Any] = {
        "open_at_end": Count(
            "pk", filter=Q(opened_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
        ),
        "opened": Count("pk", filter=Q(opened_at__gte=start, opened_at__lt=end)),
        "closed": Count("pk", filter=closed_in_period),
    }
    for index, (value, _label) in enumerate(ClosureReason.choices):
        counts[f"reason_{index}"] = Count("pk", filter=closed_in_period & Q(closure_reason=value))
    totals = scope.for_hospital(Case.objects.order_by(), "hospital_id").aggregate(**counts)
    case_counts = CaseCounts(
        open_at_end=Figure.exact(totals["open_at_end"]),
        opened=Figure.exact(totals["opened"]),
        closed=Figure.exact(totals["closed"]),
    )
    by_reason = _breakdown(
        "closure_reason",
        "Cases closed, by reason",
        totals["closed"],
        _choice_rows(totals, "reason", ClosureReason.choices),
        chart=False,
    )
    return case_counts, by_reason


@dataclass(frozen=True)
class ActivityFigures:
    by_type: Breakdown
    minutes_by_type: tuple[AdvocateTime, ...]
    total_time: AdvocateTime


def activity_figures(scope: ReportScope) -> ActivityFigures:
    """Activities carried out in the period (up to today), by type, with minutes: one query."""
    activities = Activity.objects.filter(
        occurs_on__gte=scope.period.first_day, occurs_on__lte=scope.last_day_so_far
    ).order_by()
    activities = scope.for_hospital(activities, "case__hospital_id")
    # Counting rows (and `kind`, never empty) rather than ids means that, with an index
    # holding the date, type and minutes, PostgreSQL can answer from the index alone.
    counts: dict[str, Any] = {"total": Count("*"), "minutes": Sum("duration_minutes")}
    for index, (value, _label) in enumerate(ActivityKind.choices):
        counts[f"kind_{index}"] = Count("kind", filter=Q(kind=value))
        counts[f"minutes_{index}"] = Sum("duration_minutes", filter=Q(kind=value))
    totals = activities.aggregate(**counts)
    rows = _choice_rows(totals, "kind", ActivityKind.choices)
    by_type = _breakdown("activities", "Activities by type", totals["total"], rows)
    minutes_by_type = tuple(
        AdvocateTime(totals[f"minutes_{index}"] or 0, Figure.exact(count), label)
        for index, (_key, label, count) in enumerate(rows)
    )
    total_time = AdvocateTime(totals["minutes"] or 0, Figure.exact(totals["total"]))
    return ActivityFigures(by_type, minutes_by_type, total_time)


def outcomes_recorded(scope: ReportScope) -> Breakdown:
    """Outcomes recorded in the period against the fixed list: one query."""
    outcomes = IssueOutcome.objects.filter(
        recorded_on__gte=scope.period.first_day, recorded_on__lte=scope.period.last_day
    ).order_by()
    outcomes = scope.for_hospital(outcomes, "issue__case__hospital_id")
    counts: dict[str, Any] = {"total": Count("pk")}
    for index, (value, _label) in enumerate(OutcomeKind.choices):
        counts[f"outcome_{index}"] = Count("pk", filter=Q(outcome=value))
    totals = outcomes.aggregate(**counts)
    return _breakdown(
        "outcomes",
        "Outcomes recorded",
        totals["total"],
        _choice_rows(totals, "outcome", OutcomeKind.choices),
    )


# --- equality monitoring --------------------------------------------------------------------


def people_supported(scope: ReportScope) -> QuerySet[Client]:
    """Clients with a case open at any time in the period."""
    cases = Case.objects.filter(
        client=OuterRef("pk"), opened_at__lt=scope.period.ends_before
    ).filter(Q(closed_at__isnull=True) | Q(closed_at__gte=scope.period.starts_at))
    cases = scope.for_hospital(cases, "hospital_id")
    return Client.objects.filter(Exists(cases)).order_by()


def born_on_or_before_for_age(age: int, on: date) -> date:
    """The latest date of birth of somebody who is at least `age` on `on`.

    Somebody born on 29 February reaches a birthday on 1 March in other years, so in a
    year with no 29 February the latest such date is the 28th.
    """
    year = on.year - age
    if on.month == 2 and on.day == 29:
        return date(year, 2, 28) if not _is_leap(year) else on.replace(year=year)
    return on.replace(year=year)


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def age_band_conditions(on: date) -> list[tuple[AgeBand, Q]]:
    """One condition per age band, on the person's age on the day given."""
    unknown = Q(date_of_birth__isnull=True) | Q(date_of_birth__gt=on)
    conditions: list[tuple[AgeBand, Q]] = []
    younger_than_previous: Q | None = None
    for floor, band in AGE_BAND_FLOORS:
        at_least = Q(date_of_birth__lte=born_on_or_before_for_age(floor, on))
        condition = at_least if younger_than_previous is None else at_least & younger_than_previous
        conditions.append((band, condition))
        younger_than_previous = Q(date_of_birth__gt=born_on_or_before_for_age(floor, on))
    conditions.append((AgeBand.NOT_KNOWN, unknown))
    # Youngest first reads more naturally in a table.
    return conditions[-2::-1] + conditions[-1:]


def equality_monitoring(scope: ReportScope) -> tuple[int, tuple[Breakdown, ...]]:
    """People supported in the period, by each equality characteristic: one query.

    Age is worked out on the last day of the period from the date of birth.
    """
    counts: dict[str, Any] = {"total": Count("pk")}
    age_conditions = age_band_conditions(scope.period.last_day)
    for index, (_band, condition) in enumerate(age_conditions):
        counts[f"age_{index}"] = Count("pk", filter=condition)
    for field, _title, choices in EQUALITY_FIELDS:
        for index, (value, _label) in enumerate(choices):
            counts[f"{field}_{index}"] = Count("pk", filter=Q(**{field: value}))
    totals = people_supported(scope).aggregate(**counts)
    total = totals["total"]
    age_rows = [
        (band.value, band.label, totals[f"age_{index}"])
        for index, (band, _condition) in enumerate(age_conditions)
    ]
    breakdowns = [_breakdown("equality_age", "Age on the last day of the period", total, age_rows)]
    for field, title, choices in EQUALITY_FIELDS:
        breakdowns.append(
            _breakdown(
                f"equality_{field}",
                title,
                total,
                _choice_rows(totals, field, choices),
                chart=field != "ethnicity",
            )
        )
    return total, tuple(breakdowns)


# --- hospitals' duty to inform --------------------------------------------------------------


def duty_to_inform(scope: ReportScope) -> tuple[HospitalDuty, ...]:
    """Per hospital, patients who became qualifying in the period, and of those whose deadline
    for first being told has passed, how many were told verbally and in writing in time.

    One query. The deadline is each hospital's own, in working days, set on the notice.
    The period's condition is part of the join (a FilteredRelation) rather than of each
    count, so the database reads only the notices that became qualifying in the period, not
    every notice ever recorded, and could use an index on `qualifying_since` to find them.
    """
    period = scope.period
    hospitals = Hospital.objects.all()
    if scope.hospital is not None:
        hospitals = hospitals.filter(pk=scope.hospital.pk)
    hospitals = hospitals.annotate(
        became_qualifying=FilteredRelation(
            "notices",
            condition=Q(
                notices__qualifying_since__gte=period.first_day,
                notices__qualifying_since__lte=period.last_day,
            ),
        )
    )
    deadline_reached = Q(became_qualifying__information_due_by__lt=scope.today)
    due_by = F("became_qualifying__information_due_by")
    rows = (
        hospitals.annotate(
            became=Count("became_qualifying"),
            deadline_reached=Count("became_qualifying", filter=deadline_reached),
            verbal=Count(
                "became_qualifying",
                filter=deadline_reached & Q(became_qualifying__first_told_verbally_on__lte=due_by),
            ),
            written=Count(
                "became_qualifying",
                filter=deadline_reached
                & Q(became_qualifying__first_given_in_writing_on__lte=due_by),
            ),
        )
        .filter(Q(is_active=True) | Q(became__gt=0))
        .order_by("name")
        .values_list("name", "became", "deadline_reached", "verbal", "written")
    )
    return tuple(
        HospitalDuty(
            name=name,
            became_qualifying=Figure.exact(became_count),
            deadline_reached=Figure.exact(reached),
            told_verbally_in_time=Rate(Figure.exact(verbal), Figure.exact(reached)),
            given_in_writing_in_time=Rate(Figure.exact(written), Figure.exact(reached)),
        )
        for name, became_count, reached, verbal, written in rows
    )


# --- helpers --------------------------------------------------------------------------------


def _breakdown(
    slug: str,
    title: str,
    total: int,
    rows: Iterable[tuple[str, str, int]],
    *,
    chart: bool = True,
) -> Breakdown:
    return Breakdown(
        slug=slug,
        title=title,
        rows=tuple(Row(key, label, Figure.exact(count)) for key, label, count in rows),
        total=Figure.exact(total),
        chart=chart,
    )


def hospitals_for_choice() -> QuerySet[Hospital]:
    return Hospital.objects.order_by("-is_active", "name")


# --- who sees what --------------------------------------------------------------------------

# Roles that see exact figures. Everyone else who may open the reports (the commissioner)
# gets suppressed figures, so a role added later is suppressed until somebody decides.
EXACT_FIGURE_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)


def sees_exact_figures(user: User) -> bool:
    return user.role in EXACT_FIGURE_ROLES


def quarterly_return_for(
    user: User,
    period: ReportPeriod,
    *,
    hospital: Hospital | None = None,
    now: datetime | None = None,
) -> QuarterlyReturn:
    """The return as this user may see it: exact for managers and administrators,
    suppressed for everybody else."""
    report = quarterly_return(period, hospital=hospital, now=now)
    return report if sees_exact_figures(user) else suppressed(report)


def audience_of(user: User) -> Audience:
    return Audience.EXACT if sees_exact_figures(user) else Audience.SUPPRESSED


def returns_for_every_audience(
    period: ReportPeriod, *, hospital: Hospital | None = None, now: datetime | None = None
) -> dict[Audience, QuarterlyReturn]:
    """One computation of the return, as each audience sees it."""
    exact = quarterly_return(period, hospital=hospital, now=now)
    return {Audience.EXACT: exact, Audience.SUPPRESSED: suppressed(exact)}


def cached_quarterly_return_for(
    user: User, period: ReportPeriod, *, hospital: Hospital | None = None
) -> QuarterlyReturn:
    """The return as this user may see it, from the cache when it was computed recently
    (see imha.reports.caching). `generated_at` says when its figures were calculated."""
    hospital_id = hospital.pk if hospital is not None else None
    report = caching.get_or_compute(
        period,
        hospital_id,
        audience_of(user),
        lambda: returns_for_every_audience(period, hospital=hospital),
    )
    if report.period != period:
        # The same days asked for as a quarter and as dates: keep the name asked for.
        report = replace(report, period=period)
    return report
