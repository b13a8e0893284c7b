"""`make bench`: load the pages people use most and compare each with a minimal view.

What it does, in one run:
1. makes a fresh benchmark database (PostgreSQL when it answers, else SQLite) and migrates it;
2. fills it with generated, obviously fictional data (`manage.py bench_data`);
3. serves the project with gunicorn on loopback;
4. sends a bounded load to each scenario and to the floor (`/healthz`, a Django view that
   does no database work), reporting requests per second and p95 latency as ratios to the
   floor, plus errors;
5. counts the database queries each page makes at two data sizes, to show which stay
   constant as the data grows.

Traffic only ever goes to 127.0.0.1, every loop is bounded in time and count, and the
server is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
BENCH_PASSWORD = "bench-password-not-secret-1"
MAX_REQUESTS_PER_SCENARIO = 200_000


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, problem: str | None, seconds: float) -> None:
        """One request's result, from any of the simulated people's threads."""
        with self.lock:
            if problem is None:
                self.latencies.append(seconds)
            else:
                self.errors += 1
                if len(self.error_examples) < 3:
                    self.error_examples.append(problem)


class Client:
    """A small HTTP client with cookies and CSRF handling, one per simulated person."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        # gunicorn's sync workers serve one request per connection, as they would behind a
        # proxy, so each request opens a fresh loopback connection and asks for it to close.
        headers = {"Host": f"{HOST}:{self.port}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                cookie: SimpleCookie = SimpleCookie()
                cookie.load(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
        return response.status, text, dict(response.getheaders())

    def get(self, path: str) -> tuple[int, str, dict[str, str]]:
        return self.request("GET", path)

    def post_form(self, path: str, form: dict[str, str]) -> tuple[int, str, dict[str, str]]:
        """Fetch the page for its CSRF token, then post the form as a browser would."""
        status, page, _ = self.get(path)
        if status != 200:
            return status, page, {}
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        token = match.group(1) if match else ""
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **form})


# A scenario is one unit of work a simulated person repeats. It returns None on success or
# a short description of what went wrong, and the seconds of it that count: usually one
# request, timed by `timed`.
Scenario = Callable[[Client], tuple[str | None, float]]


def timed(action: Callable[[], tuple[int, str, dict[str, str]]]) -> tuple[int, str, float]:
    began = time.perf_counter()
    status, page, _ = action()
    return status, page, time.perf_counter() - began


def expect_get(path: str, status: int = 200) -> Scenario:
    def run(client: Client) -> tuple[str | None, float]:
        got, _, seconds = timed(lambda: client.get(path))
        return (None if got == status else f"GET {path} gave {got}"), seconds

    return run


def referral_pages(hospital_id: int) -> list[tuple[str, dict[str, str]]]:
    """One complete public referral, page by page, as an AMHP would fill it in."""
    return [
        ("who-is-referring", {"referrer_type": "amhp"}),
        (
            "your-details",
            {
                "referrer_name": "Bench Referrer",
                "referrer_role": "AMHP",
                "referrer_email": "bench.referrer@example.org",
            },
        ),
        (
            "their-details",
            {
                "first_name": "Bench",
                "last_name": "Person",
                "date_of_birth_day": "1",
                "date_of_birth_month": "2",
                "date_of_birth_year": "1980",
            },
        ),
        ("where-they-are", {"location": str(hospital_id), "ward": "Bench Ward"}),
        ("mental-health-act", {"legal_status_answer": "s3"}),
        ("help-wanted", {"help_with": "tribunal"}),
        ("communication", {"communication_needs": "easy_read"}),
        ("consent", {"consent": "yes"}),
        ("contact", {"contact_method": "ward", "safe_to_leave_message": "no"}),
    ]


@dataclass
class ReadyReferral:
    """A browser session that has answered every page and is about to press Send."""

    cookies: dict[str, str]
    token: str


