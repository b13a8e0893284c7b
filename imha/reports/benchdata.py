"""Benchmark hooks for `manage.py bench_data` (see imha/core/management/commands/bench_data.py).

The reports app stores nothing of its own: the quarterly return is counted from the
referrals, cases, activities and hospital notices the other apps generate. So `generate`
adds no rows, and the page to time is the return a commissioner sees by default (the last
complete quarter, all hospitals), which the lead's target says must load in under 2 seconds.
"""

from __future__ import annotations

from imha.accounts.models import User

STAFF_PAGES: list[tuple[str, str, str]] = [
    ("quarterly return", "/reports/quarterly/", "commissioner"),
    ("quarterly return, exact figures", "/reports/quarterly/", "manager"),
]


def generate(*, clients: int, activities: int, staff: dict[str, list[User]]) -> None:
    """Nothing to add: the return only reads other apps' rows."""
