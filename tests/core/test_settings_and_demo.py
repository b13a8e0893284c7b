from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from imha.accounts.models import Role, User
from imha.core.demo import DEMO_LOGINS
from imha.hospitals.models import Hospital

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "x" * 20 + "-production-like-secret-key-for-the-check-" + "y" * 20,
    "ALLOWED_HOSTS": "imha.example.org",
    "DATABASE_URL": "postgres://imha@127.0.0.1:5432/imha",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "USE_MANIFEST_STATIC": "1",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for their own process; a deployment
    # never has it, and check --deploy rightly objects to it.
    leave_out = {*PRODUCTION_ENV, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in leave_out}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_demo_secret_key_and_sqlite():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    result = run_manage("check", "--deploy", env=env)
    assert result.returncode != 0
    assert "imha.E001" in result.stderr
    assert "imha.W001" in result.stderr


def test_database_url_selects_postgresql():
    from imha import settings as module

    parsed = module.dj_database_url.parse("postgres://someone@db.example.org:5432/imha")
    assert parsed["ENGINE"] == "django.db.backends.postgresql"
    assert parsed["NAME"] == "imha"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("true", True), ("On", True), ("0", False), ("no", False), ("", None)],
)
def test_env_bool_reads_common_spellings(monkeypatch, raw, expected):
    from imha.settings import env_bool

    monkeypatch.setenv("IMHA_TEST_FLAG", raw)
    default = object()
    result = env_bool("IMHA_TEST_FLAG", default)  # type: ignore[arg-type]
    assert result is (default if expected is None else expected)


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache", None),
        (
            "redis://cache:6379/2",
            "imha.core.cache.SharedClientRedisCache",
            "redis://cache:6379/2",
        ),
        (
            "file:///var/cache/imha",
            "django.core.cache.backends.filebased.FileBasedCache",
            "/var/cache/imha",
        ),
    ],
)
def test_cache_url_selects_a_shared_cache(url, backend, location):
    from imha.settings import cache_from_url

    chosen = cache_from_url(url)
    assert chosen["BACKEND"] == backend
    assert chosen.get("LOCATION") == location


@pytest.mark.parametrize(
    ("url", "engine"),
    [
        ("", "django.contrib.sessions.backends.db"),
        ("file:///var/cache/imha", "django.contrib.sessions.backends.db"),
        ("redis://cache:6379/2", "django.contrib.sessions.backends.cached_db"),
    ],
)
def test_sessions_are_fronted_only_by_a_cache_every_worker_shares(url, engine):
    from imha.settings import cache_from_url, session_engine_for

    assert session_engine_for(cache_from_url(url)) == engine


@pytest.mark.parametrize("url", ["memcached://cache:11211", "file://", "cache"])
def test_an_unknown_cache_url_stops_start_up_with_a_message(url):
    from django.core.exceptions import ImproperlyConfigured

    from imha.settings import cache_from_url

    with pytest.raises(ImproperlyConfigured, match="CACHE_URL must start"):
        cache_from_url(url)


@pytest.mark.django_db
def test_demo_data_loads_twice_without_duplicates(settings):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    assert User.objects.count() == len(DEMO_LOGINS)
    assert Hospital.objects.count() == 2
    assert {u.role for u in User.objects.all()} == set(Role.values)
    hospital_user = User.objects.get(role=Role.HOSPITAL)
    assert hospital_user.hospital is not None
    for login in DEMO_LOGINS:
        assert User.objects.get(username=login.username).check_password(login.password)
    assert User.objects.get(role=Role.ADMINISTRATOR).is_staff
    assert not User.objects.filter(is_staff=True).exclude(role=Role.ADMINISTRATOR).exists()


@pytest.mark.django_db
def test_demo_data_refuses_to_load_on_a_real_service(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("load_demo")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_demo_data_includes_every_area(settings, tmp_path):
    from imha.cases.models import Case
    from imha.core.demo import AREA_LOADERS
    from imha.hospitals.models import QualifyingNotice
    from imha.referrals.models import Referral
    from imha.resources.models import Event, Resource, Story

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo")
    call_command("load_demo")
    assert AREA_LOADERS
    assert Resource.objects.filter(is_published=True).exists()
    assert Story.objects.exists()
    assert Event.objects.exists()
    assert QualifyingNotice.objects.exists()
    assert Referral.objects.filter(reference__startswith="RDEMO-").count() >= 5
    assert Case.objects.filter(status="open").exists()


def test_the_redis_cache_works_against_a_real_server():
    """The pinned redis client talks to a real server (skipped where none is running)."""
    import socket
    from concurrent.futures import ThreadPoolExecutor

    from imha.core.cache import SharedClientRedisCache

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    cache = SharedClientRedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "imha-test"})
    cache.set("figures", {"referrals": 12}, timeout=5)
    assert cache.get("figures") == {"referrals": 12}
    # One client is built and then reused for every operation, from any thread.
    first = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is first

    def bump(number: int) -> int:
        return cache.incr("counter")

    cache.set("counter", 0, timeout=5)
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(bump, range(200)))
    assert cache.get("counter") == 200
    assert cache._cache.get_client() is first
    cache.delete_many(["figures", "counter"])
