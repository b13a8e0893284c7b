"""What one request to a page costs, in-process, against the benchmark data.

    .venv/bin/python scripts/request_cost.py ROLE PATH [--requests N] [--instructions]

ROLE is a benchmark role (advocate, intake, manager, hospital, commissioner) or `anonymous`;
PATH is the page, e.g. /staff/cases/mine/. It signs in as that role's first benchmark
account (password and second factor skipped: the session is made directly), warms up, then
prints the median wall-clock and processor time of N requests and how many queries one makes.

Timings move with whatever else the machine is doing. `--instructions` runs the same
requests under valgrind's callgrind twice, with 0 and with N requests, and prints the
instructions each request cost: a figure that stays the same from run to run, for judging a
change to the code. It counts this process only, not PostgreSQL's work, and runs about fifty
times slower. `make bench` must have generated the data first (it keeps it in imha_bench).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/imha_bench"
WARM_UP = 10


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("role")
    parser.add_argument("path")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="also print the N functions that took the most processor time (cProfile)",
    )
    return parser.parse_args()


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def environment(database_url: str) -> dict[str, str]:
    # As `make bench` serves it: sessions and figures in Redis when the machine has it
    # (database 13 here, so the bench's own database 14 is left alone).
    cache = os.environ.get("CACHE_URL") or ("redis://127.0.0.1:6379/13" if redis_answers() else "")
    return {
        **os.environ,
        "CACHE_URL": cache,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "WARNING",
        "USE_MANIFEST_STATIC": "1",
        "DJANGO_SETTINGS_MODULE": "imha.settings",
    }


def instructions(args: argparse.Namespace) -> int:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind).")

    def collected(requests: int) -> int:
        result = subprocess.run(
            [
                valgrind,
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                __file__,
                args.role,
                args.path,
                "--requests",
                str(requests),
                "--database-url",
                args.database_url,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        match = re.search(r"Collected : (\d+)", result.stderr)
        if result.returncode != 0 or match is None:
            raise SystemExit(
                f"The run under valgrind failed:\n{result.stdout}{result.stderr[-2000:]}"
            )
        return int(match.group(1))

    # Start-up (imports, connecting, warming up) is the same in both runs, so the difference
    # is the requests alone. Pages whose figures are cached between processes (the quarterly
    # return) are not comparable this way: the first run fills the cache the second reads.
    without = collected(0)
    return (collected(args.requests) - without) // args.requests


def measure(args: argparse.Namespace) -> None:
    os.environ.update(environment(args.database_url))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.signals import request_started
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from imha.accounts.models import User

    # Django empties the query log when a request starts, which would leave nothing to count.
    request_started.disconnect(reset_queries)
    client = Client(HTTP_HOST="127.0.0.1")
    if args.role != "anonymous":
        user = (
            User.objects.filter(role=args.role, username__startswith="bench-")
            .order_by("pk")
            .first()
        )
        if user is None:
            raise SystemExit(f"No benchmark {args.role} here: run `make bench` first.")
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
        session.save()
    for _ in range(WARM_UP):
        status = client.get(args.path).status_code
        if status != 200:
            raise SystemExit(f"{args.path} gave {status} to {args.role}")
    walls, processor = [], []
    for _ in range(args.requests):
        began, began_processor = time.perf_counter(), time.process_time()
        client.get(args.path)
        walls.append(time.perf_counter() - began)
        processor.append(time.process_time() - began_processor)
    with CaptureQueriesContext(connection) as queries:
        client.get(args.path)
    if args.profile:
        profile(lambda: client.get(args.path), args.requests, args.profile)
    if args.requests:
        print(
            f"{args.path} as {args.role}: median {1000 * statistics.median(walls):.2f} ms,"
            f" processor {1000 * statistics.median(processor):.2f} ms, {len(queries)} queries"
        )


def profile(get: Callable[[], object], requests: int, functions: int) -> None:
    """Where the processor time of the same requests goes, by function, most first."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(max(requests, 1)):
        get()
    profiler.disable()
    for order in ("cumulative", "tottime"):
        pstats.Stats(profiler).sort_stats(order).print_stats(functions)


def main() -> None:
    args = arguments()
    if args.instructions:
        millions = instructions(args) / 1e6
        print(f"{args.path} as {args.role}: {millions:.2f} million instructions a request")
    else:
        measure(args)


if __name__ == "__main__":
    main()
