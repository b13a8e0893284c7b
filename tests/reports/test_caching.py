"""Keeping computed returns: cache hits, separate audiences, "calculated at", the
recalculate button, lifetimes and the stampede lock (imha.reports.caching)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.audit.models import AuditAction, AuditEvent
from imha.core.freshness import data_version
from imha.reports import benchdata, caching
from imha.reports.caching import Audience
from imha.reports.exports import export_rows
from imha.reports.figures import QuarterlyReturn
from imha.reports.forms import default_filters
from imha.reports.periods import FinancialQuarter, custom_period
from imha.reports.selectors import quarterly_return, returns_for_every_audience
from tests.conftest import STAFF_PASSWORD, current_code, london
from tests.reports.conftest import make_referral
from tests.reports.test_views import Q1_2025, URL, add_more_of_everything, csv_figures

pytestmark = pytest.mark.django_db

RECALCULATE_URL = f"{URL}recalculate/"
Q1 = FinancialQuarter(2025, 1).as_period()
Q1_FIELDS = {"period": "quarter", "quarter": "2025-Q1"}
# Session, user, authenticator device, the data version (imha.core.freshness) and the
# hospitals offered in the filter form.
HIT_QUERY_LIMIT = 5
DATA_TABLES = (
    "referrals_referral",
    "cases_case",
    "cases_client",
    "cases_activity",
    "cases_issueoutcome",
    "hospitals_qualifyingnotice",
)


def received_on_page(html: str) -> str:
    """The "Referrals received" key figure as the page shows it."""
    match = re.search(
        r"Referrals received</dt>\s*<dd class=\"govuk-summary-list__value\">([^<]+)</dd>", html
    )
    assert match is not None
    return match.group(1)


def queries_on_the_data(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in DATA_TABLES)]


def one_more_referral_in_q1() -> None:
    make_referral(london(2025, 5, 14, 10), responded_at=london(2025, 5, 14, 12))


# --- cache hits -----------------------------------------------------------------------------


def test_a_second_view_with_nothing_changed_shows_the_kept_figures(verified_client, world):
    client = verified_client(Role.MANAGER)
    first = client.get(f"{URL}?{Q1_2025}")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(f"{URL}?{Q1_2025}")
    assert received_on_page(first.content.decode()) == "7"
    assert received_on_page(second.content.decode()) == "7"
    assert second.context["report"] == first.context["report"]
    assert queries_on_the_data(queries) == []
    # (A change to the records makes them stale at once: see test_freshness.py.)


@pytest.mark.parametrize("role", [Role.MANAGER, Role.COMMISSIONER])
def test_a_cache_hit_makes_a_few_queries_and_none_on_the_data(verified_client, world, role):
    client = verified_client(role)
    client.get(f"{URL}?{Q1_2025}")
    with CaptureQueriesContext(connection) as small:
        assert client.get(f"{URL}?{Q1_2025}").status_code == 200
    add_more_of_everything(world, 30)
    # New records make the kept figures stale (imha.core.freshness): this view counts
    # them again, and the next is a hit on the larger data.
    client.get(f"{URL}?{Q1_2025}")
    with CaptureQueriesContext(connection) as large:
        assert client.get(f"{URL}?{Q1_2025}").status_code == 200
    assert len(small) <= HIT_QUERY_LIMIT
    assert len(large) == len(small)
    assert queries_on_the_data(small) == []


def test_a_hospital_has_its_own_figures(verified_client, world):
    client = verified_client(Role.MANAGER)
    client.get(f"{URL}?{Q1_2025}")
    response = client.get(f"{URL}?{Q1_2025}&hospital={world.hospital_a.pk}")
    assert response.context["report"].referrals_received.value == 4
    assert response.context["report"].area_label == "Testing Fields Hospital"


def test_a_quarter_and_the_same_dates_share_figures_but_keep_their_own_name(verified_client, world):
    client = verified_client(Role.MANAGER)
    client.get(f"{URL}?{Q1_2025}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}?period=custom&from_date=1/4/2025&to_date=30/6/2025")
    report = response.context["report"]
    assert queries_on_the_data(queries) == []
    assert report.referrals_received.value == 7
    assert report.period.label == "1 April 2025 to 30 June 2025"
    assert '<h2 class="govuk-heading-l">1 April 2025 to 30 June 2025</h2>' in (
        response.content.decode()
    )


# --- audiences ------------------------------------------------------------------------------


def test_commissioner_and_manager_figures_are_kept_apart(verified_client, world):
    # Both signed in first: adding a user is a change to the data (imha.core.freshness).
    manager_client = verified_client(Role.MANAGER)
    commissioner_client = verified_client(Role.COMMISSIONER)
    manager = manager_client.get(f"{URL}?{Q1_2025}").context["report"]
    with CaptureQueriesContext(connection) as queries:
        response = commissioner_client.get(f"{URL}?{Q1_2025}")
    commissioner = response.context["report"]
    # One computation filled both entries, so the commissioner's view counted nothing...
    assert queries_on_the_data(queries) == []
    assert commissioner.generated_at == manager.generated_at
    # ...but each sees their own kind of figures, from their own entry.
    assert not manager.is_suppressed
    assert commissioner.is_suppressed
    statutory = {row.key: row.figure.display for row in commissioner.referral_breakdowns[2].rows}
    assert statutory == {"True": "[c]", "False": "<5"}
    exact_key = caching.figures_key(Q1, None, Audience.EXACT, version=data_version())
    suppressed_key = caching.figures_key(Q1, None, Audience.SUPPRESSED, version=data_version())
    assert exact_key != suppressed_key
    assert cache.get(exact_key) == manager
    assert cache.get(suppressed_key) == commissioner


def test_the_commissioners_entry_holds_no_small_numbers(verified_client, world):
    verified_client(Role.MANAGER).get(f"{URL}?{Q1_2025}")
    kept = caching.cached(Q1, None, Audience.SUPPRESSED)
    assert kept is not None and kept.is_suppressed
    for row in export_rows(kept):
        if row.section != "About this return":
            assert row.value not in {1, 2, 3, 4}, row


def test_a_manager_never_gets_the_commissioners_figures(verified_client, world):
    verified_client(Role.COMMISSIONER).get(f"{URL}?{Q1_2025}")
    report = verified_client(Role.MANAGER).get(f"{URL}?{Q1_2025}").context["report"]
    assert not report.is_suppressed
    assert report.referral_breakdowns[2].rows[1].figure.value == 2


# --- calculated at --------------------------------------------------------------------------


def test_the_page_says_when_the_figures_were_calculated(verified_client, world):
    response = verified_client(Role.COMMISSIONER).get(f"{URL}?{Q1_2025}")
    report = response.context["report"]
    html = response.content.decode()
    assert f"Figures calculated at {report.calculated_at_label}." in html
    assert "They are counted again as soon as a record they use changes." in html
    # Quarter 1 of 2025 ended long ago, so its figures are kept for an hour.
    assert "Otherwise they are kept for 1 hour" in html


@pytest.mark.parametrize(
    ("moment", "label"),
    [
        (datetime(2026, 11, 25, 10, 32, tzinfo=UTC), "10:32 on 25 November 2026"),
        # British Summer Time: an hour ahead of UTC, and past midnight into the next day.
        (datetime(2025, 7, 1, 23, 5, tzinfo=UTC), "00:05 on 2 July 2025"),
    ],
)
def test_calculated_at_is_told_in_uk_time(world, moment, label):
    report = replace(quarterly_return(Q1), generated_at=moment)
    assert report.calculated_at_label == label


def test_downloads_use_the_figures_on_the_page(verified_client, world):
    client = verified_client(Role.MANAGER)
    report = client.get(f"{URL}?{Q1_2025}").context["report"]
    with CaptureQueriesContext(connection) as queries:
        figures = csv_figures(client.get(f"{URL}export.csv?{Q1_2025}").content)
    assert queries_on_the_data(queries) == []
    assert figures[("Referrals", "Referrals received")] == "7"
    produced = report.generated_at.astimezone(caching.LONDON).strftime("%Y-%m-%d %H:%M")
    assert figures[("About this return", "Produced")] == produced


def test_a_download_before_any_view_keeps_its_figures_for_the_page(verified_client, world):
    client = verified_client(Role.COMMISSIONER)
    client.get(f"{URL}export.csv?{Q1_2025}")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"{URL}?{Q1_2025}")
    assert queries_on_the_data(queries) == []


# --- recalculating --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMINISTRATOR])
def test_staff_who_see_exact_figures_can_recalculate(verified_client, world, role):
    client = verified_client(role)
    before = client.get(f"{URL}?{Q1_2025}")
    html = before.content.decode()
    assert f'action="{RECALCULATE_URL}"' in html
    assert '<input type="hidden" name="quarter" value="2025-Q1">' in html
    one_more_referral_in_q1()
    response = client.post(RECALCULATE_URL, Q1_FIELDS)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?{Q1_2025}"
    after = client.get(response["Location"])
    assert received_on_page(after.content.decode()) == "8"
    assert "The figures have been calculated again." in after.content.decode()
    assert after.context["report"].generated_at > before.context["report"].generated_at


def test_recalculating_is_audited(verified_client, world):
    verified_client(Role.MANAGER).post(RECALCULATE_URL, Q1_FIELDS)
    event = AuditEvent.objects.get(object_type="quarterly_return")
    assert event.action == AuditAction.UPDATE
    assert event.actor_role == Role.MANAGER
    assert event.object_id == "2025-04-01/2025-06-30"
    assert event.summary == (
        "Recalculated the quarterly return for 1 April 2025 to 30 June 2025, "
        "All hospitals and the community"
    )


def test_recalculating_refreshes_the_commissioners_figures_too(verified_client, world):
    commissioner = verified_client(Role.COMMISSIONER)
    commissioner.get(f"{URL}?{Q1_2025}")
    for _ in range(5):
        one_more_referral_in_q1()
    verified_client(Role.MANAGER).post(RECALCULATE_URL, Q1_FIELDS)
    report = commissioner.get(f"{URL}?{Q1_2025}").context["report"]
    assert report.is_suppressed
    assert report.referrals_received.value == 12


def test_recalculating_the_default_period_returns_to_the_plain_address(verified_client, world):
    response = verified_client(Role.MANAGER).post(RECALCULATE_URL, {})
    assert response.status_code == 302
    assert response["Location"] == URL
    quarter = default_filters(timezone.localdate()).period
    assert caching.cached(quarter, None, Audience.EXACT) is not None


def test_recalculating_one_hospital_keeps_the_hospital(verified_client, world):
    client = verified_client(Role.MANAGER)
    fields = {**Q1_FIELDS, "hospital": str(world.hospital_a.pk)}
    response = client.post(RECALCULATE_URL, fields)
    assert response["Location"] == f"{URL}?{Q1_2025}&hospital={world.hospital_a.pk}"
    assert caching.cached(Q1, world.hospital_a.pk, Audience.EXACT) is not None
    event = AuditEvent.objects.get(object_type="quarterly_return")
    assert "Testing Fields Hospital" in event.summary


def test_commissioners_cannot_recalculate(verified_client, world):
    client = verified_client(Role.COMMISSIONER)
    page = client.get(f"{URL}?{Q1_2025}")
    kept = page.context["report"]
    assert RECALCULATE_URL not in page.content.decode()
    assert client.post(RECALCULATE_URL, Q1_FIELDS).status_code == 403
    assert not AuditEvent.objects.filter(object_type="quarterly_return").exists()
    assert caching.cached(Q1, None, Audience.SUPPRESSED) == kept


def test_recalculating_needs_a_post(verified_client):
    assert verified_client(Role.MANAGER).get(RECALCULATE_URL).status_code == 405


def test_recalculating_needs_the_forms_csrf_token(world, make_user, enrolled_device):
    user: User = make_user(Role.MANAGER)
    device = enrolled_device(user)
    client = Client(enforce_csrf_checks=True)
    # The sign-in pages need their tokens too.
    for path, fields in (
        ("/sign-in/", {"username": user.username, "password": STAFF_PASSWORD}),
        ("/sign-in/security-code/", {"code": current_code(device)}),
    ):
        client.get(path)
        token = client.cookies["csrftoken"].value
        assert client.post(path, {**fields, "csrfmiddlewaretoken": token}).status_code == 302
    page = client.get(f"{URL}?{Q1_2025}").content.decode()
    assert client.post(RECALCULATE_URL, Q1_FIELDS).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    fields = {**Q1_FIELDS, "csrfmiddlewaretoken": token.group(1)}
    assert client.post(RECALCULATE_URL, fields).status_code == 302


def test_recalculating_with_bad_filters_explains_and_changes_nothing(verified_client, world):
    client = verified_client(Role.MANAGER)
    client.get(f"{URL}?{Q1_2025}")
    kept = caching.cached(Q1, None, Audience.EXACT)
    response = client.post(
        RECALCULATE_URL, {"period": "custom", "from_date": "31/2/2025", "to_date": "30/6/2025"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html and "must be a real date" in html
    assert 'value="31/2/2025"' in html
    assert not AuditEvent.objects.filter(object_type="quarterly_return").exists()
    assert caching.cached(Q1, None, Audience.EXACT) == kept


# --- how long figures are kept --------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_day", "today", "seconds"),
    [
        (date(2026, 12, 31), date(2026, 11, 25), caching.RECENT_PERIOD_SECONDS),  # running
        (date(2026, 11, 25), date(2026, 11, 25), caching.RECENT_PERIOD_SECONDS),  # ends today
        (date(2026, 9, 30), date(2026, 10, 28), caching.RECENT_PERIOD_SECONDS),  # 28 days on
        (date(2026, 9, 30), date(2026, 10, 29), caching.SETTLED_PERIOD_SECONDS),  # 29 days on
        (date(2025, 6, 30), date(2026, 11, 25), caching.SETTLED_PERIOD_SECONDS),
    ],
)
def test_recent_figures_are_kept_for_less_time_than_settled_ones(last_day, today, seconds):
    period = custom_period(date(2025, 4, 1), last_day)
    assert caching.lifetime_seconds(period, today) == seconds


def test_lifetimes_in_words():
    assert caching.in_words(caching.RECENT_PERIOD_SECONDS) == "10 minutes"
    assert caching.in_words(caching.SETTLED_PERIOD_SECONDS) == "1 hour"
    assert caching.in_words(2 * 3600) == "2 hours"
    assert caching.in_words(60) == "1 minute"


class SpyCache:
    """The real cache, noting the lifetime of everything stored."""

    def __init__(self, real: Any) -> None:
        self.real = real
        self.timeouts: list[int] = []

    def set_many(self, data: Mapping[str, object], timeout: int) -> list[str]:
        self.timeouts.append(timeout)
        return self.real.set_many(data, timeout=timeout)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)


def test_figures_are_stored_for_their_periods_lifetime(world, monkeypatch):
    spy = SpyCache(cache)
    monkeypatch.setattr(caching, "cache", spy)
    returns = returns_for_every_audience(Q1, now=world.now)  # 2 July 2025: just ended
    caching.store(Q1, None, returns, version=data_version())
    old = returns_for_every_audience(Q1, now=london(2025, 11, 1, 9))
    caching.store(Q1, None, old, version=data_version())
    assert spy.timeouts == [caching.RECENT_PERIOD_SECONDS, caching.SETTLED_PERIOD_SECONDS]


# --- many at once ---------------------------------------------------------------------------


@pytest.fixture
def returns(db: None) -> dict[Audience, QuarterlyReturn]:
    """One count, as kept under the current data version (so it compares equal to what the
    cache hands back)."""
    version = data_version()
    return {a: replace(r, data_version=version) for a, r in returns_for_every_audience(Q1).items()}


def counting(
    returns: Mapping[Audience, QuarterlyReturn], *, seconds: float = 0.0
) -> tuple[Callable[[], Mapping[Audience, QuarterlyReturn]], list[int]]:
    """A computation that takes `seconds` and notes each time it runs."""
    runs: list[int] = []

    def compute() -> Mapping[Audience, QuarterlyReturn]:
        runs.append(1)
        time.sleep(seconds)
        return returns

    return compute, runs


class FakeClock:
    """Stands in for the time module in imha.reports.caching: sleeping moves the clock on
    and runs `on_sleep`, so waiting can be tested without waiting."""

    def __init__(self, on_sleep: Callable[[], None] = lambda: None) -> None:
        self.now = 0.0
        self.sleeps = 0
        self.on_sleep = on_sleep

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.sleeps += 1
        self.on_sleep()


def test_the_first_request_computes_once_and_lets_go_of_the_lock(returns):
    compute, runs = counting(returns)
    first = caching.get_or_compute(Q1, None, Audience.SUPPRESSED, compute)
    again = caching.get_or_compute(Q1, None, Audience.EXACT, compute)
    assert runs == [1]
    assert first is not again
    assert first == returns[Audience.SUPPRESSED]
    assert again == returns[Audience.EXACT]
    assert cache.get(caching.lock_key(Q1, None, version=data_version())) is None


def test_many_requests_at_once_compute_only_once(returns, monkeypatch):
    # The threads have database connections of their own, which cannot see inside this
    # test's transaction (and on SQLite's shared in-memory test database would wait on its
    # locks); the data version is read here once and handed to them.
    version = data_version()
    monkeypatch.setattr(caching.freshness, "data_version", lambda: version)
    compute, runs = counting(returns, seconds=0.3)
    results: list[QuarterlyReturn] = []

    def ask() -> None:
        results.append(caching.get_or_compute(Q1, None, Audience.EXACT, compute))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert runs == [1]
    assert results == [returns[Audience.EXACT]] * 6


def test_a_request_waits_for_another_ones_computation(returns, monkeypatch):
    cache.add(
        caching.lock_key(Q1, None, version=data_version()), "computing"
    )  # somebody else is counting
    clock = FakeClock(on_sleep=lambda: caching.store(Q1, None, returns, version=data_version()))
    monkeypatch.setattr(caching, "time", clock)
    compute, runs = counting(returns)
    report = caching.get_or_compute(Q1, None, Audience.SUPPRESSED, compute)
    assert report == returns[Audience.SUPPRESSED]
    assert runs == []
    assert clock.sleeps == 1


def test_a_request_computes_itself_if_the_other_takes_too_long(returns, monkeypatch):
    cache.add(
        caching.lock_key(Q1, None, version=data_version()), "computing", timeout=None
    )  # and never finishes
    clock = FakeClock()
    monkeypatch.setattr(caching, "time", clock)
    compute, runs = counting(returns)
    report = caching.get_or_compute(Q1, None, Audience.EXACT, compute)
    assert report == returns[Audience.EXACT]
    assert runs == [1]
    assert clock.now >= caching.WAIT_SECONDS
    # What it counted is kept for the next person.
    assert caching.cached(Q1, None, Audience.EXACT) == returns[Audience.EXACT]


def test_a_request_stops_waiting_when_the_other_gives_up(returns, monkeypatch):
    lock = caching.lock_key(Q1, None, version=data_version())
    cache.add(lock, "computing")
    clock = FakeClock(on_sleep=lambda: cache.delete(lock))  # failed without storing
    monkeypatch.setattr(caching, "time", clock)
    compute, runs = counting(returns)
    caching.get_or_compute(Q1, None, Audience.EXACT, compute)
    assert runs == [1]
    assert clock.sleeps == 1


def test_the_lock_is_let_go_when_computing_fails(db):
    def broken() -> Mapping[Audience, QuarterlyReturn]:
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        caching.get_or_compute(Q1, None, Audience.EXACT, broken)
    assert cache.get(caching.lock_key(Q1, None, version=data_version())) is None
    assert caching.cached(Q1, None, Audience.EXACT) is None


# --- the benchmark --------------------------------------------------------------------------


def test_bench_data_keeps_the_default_return_counted_on_the_new_data(db):
    quarter = default_filters(timezone.localdate()).period
    first_day = quarter.first_day
    for day in (first_day, first_day + timedelta(days=20)):
        make_referral(london(day.year, day.month, day.day, 10))
    benchdata.generate(clients=0, activities=0, staff={})
    exact = caching.cached(quarter, None, Audience.EXACT)
    suppressed = caching.cached(quarter, None, Audience.SUPPRESSED)
    assert exact is not None and exact.referrals_received.value == 2
    assert suppressed is not None and suppressed.referrals_received.display == "<5"
