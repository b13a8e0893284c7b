"""Time how long the quarterly return takes to compute on this database.

    python manage.py time_quarterly_return                  # last complete quarter
    python manage.py time_quarterly_return --quarter 2025-Q3 --hospital bench-general
    python manage.py time_quarterly_return --from 2025-04-01 --to 2026-03-31 --repeat 5

It prints the time of each run, the fastest, and the number of queries, so the figure can be
recorded in docs/performance.md. It only reads.
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imha.hospitals.models import Hospital
from imha.reports.periods import (
    FinancialQuarter,
    ReportPeriod,
    custom_period,
    last_complete_quarter,
)
from imha.reports.selectors import quarterly_return
from imha.reports.suppression import suppressed


class Command(BaseCommand):
    help = "Print how long computing the quarterly return takes on the current database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quarter", help="For example 2025-Q1 (April to June 2025).")
        parser.add_argument("--from", dest="first_day", type=date.fromisoformat)
        parser.add_argument("--to", dest="last_day", type=date.fromisoformat)
        parser.add_argument("--hospital", help="A hospital code; all hospitals if left out.")
        parser.add_argument("--repeat", type=int, default=3)

    def handle(self, *args: Any, **options: Any) -> None:
        period = self.period(options)
        hospital = None
        if options["hospital"]:
            hospital = Hospital.objects.filter(code=options["hospital"]).first()
            if hospital is None:
                raise CommandError(f"No hospital has the code {options['hospital']!r}.")
        timings = []
        query_count = 0
        for _ in range(max(1, options["repeat"])):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                report = suppressed(quarterly_return(period, hospital=hospital))
                timings.append(time.perf_counter() - started)
            query_count = len(queries)
        self.stdout.write(
            f"Quarterly return for {period.label}, {report.area_label}, on "
            f"{connection.vendor}: {report.referrals_received.display} referrals received."
        )
        runs = ", ".join(f"{seconds:.3f}" for seconds in timings)
        self.stdout.write(
            f"Computed in {min(timings):.3f} s (fastest of {len(timings)}: {runs} s), "
            f"{query_count} queries."
        )

    @staticmethod
    def period(options: dict[str, Any]) -> ReportPeriod:
        if options["first_day"] or options["last_day"]:
            if not (options["first_day"] and options["last_day"]):
                raise CommandError("Give both --from and --to.")
            return custom_period(options["first_day"], options["last_day"])
        if options["quarter"]:
            quarter = FinancialQuarter.from_key(options["quarter"])
            if quarter is None:
                raise CommandError("A quarter looks like 2025-Q1.")
            return quarter.as_period()
        return last_complete_quarter(timezone.localdate()).as_period()
