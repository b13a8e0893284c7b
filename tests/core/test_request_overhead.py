"""What every page pays for: link addresses worked out once per process, and sessions read
from a shared Redis cache before the database."""

from __future__ import annotations

import socket

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import include, path, reverse, set_script_prefix

from imha.accounts.models import Role
from imha.core import routes


def _elsewhere(request):  # pragma: no cover - only its address is used
    return HttpResponse("elsewhere")


# A second URL configuration for the test below: the same page names at other addresses.
urlpatterns = [
    path("moved/", include(("imha.resources.urls", "resources"), namespace="resources")),
]


@pytest.fixture(autouse=True)
def forget_routes():
    routes._reversed.cache_clear()
    yield
    routes._reversed.cache_clear()


def test_route_agrees_with_reverse_and_works_each_address_out_once(monkeypatch):
    names = ["resources:home", "resources:contact", "accounts:logout", "core:staff_home"]
    calls: list[str] = []
    real_reverse = routes.reverse

    def counting_reverse(name, **kwargs):
        calls.append(name)
        return real_reverse(name, **kwargs)

    monkeypatch.setattr(routes, "reverse", counting_reverse)
    first = [routes.route(name) for name in names]
    again = [routes.route(name) for name in names]
    assert first == again == [reverse(name) for name in names]
    assert sorted(calls) == sorted(names)


def test_route_keeps_each_script_prefix_apart():
    try:
        set_script_prefix("/advocacy/")
        assert routes.route("resources:contact") == "/advocacy/contact/"
    finally:
        set_script_prefix("/")
    assert routes.route("resources:contact") == "/contact/"


def test_route_forgets_addresses_when_the_url_configuration_changes():
    assert routes.route("resources:contact") == "/contact/"
    with override_settings(ROOT_URLCONF=__name__):
        assert routes.route("resources:contact") == "/moved/contact/"
    assert routes.route("resources:contact") == "/contact/"


def test_pages_draw_the_remembered_addresses(db, verified_client):
    page = verified_client(Role.ADVOCATE).get("/staff/").content.decode()
    for name in ("resources:home", "resources:contact", "accounts:logout", "cases:my_caseload"):
        assert f'"{reverse(name)}"' in page


@pytest.fixture
def redis_sessions(settings):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("no Redis server on 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "imha.core.cache.SharedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": "imha-session-test",
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def test_sessions_in_redis_survive_an_emptied_cache_and_end_at_sign_out(
    db, redis_sessions, verified_client
):
    from django.contrib.sessions.backends.cached_db import KEY_PREFIX
    from django.contrib.sessions.models import Session

    client = verified_client(Role.ADVOCATE)
    assert client.get("/staff/").status_code == 200
    session_key = client.cookies["sessionid"].value
    assert redis_sessions.get(KEY_PREFIX + session_key) is not None
    # The database is the record: losing the cache costs a read, not a sign-in.
    redis_sessions.clear()
    assert client.get("/staff/").status_code == 200
    assert Session.objects.count() == 1

    copied = Client()
    copied.cookies.load({name: morsel.value for name, morsel in client.cookies.items()})
    assert copied.get("/staff/").status_code == 200
    client.post("/sign-out/")
    # Signing out removes the session from the cache as well as the database, so a copy of
    # the old cookie opens nothing.
    assert redis_sessions.get(KEY_PREFIX + session_key) is None
    refused = copied.get("/staff/")
    assert refused.status_code == 302
    assert refused["Location"].startswith("/sign-in/")


@pytest.mark.parametrize(
    ("name", "values"),
    [
        ("cases:case_detail", [1, 42, 987654321987]),
        ("hospitals:notice_detail", [7, 12345]),
        ("referrals:detail", ["R8KKA-S2HC", "RDEMO-0001"]),
    ],
)
def test_address_maker_gives_what_reverse_gives(name, values):
    make = routes.address_maker(name)
    for value in values:
        assert make(value) == reverse(name, args=[value])
