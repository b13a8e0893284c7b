"""The steady-rate part of `make bench`: requests keep to their timetable and each wait is
counted from when the request was due, so a backlog cannot hide."""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

import pytest

BENCH_PATH = Path(__file__).resolve().parents[2] / "scripts" / "bench.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("imha_bench_script", BENCH_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Its dataclasses look their module up by name while the class is being made.
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[spec.name]


def test_a_server_that_falls_behind_shows_its_backlog(bench):
    def slow(client):
        time.sleep(0.02)
        return None, 0.02

    # 50 requests due 10 ms apart, each taking at least 20 ms, one at a time: the last
    # cannot finish before 1 s, though it was due at 0.49 s.
    sample = bench.run_paced(0, slow, rate=100, seconds=0.5, users=1)
    assert len(sample.latencies) == 50
    assert max(sample.latencies) >= 0.5
    assert sample.errors == 0


def test_requests_keep_to_the_timetable_rather_than_running_flat_out(bench):
    started: list[float] = []

    def quick(client):
        started.append(time.perf_counter())
        return None, 0.0

    sample = bench.run_paced(0, quick, rate=40, seconds=0.5, users=4)
    assert len(sample.latencies) == 20
    # 20 requests at 40 a second take at least the 19 gaps between them.
    assert max(started) - min(started) >= 19 / 40 - 0.001


def test_failures_are_counted_with_examples(bench):
    def failing(client):
        return "GET /x gave 500", 0.0

    sample = bench.run_paced(0, failing, rate=100, seconds=0.1, users=2)
    assert sample.errors == 10
    assert sample.latencies == []
    assert sample.error_examples == ["GET /x gave 500"] * 3


def test_percentiles_are_read_from_the_sorted_waits(bench):
    waits = [0.001 * n for n in range(100, 0, -1)]
    assert bench.percentile_ms(waits, 0.95) == pytest.approx(95.0)
    assert bench.percentile_ms(waits, 0.5) == pytest.approx(50.0)
    assert bench.percentile_ms([], 0.95) != bench.percentile_ms([], 0.95)  # NaN: no samples
