"""The staff navigation bar: which areas each role sees.

Only areas a role can open are offered; the pages themselves still check (the access matrix
test proves it), so this list is about clarity, not security.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch

from imha.accounts.models import Role, User
from imha.core.routes import route

SERVICE_STAFF = (Role.INTAKE, Role.ADVOCATE, Role.MANAGER)


@dataclass(frozen=True)
class NavigationItem:
    label: str
    url_name: str
    roles: tuple[str, ...]


STAFF_NAVIGATION = [
    NavigationItem("Dashboard", "core:staff_home", tuple(Role.values)),
    NavigationItem("Referrals", "referrals:inbox", SERVICE_STAFF),
    NavigationItem("Cases", "cases:my_caseload", SERVICE_STAFF),
    NavigationItem("Patients", "hospitals:dashboard", (Role.HOSPITAL,)),
    NavigationItem("Hospitals", "hospitals:compliance", SERVICE_STAFF),
    NavigationItem(
        "Reports", "reports:quarterly_return", (Role.MANAGER, Role.COMMISSIONER, Role.ADMINISTRATOR)
    ),
    NavigationItem("Your account", "accounts:account", tuple(Role.values)),
    NavigationItem("Administration", "admin:index", (Role.ADMINISTRATOR,)),
]


@dataclass(frozen=True)
class NavigationLink:
    label: str
    url: str
    current: bool


def navigation_for(user: User, path: str) -> list[NavigationLink]:
    links = []
    for item in STAFF_NAVIGATION:
        if user.role not in item.roles:
            continue
        try:
            url = route(item.url_name)
        except NoReverseMatch:
            # An area that is not installed in this build yet.
            continue
        current = path == url or (url != "/staff/" and path.startswith(url))
        links.append(NavigationLink(item.label, url, current))
    return links
