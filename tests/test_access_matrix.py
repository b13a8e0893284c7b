"""Every URL in the project, checked against every role.

The URLs are read from the URLconf, so a new view is checked the moment it is added: it
must either be on the public list below or be wrapped in `staff_required`, and each role
it does not name must be refused.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from imha.accounts.models import Role

# Views anyone may open. Each entry is a URL name; keep this list short and deliberate.
PUBLIC_URL_NAMES = {
    "resources:home",
    "resources:what_is_imha",
    "resources:rights",
    "resources:who_qualifies",
    "resources:how_to_refer",
    "resources:contact",
    "resources:accessibility",
    "resources:privacy",
    # The public library: toolkits and leaflets, their downloads, stories and events.
    "resources:library",
    "resources:library_download",
    "resources:stories",
    "resources:story",
    "resources:events",
    "core:healthcheck",
    # The advocate's calendar feed: calendar apps cannot sign in, so a secret, revocable
    # token in the address is the key (tested in tests/cases).
    "cases:calendar_feed",
    # The sign-in steps check the session themselves: they are how people become staff.
    "accounts:login",
    "accounts:second_factor",
    "accounts:enrol",
    "accounts:logout",
}
# Apps whose views are public by design (for example the public referral form); their
# names are matched by prefix so the list does not need every step of a form.
PUBLIC_URL_PREFIXES = ("resources:checker", "referrals:public_")

SAMPLE_ARGUMENTS = {"int": "1", "str": "x", "slug": "x", "uuid": str(uuid.uuid4()), "path": "x"}


@dataclass(frozen=True)
class Route:
    name: str
    url: str
    view: Any

    @property
    def is_public(self) -> bool:
        return self.name in PUBLIC_URL_NAMES or self.name.startswith(PUBLIC_URL_PREFIXES)


def sample_url(route: str) -> str:
    def replace(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return SAMPLE_ARGUMENTS.get(converter, "1")

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", replace, route)


def walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # The admin has its own gate, tested in tests/accounts.
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else str(pattern.pattern)
            yield Route(name, sample_url(prefix + str(pattern.pattern)), pattern.callback)


ROUTES = list(walk(get_resolver().url_patterns))
STAFF_ROUTES = [route for route in ROUTES if not route.is_public]


def test_the_urlconf_was_read():
    names = {route.name for route in ROUTES}
    assert {"resources:home", "core:staff_home", "accounts:account"} <= names


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=lambda route: route.name)
def test_every_staff_view_is_behind_staff_required(route):
    assert hasattr(route.view, "staff_roles"), (
        f"{route.name} is neither public nor wrapped in staff_required"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=lambda route: route.name)
def test_signed_out_visitors_never_reach_a_staff_view(client, route):
    response = client.get(route.url)
    # A redirect to sign in, or a refusal before the view runs (wrong method).
    assert response.status_code in {302, 405}, (route.url, response.status_code)
    if response.status_code == 302:
        assert response["Location"].startswith("/sign-in/")


MATRIX = [
    (route, role)
    for route in STAFF_ROUTES
    for role in Role.values
    if role not in getattr(route.view, "staff_roles", Role.values)
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "role"), MATRIX, ids=[f"{route.name}-{role}" for route, role in MATRIX]
)
def test_roles_not_named_by_a_view_are_refused(verified_client, route, role):
    client = verified_client(role)
    for method in (client.get, client.post):
        response = method(route.url)
        assert response.status_code in {403, 405}, (route.url, role, response.status_code)
