from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imha.accounts.models import Role
from imha.core.access import signed_in_user, staff_required
from imha.core.kept_pages import kept_page
from imha.core.routes import route

SERVICE_STAFF = (Role.INTAKE, Role.ADVOCATE, Role.MANAGER, Role.ADMINISTRATOR)


@dataclass(frozen=True)
class DashboardLink:
    label: str
    url_name: str
    roles: tuple[str, ...]

    @property
    def url(self) -> str:
        return route(self.url_name)


# The dashboard's links, each shown only to the roles that can open it; the access matrix
# test makes sure the pages themselves refuse everybody else.
DASHBOARD_LINKS = [
    DashboardLink(
        "Referrals: new, awaiting a response and decided",
        "referrals:inbox",
        (Role.INTAKE, Role.ADVOCATE, Role.MANAGER),
    ),
    DashboardLink(
        "Log a phone, email or letter referral", "referrals:log", (Role.INTAKE, Role.MANAGER)
    ),
    DashboardLink("Patients who qualify for an IMHA", "hospitals:dashboard", (Role.HOSPITAL,)),
    DashboardLink("Record a patient who qualifies", "hospitals:notice_new", (Role.HOSPITAL,)),
    DashboardLink(
        "Hospitals: telling patients about IMHAs",
        "hospitals:compliance",
        (Role.INTAKE, Role.ADVOCATE, Role.MANAGER),
    ),
    DashboardLink("My caseload", "cases:my_caseload", (Role.INTAKE, Role.ADVOCATE, Role.MANAGER)),
    DashboardLink("Team cases", "cases:team_caseload", (Role.ADVOCATE, Role.MANAGER)),
    DashboardLink("Cases", "cases:case_list", (Role.INTAKE, Role.ADVOCATE, Role.MANAGER)),
    DashboardLink("Allocate cases to advocates", "cases:allocation", (Role.MANAGER,)),
    DashboardLink("Diary", "cases:diary", (Role.ADVOCATE, Role.MANAGER)),
    DashboardLink(
        "Toolkits, leaflets, stories and events", "resources:staff_library", SERVICE_STAFF
    ),
    DashboardLink(
        "Quarterly return for the commissioner",
        "reports:quarterly_return",
        (Role.COMMISSIONER, Role.MANAGER, Role.ADMINISTRATOR),
    ),
    DashboardLink(
        "Access log: who has opened or changed records",
        "audit:access_log",
        (Role.MANAGER, Role.ADMINISTRATOR),
    ),
    DashboardLink("Your account and recovery codes", "accounts:account", tuple(Role.values)),
    DashboardLink(
        "Administration: staff accounts and hospitals", "admin:index", (Role.ADMINISTRATOR,)
    ),
]


@staff_required()
@kept_page
def staff_home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    links = [link for link in DASHBOARD_LINKS if user.role in link.roles]
    return render(request, "core/staff_home.html", {"links": links})


def healthcheck(request: HttpRequest) -> HttpResponse:
    # For load balancers: answers without touching the database or the session.
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors or database access: those may be what failed.
    from django.conf import settings
    from django.template import loader

    body = loader.get_template("500.html").render({"service": settings.IMHA_SERVICE})
    return HttpResponse(body, status=500)
