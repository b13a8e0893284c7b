"""`kept_rows`: a values_list query's SQL built once per key, its rows read afresh and converted
exactly as the queryset converts them, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imha.cases.models import Activity, ActivityKind, Case, Client
from imha.core import kept_sql
from imha.core.kept_sql import KeptPages, forget_kept_rows, kept_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept() -> None:
    forget_kept_rows()


@pytest.fixture
def activities(make_user) -> list[Activity]:
    advocate = make_user(username="kept-sql-advocate")
    person = Client.objects.create(
        first_name="Sky",
        last_name="Example",
        safe_to_leave_message=False,
        communication_needs=["easy_read"],
    )
    case = Case.objects.create(client=person, allocated_advocate=advocate, opened_at=timezone.now())
    made = []
    for day in range(3):
        made.append(
            Activity.objects.create(
                case=case,
                kind=ActivityKind.VISIT,
                occurs_on=date(2026, 12, 1) + timedelta(days=day),
                starts_at_time=time(9 + day, 30) if day else None,
                advocate=advocate,
            )
        )
    return made


def activity_values(case_id: int) -> QuerySet[Activity, tuple[object, ...]]:
    # Dates, times, datetimes, booleans, JSON and nulls: most come back from the database as
    # something other than what the field gives, and need the ORM's conversions.
    return (
        Activity.objects.filter(case_id=case_id)
        .order_by("occurs_on", "pk")
        .values_list(
            "pk",
            "occurs_on",
            "starts_at_time",
            "case__client__safe_to_leave_message",
            "created_at",
            "case__client__communication_needs",
            "case__client__anonymised_at",
        )
    )


def test_rows_are_what_the_queryset_gives_converted_the_same_way(activities) -> None:
    case_id = activities[0].case_id
    rows = kept_rows(("test", case_id), lambda: activity_values(case_id))
    assert rows == list(activity_values(case_id))
    first = rows[0]
    assert isinstance(first[1], date) and first[2] is None and first[3] is False
    assert timezone.is_aware(first[4])
    assert first[5] == ["easy_read"] and first[6] is None
    assert isinstance(rows[1][2], time)


def test_the_sql_is_built_once_per_key_and_the_rows_read_each_time(activities) -> None:
    case_id = activities[0].case_id
    built = []

    def build() -> QuerySet[Activity, tuple[object, ...]]:
        built.append(1)
        return activity_values(case_id)

    assert len(kept_rows(("test", case_id), build)) == 3
    activities[0].delete()
    with CaptureQueriesContext(connection) as queries:
        again = kept_rows(("test", case_id), build)
    assert len(built) == 1, "the second call must not build the query again"
    assert len(queries) == 1
    assert [row[0] for row in again] == [activity.pk for activity in activities[1:]]
    kept_rows(("test", "another key"), build)
    assert len(built) == 2


def test_a_query_that_matches_nothing_runs_no_sql(activities) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert kept_rows(("test", "none"), lambda: activity_values(0).none()) == []
        assert kept_rows(("test", "none"), lambda: activity_values(0).none()) == []
    assert len(queries) == 0


def test_only_plain_values_list_queries_are_kept(activities) -> None:
    with pytest.raises(TypeError):
        kept_rows(("test", "flat"), lambda: Activity.objects.values_list("pk", flat=True))
    with pytest.raises(TypeError):
        kept_rows(("test", "named"), lambda: Activity.objects.values_list("pk", named=True))
    with pytest.raises(TypeError):
        kept_rows(("test", "models"), lambda: Activity.objects.all())  # type: ignore[arg-type,return-value]


def test_the_number_kept_is_bounded_oldest_first(monkeypatch, activities) -> None:
    monkeypatch.setattr(kept_sql, "KEPT_ROWS_LIMIT", 2)
    case_id = activities[0].case_id
    for name in ("first", "second", "third"):
        kept_rows(("test", name), lambda: activity_values(case_id))
    kept_keys = [key[0][1] for key in kept_sql._kept_queries]
    assert kept_keys == ["second", "third"]


def test_kept_pages_read_each_page_as_the_queryset_slices_it(activities) -> None:
    case_id = activities[0].case_id
    pages = Paginator(KeptPages(("test", "pages"), lambda: activity_values(case_id)), 2)
    pages.count = 3  # as KnownCountPaginator is told it
    expected = Paginator(activity_values(case_id), 2)
    for number in (1, 2):
        assert list(pages.page(number).object_list) == list(expected.page(number).object_list)
    with pytest.raises(TypeError):
        KeptPages(("test", "pages"), lambda: activity_values(case_id))[0]  # type: ignore[index]
