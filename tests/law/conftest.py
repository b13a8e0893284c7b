"""Shared settings for the law engine's tests.

The engine is plain Python, so these tests need no database or Django
settings.  Hypothesis examples are capped to keep the whole run quick, and the
per-example deadline is off because the first lookup of a new year builds
that year's bank-holiday table.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

settings.register_profile(
    "law",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("law")
