from __future__ import annotations

import pytest
from django.test import Client

from imha.accounts.models import Role

pytestmark = pytest.mark.django_db

STAFF_PAGES = ["/staff/", "/account/"]


@pytest.mark.parametrize("url", [*STAFF_PAGES, "/admin/"])
def test_signed_out_visitors_are_sent_to_sign_in(url):
    response = Client().get(url, follow=True)
    assert response.redirect_chain
    assert response.request["PATH_INFO"] == "/sign-in/"


@pytest.mark.parametrize("role", Role.values)
def test_every_role_reaches_its_dashboard(verified_client, role):
    response = verified_client(role).get("/staff/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.ADMINISTRATOR])
def test_only_administrators_reach_the_admin(verified_client, role):
    client = verified_client(role)
    response = client.get("/admin/")
    # The admin's own login page is replaced by ours, so a refusal is a redirect to sign in.
    assert response.status_code == 302
    assert client.get("/admin/accounts/user/").status_code == 302


def test_administrator_reaches_the_admin(verified_client):
    client = verified_client(Role.ADMINISTRATOR)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/").status_code == 200
    assert client.get("/admin/hospitals/hospital/").status_code == 200


def test_administrator_without_second_factor_is_kept_out_of_admin(make_user):
    make_user(Role.ADMINISTRATOR, username="alex")
    client = Client()
    from tests.conftest import STAFF_PASSWORD

    client.post("/sign-in/", {"username": "alex", "password": STAFF_PASSWORD})
    assert client.get("/admin/").status_code == 302


def test_staff_required_refuses_roles_not_listed(rf, make_user):
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from imha.core.access import staff_required

    @staff_required(Role.MANAGER)
    def managers_only(request):
        return HttpResponse("ok")

    request = rf.get("/")
    request.user = make_user(Role.ADVOCATE)
    request.user.is_verified = lambda: True
    with pytest.raises(PermissionDenied):
        managers_only(request)
    request.user = make_user(Role.MANAGER)
    request.user.is_verified = lambda: True
    assert managers_only(request).status_code == 200


@pytest.mark.parametrize("role", Role.values)
def test_dashboard_only_offers_links_the_role_can_open(verified_client, role):
    from imha.core.views import DASHBOARD_LINKS

    client = verified_client(role)
    page = client.get("/staff/").content.decode()
    for link in DASHBOARD_LINKS:
        if role in link.roles:
            assert f'href="{link.url}"' in page
            assert client.get(link.url).status_code == 200
        else:
            assert f'href="{link.url}"' not in page


@pytest.mark.parametrize("role", Role.values)
def test_staff_navigation_offers_only_pages_the_role_can_open(verified_client, role):
    import re

    client = verified_client(role)
    page = client.get("/staff/").content.decode()
    menu = page.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', menu)
    assert "/staff/" in links and "/account/" in links
    for url in links:
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)


def test_public_visitors_get_the_public_navigation(client):
    page = client.get("/").content.decode()
    assert 'href="/staff/"' not in page
    assert "What an IMHA does" in page


def test_every_navigation_item_points_at_a_real_page():
    from django.urls import reverse

    from imha.core.navigation import STAFF_NAVIGATION

    for item in STAFF_NAVIGATION:
        assert reverse(item.url_name)
