"""Benchmark hooks for `manage.py bench_data` (see imha/core/management/commands/bench_data.py).

The reports app generates no rows of its own: the quarterly return is counted from the
referrals, cases, activities and hospital notices the other apps generate. (The data
version its figures are kept under changes by itself as they write: see
imha.core.freshness.) The page
to time is the return as commissioners and managers see it by default (the last complete
quarter, all hospitals).

What the app does keep is computed figures, in the cache (imha.reports.caching). After
the other apps have added their rows, `generate` counts that default return again and
keeps it under the data version of the finished data, so the page is measured as people
normally get it, from the cache (the new rows have already made any older figures stale).
The query counts the benchmark records are therefore those of a cache hit, at both data
sizes; the counted page's queries are checked to stay constant as data grows in
tests/reports/test_views.py.
"""

from __future__ import annotations

from django.utils import timezone

from imha.accounts.models import User
from imha.core import freshness
from imha.reports import caching
from imha.reports.forms import default_filters
from imha.reports.selectors import returns_for_every_audience

STAFF_PAGES: list[tuple[str, str, str]] = [
    ("quarterly return", "/reports/quarterly/", "commissioner"),
    ("quarterly return, exact figures", "/reports/quarterly/", "manager"),
]


def generate(*, clients: int, activities: int, staff: dict[str, list[User]]) -> None:
    """Count the default return again on the data as it now is, and keep it.

    bench_data calls the apps in the order of its APPS_WITH_DATA, where reports comes last,
    so the other apps' new rows are all in place by now.
    """
    filters = default_filters(timezone.localdate())
    # Read before counting (see caching.store). The other apps' rows are committed by now,
    # so this is the version the benchmark's page views will read too.
    version = freshness.data_version()
    returns = returns_for_every_audience(filters.period)
    caching.store(filters.period, None, returns, version=version)
