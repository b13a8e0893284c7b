"""Keeping computed quarterly returns for a while, so that viewing one is cheap.

Computing a return reads every referral, case, activity and notice of the period (about
a quarter of a second on the full benchmark data); looking one up in Django's cache takes
a fraction of a millisecond. The figures for a period are the same for everybody who sees
the same kind of figures, so one computation serves every commissioner (suppressed
figures) and another every manager (exact figures). The two kinds are always kept under
different keys: a commissioner's entry has the small numbers taken out before it is
stored, so it cannot hand exact figures to anyone.

Only `QuarterlyReturn` objects are stored: counts, percentages and hospital names, never a
row about a person.

Kept figures are never shown after the records behind them change: every key holds the
project's current data version (imha.core.freshness), a token replaced after any committed
change to the data (any table but bookkeeping ones such as sessions and the audit log, so
also to tables the return does not read). Reading it is one small query per view; after a
change the key is new, nothing is found under it, and the figures are counted again.
Entries under old tokens are never read again and go when their lifetime ends.

When nothing is cached and many people ask for the same return at once, the first to ask
takes a short-lived lock (`cache.add`, which succeeds for one caller only) and computes it;
the others wait briefly for the result instead of all computing it at the same time. If
it does not appear in time (the first request failed, say), they compute it themselves.
With the default per-process cache each web worker has its own copy and its own lock; a
cache shared between workers (Redis or files, chosen by CACHE_URL) makes both shared.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from enum import StrEnum

from django.core.cache import cache
from django.utils import timezone

from imha.core import freshness
from imha.reports.figures import QuarterlyReturn
from imha.reports.periods import LONDON, ReportPeriod

# Part of every key: raise it whenever QuarterlyReturn or anything it holds changes shape,
# so a new release never unpickles an entry an older one stored. (2: data_version.)
FORMAT_VERSION = 2
KEY_PREFIX = f"imha:reports:quarterly:v{FORMAT_VERSION}"

# How long computed figures are kept.
#
# A change to a record makes kept figures stale at once (the data version in the key), so
# the lifetime is not there for people's edits. It is there for what changes with no
# record being written: time. While a period is still running, or has only just ended,
# the 3 working day clock of referrals received at the end of the period runs out,
# hospitals' deadlines for telling patients (up to 10 working days) pass, and activities
# booked for later become work done as their day arrives. Ten minutes keeps those figures
# close to live while sparing the database when many people open the return at once.
RECENT_PERIOD_SECONDS = 10 * 60
# Within about three weeks of a period's end every deadline its figures depend on has
# passed (10 working days over Christmas is 16 calendar days); four weeks leaves room to
# spare. After that the passing of time changes nothing, and an hour only bounds how long
# a change made outside the application (straight in the database, say) can go unseen; a
# manager can also recalculate at once.
SETTLED_PERIOD_SECONDS = 60 * 60
SETTLES_AFTER = timedelta(days=28)

# The stampede lock. It outlives any normal computation (well under a second alone, a few
# seconds under heavy load) but expires by itself if the request holding it dies.
LOCK_SECONDS = 30
# How long a request waits for someone else's computation before doing its own, and how
# often it looks.
WAIT_SECONDS = 5.0
POLL_SECONDS = 0.1


class Audience(StrEnum):
    """Which kind of figures a person sees; each kind is cached separately."""

    EXACT = "exact"  # managers and administrators
    SUPPRESSED = "suppressed"  # commissioners: small numbers hidden


ComputeReturns = Callable[[], Mapping[Audience, QuarterlyReturn]]


def lifetime_seconds(period: ReportPeriod, today: date) -> int:
    """How long figures for `period`, computed on `today`, are kept."""
    if period.last_day + SETTLES_AFTER < today:
        return SETTLED_PERIOD_SECONDS
    return RECENT_PERIOD_SECONDS


def lifetime_of(report: QuarterlyReturn) -> int:
    """How long a return is kept, judged on the day it was computed."""
    return lifetime_seconds(report.period, timezone.localtime(report.generated_at, LONDON).date())


def in_words(seconds: int) -> str:
    """A lifetime for people: "10 minutes", "1 hour"."""
    hours, rest = divmod(seconds, 3600)
    if hours and not rest:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _scope_part(period: ReportPeriod, hospital_id: int | None, version: str) -> str:
    area = "all" if hospital_id is None else f"hospital-{hospital_id}"
    return f"{period.first_day.isoformat()}:{period.last_day.isoformat()}:{area}:data-{version}"


def figures_key(
    period: ReportPeriod, hospital_id: int | None, audience: Audience, *, version: str
) -> str:
    """The key of one audience's figures for a period and area, counted from the data as it
    was at `version` (imha.core.freshness.data_version).

    A quarter and a custom range with the same days share an entry: the figures are the
    same, and the caller puts back the period's own name.
    """
    return f"{KEY_PREFIX}:figures:{_scope_part(period, hospital_id, version)}:{audience.value}"


def lock_key(period: ReportPeriod, hospital_id: int | None, *, version: str) -> str:
    # Per data version too: a request that finds the data changed while somebody is still
    # counting the old data must not wait for figures that will be stored under the old key.
    return f"{KEY_PREFIX}:lock:{_scope_part(period, hospital_id, version)}"


def store(
    period: ReportPeriod,
    hospital_id: int | None,
    returns: Mapping[Audience, QuarterlyReturn],
    *,
    version: str,
) -> dict[Audience, QuarterlyReturn]:
    """Keep freshly computed returns, one entry per audience, and return them as kept.

    `version` must have been read before the figures were counted (see
    imha.core.freshness.data_version): read afterwards, it could be newer than the data
    counted, and figures from before a change would be kept as if they came after it.
    There is deliberately no default, so no caller can forget this.
    """
    kept = {audience: replace(r, data_version=version) for audience, r in returns.items()}
    if not kept:
        return kept
    # Every audience's return comes from the same count, so they share a lifetime.
    lifetime = lifetime_of(next(iter(kept.values())))
    cache.set_many(
        {
            figures_key(period, hospital_id, audience, version=version): r
            for audience, r in kept.items()
        },
        timeout=lifetime,
    )
    return kept


def cached(
    period: ReportPeriod,
    hospital_id: int | None,
    audience: Audience,
    *,
    version: str | None = None,
) -> QuarterlyReturn | None:
    """The kept figures for the data as it is now (or as it was at `version`), if any."""
    if version is None:
        version = freshness.data_version()
    report = cache.get(figures_key(period, hospital_id, audience, version=version))
    return report if isinstance(report, QuarterlyReturn) else None


def get_or_compute(
    period: ReportPeriod,
    hospital_id: int | None,
    audience: Audience,
    compute: ComputeReturns,
) -> QuarterlyReturn:
    """The cached figures for this audience, computing (and keeping) them if there are none.

    `compute` returns the figures for every audience from one pass over the data, and all
    of them are kept, so the other audience's next view is a cache hit too.

    The data version is read first, once: it picks the entry, and it is what freshly
    counted figures are kept under (read before counting, so never newer than what was
    counted).
    """
    version = freshness.data_version()
    report = cached(period, hospital_id, audience, version=version)
    if report is not None:
        return report
    lock = lock_key(period, hospital_id, version=version)
    if cache.add(lock, "computing", timeout=LOCK_SECONDS):
        try:
            return _compute_and_store(period, hospital_id, audience, compute, version)
        finally:
            cache.delete(lock)
    report = _wait_for(period, hospital_id, audience, version)
    if report is not None:
        return report
    # The other computation has not finished in time; better a second computation than a
    # page that never loads.
    return _compute_and_store(period, hospital_id, audience, compute, version)


def _compute_and_store(
    period: ReportPeriod,
    hospital_id: int | None,
    audience: Audience,
    compute: ComputeReturns,
    version: str,
) -> QuarterlyReturn:
    returns = compute()
    return store(period, hospital_id, returns, version=version)[audience]


def _wait_for(
    period: ReportPeriod, hospital_id: int | None, audience: Audience, version: str
) -> QuarterlyReturn | None:
    deadline = time.monotonic() + WAIT_SECONDS
    lock = lock_key(period, hospital_id, version=version)
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        # The lock is looked at before the figures: figures stored just before the lock was
        # let go are then still found.
        still_computing = cache.get(lock) is not None
        report = cached(period, hospital_id, audience, version=version)
        if report is not None:
            return report
        if not still_computing:
            return None  # the computation ended without storing anything: stop waiting
    return None