def prepare_referral(port: int, hospital_id: int) -> ReadyReferral:
    client = Client(port)
    for slug, answers in referral_pages(hospital_id):
        status, page, _ = client.post_form(f"/refer/{slug}/", answers)
        if status != 302:
            raise RuntimeError(f"referral page {slug} gave {status}: {page[:300]}")
    status, page, _ = client.get("/refer/check-your-answers/")
    match = re.search(r'name="submission_token" value="([^"]+)"', page)
    if status != 200 or match is None:
        raise RuntimeError(f"check your answers gave {status}")
    return ReadyReferral(dict(client.cookies), match.group(1))


def send_prepared_referrals(ready: list[ReadyReferral]) -> Scenario:
    lock = threading.Lock()

    def run(client: Client) -> tuple[str | None, float]:
        with lock:
            if not ready:
                return "no prepared referral left", 0.0
            referral = ready.pop()
        client.cookies = dict(referral.cookies)
        match = re.search(
            r"csrftoken=([^;]+)", "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        )
        form = {
            "submission_token": referral.token,
            "csrfmiddlewaretoken": match.group(1) if match else "",
        }
        status, _, seconds = timed(
            lambda: client.request("POST", "/refer/check-your-answers/", form)
        )
        return (None if status == 302 else f"send gave {status}"), seconds

    return run


def sign_in(client: Client, username: str, totp_key_hex: str) -> None:
    from django_otp.oath import TOTP

    status, _, _ = client.post_form("/sign-in/", {"username": username, "password": BENCH_PASSWORD})
    if status != 302:
        raise RuntimeError(f"bench sign-in for {username} failed with {status}")
    # Each person's codes are accepted once per 30-second step, so simulated people wait for
    # a fresh step rather than reusing a code.
    code = f"{TOTP(bytes.fromhex(totp_key_hex)).token():06d}"
    status, page, headers = client.post_form("/sign-in/security-code/", {"code": code})
    if status != 302:
        raise RuntimeError(f"bench second factor for {username} failed: {status} {page[:200]}")
    # Then the page signing in leads to, as a browser follows the redirect. That shows the
    # "signed in" message and clears its cookie; the cookies kept for the person's later
    # requests would otherwise carry the message for ever, and every first request of every
    # scenario would show it again (a page shown with a message is never a kept page).
    status, page, _ = client.get(urllib.parse.urlsplit(headers.get("Location", "/staff/")).path)
    if status != 200:
        raise RuntimeError(f"bench landing page for {username} failed: {status} {page[:200]}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def postgres_available(url: str) -> bool:
    try:
        import psycopg

        parsed = urllib.parse.urlparse(url)
        admin_url = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin_url, connect_timeout=3):
            return True
    except Exception:
        return False


def fresh_postgres_database(url: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(url)
    name = parsed.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise SystemExit(f"Refusing to recreate a database with an unusual name: {name!r}")
    admin_url = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def redis_available() -> bool:
    try:
        socket.create_connection((HOST, 6379), timeout=1).close()
        return True
    except OSError:
        return False


def flush_bench_cache() -> None:
    """Start every run cold: figures cached by the last run would flatter this one."""
    import redis

    redis.Redis(host=HOST, port=6379, db=14, socket_timeout=2).flushdb()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def simulated_people(
    port: int, users: int, prepare: Callable[[Client, int], None] | None
) -> list[Client]:
    clients = [Client(port) for _ in range(users)]
    if prepare is not None:
        for index, client in enumerate(clients):
            prepare(client, index)
    return clients


def attempt(scenario: Scenario, client: Client) -> tuple[str | None, float]:
    """Run the scenario once; a failed request is a result, not a crash."""
    began = time.perf_counter()
    try:
        return scenario(client)
    except Exception as error:
        return f"{type(error).__name__}: {error}", time.perf_counter() - began


def run_people(clients: list[Client], person: Callable[[Client], None]) -> float:
    """Every simulated person at once, each in a thread; returns the seconds it took."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        list(pool.map(person, clients))
    return time.monotonic() - started


def run_load(
    port: int,
    scenario: Scenario,
    users: int,
    seconds: float,
    prepare: Callable[[Client, int], None] | None = None,
    budget_requests: int = MAX_REQUESTS_PER_SCENARIO,
) -> tuple[Sample, float]:
    """Run `scenario` for `seconds` with `users` simulated people; returns samples, time."""
    clients = simulated_people(port, users, prepare)
    sample = Sample()
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    budget = [budget_requests]

    def person(client: Client) -> None:
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            sample.add(*attempt(scenario, client))

    return sample, run_people(clients, person)


def run_paced(
    port: int,
    scenario: Scenario,
    rate: float,
    seconds: float,
    users: int,
    prepare: Callable[[Client, int], None] | None = None,
) -> Sample:
    """Start `rate` requests a second on a fixed timetable for `seconds`, whatever the server
    does, with up to `users` in flight at once.

    The back-to-back load above measures capacity; there every request queues behind the
    other 49 people's, so its latency says how long the queue is, not how long a page takes.
    This measures what a person waits at a steady, heavy but not overwhelming rate. Each wait
    is counted from the moment the timetable said the request should start, so a server that
    falls behind shows its backlog here instead of quietly slowing the load down.
    """
    clients = simulated_people(port, users, prepare)
    sample = Sample()
    lock = threading.Lock()
    total = min(int(rate * seconds), MAX_REQUESTS_PER_SCENARIO)
    start = time.perf_counter() + 0.05
    taken = [0]

    def person(client: Client) -> None:
        while True:
            with lock:
                slot = taken[0]
                if slot >= total:
                    return
                taken[0] += 1
            due = start + slot / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            problem, _ = attempt(scenario, client)
            sample.add(problem, time.perf_counter() - due)

    run_people(clients, person)
    return sample


def percentile_ms(latencies: list[float], share: float) -> float:
    ordered = sorted(latencies)
    return 1000 * ordered[int(share * (len(ordered) - 1))] if ordered else float("nan")


def summarise(name: str, sample: Sample, elapsed: float) -> dict[str, object]:
    latencies = sample.latencies
    return {
        "scenario": name,
        "requests": len(latencies),
        "errors": sample.errors,
        "error_examples": sample.error_examples,
        "requests_per_second": len(latencies) / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else float("nan"),
        "p95_ms": percentile_ms(latencies, 0.95),
    }


def start_server(env: dict[str, str], workers: int) -> tuple[int, subprocess.Popen[bytes]]:
    """gunicorn serving the project on a free loopback port, once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [
            GUNICORN,
            "imha.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
            # Load the app once before forking, so no worker pays for imports mid-run.
            "--preload",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            if Client(port).get("/healthz")[0] == 200:
                return port, server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=10.0, help="load time per scenario")
    parser.add_argument("--users", type=int, default=50, help="concurrent simulated people")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--paced-rate",
        type=float,
        default=50.0,
        help="requests a second for the steady-rate latency run (every one of 50 people"
        " opening a page each second)",
    )
    parser.add_argument(
        "--paced-seconds",
        type=float,
        default=10.0,
        help="length of the steady-rate run per page; 0 skips it",
    )
    parser.add_argument(
        "--referrals", type=int, default=1500, help="referrals prepared for the send test"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/imha_bench"
        ),
    )
    parser.add_argument("--output", default=str(ROOT / "bench-results.json"))
    parser.add_argument(
        "--reuse-data",
        action="store_true",
        help="keep the PostgreSQL data from the last run instead of generating it again",
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="run only scenarios whose name contains TEXT (repeatable); the floor always runs",
    )
    parser.add_argument(
        "--skip-unkept",
        action="store_true",
        help="do not also load each staff page from a server that keeps no pages",
    )
    args = parser.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    reuse = args.reuse_data and postgres_available(args.database_url)
    if reuse:
        env["DATABASE_URL"] = args.database_url
        database = "PostgreSQL (data kept from an earlier run)"
    elif postgres_available(args.database_url):
        fresh_postgres_database(args.database_url)
        env["DATABASE_URL"] = args.database_url
        database = "PostgreSQL"
    else:
        sqlite_path = ROOT / "bench.sqlite3"
        sqlite_path.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{sqlite_path}"
        database = "SQLite (PostgreSQL did not answer)"
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789",
            "ALLOWED_HOSTS": HOST,
            "SECURE_COOKIES": "0",
            "LOGIN_FAILURE_LIMIT": "1000000",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            # Every simulated person sends from 127.0.0.1, so lift the per-address limit.
            "IMHA_PUBLIC_REFERRALS_PER_HOUR": "100000000",
            # Production serves fingerprinted, pre-compressed static files; so does the bench.
            "USE_MANIFEST_STATIC": "1",
        }
    )
    # Production runs a cache shared by all workers (see CACHE_URL in the README); so does the
    # bench: Redis when one answers on this machine, else files in a fresh folder.
    if redis_available():
        env["CACHE_URL"] = "redis://127.0.0.1:6379/14"
        flush_bench_cache()
        cache_kind = "Redis"
    else:
        cache_folder = Path(tempfile.mkdtemp(prefix="imha-bench-cache-"))
        env["CACHE_URL"] = cache_folder.as_uri()
        cache_kind = "files"
    print(f"Database: {database}; cache: {cache_kind}")
    manage(env, "migrate", "--no-input")
    manage(env, "collectstatic", "--no-input", "--verbosity", "0")
    data_options = ["--clients", str(args.clients), "--activities", str(args.activities)]
    if reuse:
        print("Reusing the data already in the database ...")
        data_options = ["--describe-only"]
    else:
        print(f"Generating data: {args.clients} clients, {args.activities} activities ...")
    began = time.monotonic()
    generated = json.loads(manage(env, "bench_data", *data_options, "--password", BENCH_PASSWORD))
    print(f"  done in {time.monotonic() - began:.0f} s")
    if database.startswith("PostgreSQL"):
        # A live database has been vacuumed and analysed by autovacuum long before anyone
        # loads it; straight after a bulk load it has not, and the planner would be guessing.
        import psycopg

        with psycopg.connect(args.database_url, autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")

    port, server = start_server(env, args.workers)
    servers = [server]
    unkept_port = None
    if not args.skip_unkept:
        # The same pages from a second server that keeps no pages (KEPT_PAGE_SECONDS=0), so
        # the run also shows what working each page out costs: what the first person to
        # open a page after any change to the data waits.
        unkept_port, unkept_server = start_server({**env, "KEPT_PAGE_SECONDS": "0"}, args.workers)
        servers.append(unkept_server)
    try:
        staff = generated["staff"]

        # Signed-in sessions are kept and shared between scenarios: an authenticator code
        # works once, so signing the same person in twice within 30 seconds would fail.
        sessions: dict[tuple[str, int], dict[str, str]] = {}

        def signed_in_as(role: str) -> Callable[[Client, int], None]:
            def prepare(client: Client, index: int) -> None:
                key = (role, index % len(staff[role]))
                if key not in sessions:
                    person = staff[role][key[1]]
                    sign_in(client, person["username"], person["totp_key"])
                    sessions[key] = dict(client.cookies)
                client.cookies = dict(sessions[key])

            return prepare

        scenarios: list[tuple[str, Scenario, Callable[[Client, int], None] | None, int]] = [
            ("floor: /healthz", expect_get("/healthz"), None, port),
            ("public start page", expect_get("/"), None, port),
            ("eligibility checker answer", expect_get(generated["checker_result_url"]), None, port),
        ]
        # Everybody signs in before the first scenario. Signing in writes the person's
        # last_login, a change to the data that makes every kept page stale; done between a
        # scenario's warm-up and its measurement, it would make every person's first
        # measured request a page worked out.
        for role in dict.fromkeys(role for _, _, role in generated["staff_pages"]):
            simulated_people(port, args.users, signed_in_as(role))
        for name, path, role in generated["staff_pages"]:
            scenarios.append((name, expect_get(path), signed_in_as(role), port))
            if unkept_port is not None:
                scenarios.append(
                    (f"{name}, worked out", expect_get(path), signed_in_as(role), unkept_port)
                )
        if args.only:
            scenarios = scenarios[:1] + [
                row for row in scenarios[1:] if any(text in row[0] for text in args.only)
            ]
        send_wanted = not args.only or any(text in "public referral: send" for text in args.only)

        results = []
        for name, scenario, prepare, scenario_port in scenarios:
            print(f"Loading {name} for {args.seconds:.0f} s with {args.users} people ...")
            # A short unmeasured run first warms every worker's caches and connections, with
            # every simulated person, so each has opened the page once before it is measured
            # (as people do with the pages they keep going back to); the "worked out" rows
            # measure the first view after a change.
            run_load(scenario_port, scenario, args.users, 1.0, prepare)
            sample, elapsed = run_load(scenario_port, scenario, args.users, args.seconds, prepare)
            row = summarise(name, sample, elapsed)
            if args.paced_seconds > 0:
                paced = run_paced(
                    scenario_port,
                    scenario,
                    args.paced_rate,
                    args.paced_seconds,
                    args.users,
                    prepare,
                )
                row["paced_p95_ms"] = percentile_ms(paced.latencies, 0.95)
                row["paced_p50_ms"] = percentile_ms(paced.latencies, 0.5)
                row["errors"] = int(row["errors"]) + paced.errors  # type: ignore[call-overload]
                row["error_examples"] += paced.error_examples  # type: ignore[operator]
            results.append(row)

        # Sending a referral: every page is answered beforehand (not timed), so the figure
        # is the Send request itself, which stores the referral, its audit entry and its
        # acknowledgement, and queues the email.
        if send_wanted:
            print(f"Preparing {args.referrals} referrals ready to send ...")
            with ThreadPoolExecutor(max_workers=8) as pool:
                ready = list(
                    pool.map(
                        lambda _: prepare_referral(port, generated["hospital_id"]),
                        range(args.referrals),
                    )
                )
            print(f"Loading public referral: send with {args.users} people ...")
            sample, elapsed = run_load(
                port,
                send_prepared_referrals(ready),
                args.users,
                args.seconds,
                budget_requests=args.referrals,
            )
            results.insert(
                min(3, len(results)), summarise("public referral: send", sample, elapsed)
            )
    finally:
        for running in servers:
            running.send_signal(signal.SIGTERM)
        for running in servers:
            running.wait(timeout=30)

    floor = results[0]
    print()
    print(f"{'':<34} {'back to back':^35} {'at ' + format(args.paced_rate, 'g') + ' a second':^17}")
    print(
        f"{'scenario':<34} {'req/s':>8} {'x floor':>8} {'p95 ms':>8} {'x floor':>8}"
        f" {'p95 ms':>8} {'x floor':>8} {'errors':>7}"
    )
    floor_paced = floor.get("paced_p95_ms", float("nan"))
    for row in results:
        rps_ratio = row["requests_per_second"] / floor["requests_per_second"]  # type: ignore[operator]
        p95_ratio = row["p95_ms"] / floor["p95_ms"]  # type: ignore[operator]
        paced_p95 = row.get("paced_p95_ms", float("nan"))
        paced_ratio = paced_p95 / floor_paced  # type: ignore[operator]
        row["rps_ratio_to_floor"] = rps_ratio
        row["p95_ratio_to_floor"] = p95_ratio
        row["paced_p95_ratio_to_floor"] = paced_ratio
        print(
            f"{row['scenario']:<34} {row['requests_per_second']:>8.1f} {rps_ratio:>8.2f}"
            f" {row['p95_ms']:>8.1f} {p95_ratio:>8.2f} {paced_p95:>8.1f} {paced_ratio:>8.2f}"
            f" {row['errors']:>7}"
        )
        for example in row["error_examples"]:  # type: ignore[attr-defined]
            print(f"    error: {example}")
    print()
    print("Database queries per page (small data set -> full data set):")
    for name, counts in generated["query_counts"].items():
        small = counts.get("small", "-")
        print(f"  {name:<34} {small:>4} -> {counts['large']:>4}")
    Path(args.output).write_text(
        json.dumps(
            {
                "database": database,
                "clients": args.clients,
                "activities": args.activities,
                "users": args.users,
                "workers": args.workers,
                "seconds": args.seconds,
                "paced_rate": args.paced_rate,
                "paced_seconds": args.paced_seconds,
                "results": results,
                "query_counts": generated["query_counts"],
            },
            indent=2,
        )
    )
    print(f"\nWritten to {args.output}")
    return 1 if any(row["errors"] for row in results) else 0


if __name__ == "__main__":
    sys.exit(main())
