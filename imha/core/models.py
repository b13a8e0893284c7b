"""The one row the core app keeps: a token that changes whenever the project's data changes
(see imha.core.freshness).

It lives in the database rather than in the cache because the cache may be each web
worker's own memory: a token bumped in one worker's memory would never reach what another
worker keeps. Every worker reads the same database, so every worker sees the same token,
and a change committed by any process (a web worker, the task worker, a management
command) makes what every worker keeps stale at once.
"""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """A single row (id 1) holding a random token, replaced after every committed change to
    any table apart from bookkeeping ones (imha.core.freshness.BOOKKEEPING).

    The token is random rather than a counter so that it never goes back to a value it had
    before: a database restored from a backup, or emptied and filled again (as the test
    runner does), would restart a counter and could meet pages and figures kept under the
    old numbers.
    """

    SINGLETON_ID = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID)
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "data version"

    def __str__(self) -> str:
        return f"Data version {self.token}"
