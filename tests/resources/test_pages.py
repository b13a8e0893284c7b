from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from imha.resources.views import INFORMATION_PAGES

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [reverse(f"resources:{page.url_name}") for page in INFORMATION_PAGES]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_page_renders_with_its_title_and_one_h1(url):
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert len(re.findall(r"<h1[ >]", page)) == 1
    assert re.search(r"<title>[^<]+ \u2013 Exampleshire IMHA Service</title>", page)
    assert 'href="#main-content"' in page and 'id="main-content"' in page


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_set_no_cookies(url):
    response = Client().get(url)
    assert response.cookies == {}


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_send_a_strict_content_security_policy(url):
    policy = Client().get(url)["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_pages_have_no_inline_scripts_or_styles(url):
    page = Client().get(url).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "<style" not in page
    assert " style=" not in page


def test_contact_details_come_from_settings(settings):
    settings.IMHA_SERVICE = {
        **settings.IMHA_SERVICE,
        "name": "Testshire Advocacy IMHA",
        "phone": "01632 960 999",
        "email": "hello@testshire.example.org",
        "response_working_days": 3,
    }
    client = Client()
    how_to_refer = client.get(reverse("resources:how_to_refer")).content.decode()
    assert "01632 960 999" in how_to_refer
    assert 'href="tel:01632960999"' in how_to_refer
    assert "hello@testshire.example.org" in how_to_refer
    assert "within 3 working days" in how_to_refer
    assert "Testshire Advocacy IMHA" in client.get("/").content.decode()


def test_default_contact_details_are_fictional(settings):
    # Ofcom keeps 01632 960xxx for drama and example.org is reserved, so the demo can never
    # send someone in crisis to a real number or inbox.
    assert settings.IMHA_SERVICE["phone"].replace(" ", "").startswith("01632960")
    assert settings.IMHA_SERVICE["email"].endswith("example.org")


def test_who_qualifies_lists_the_exclusions():
    page = Client().get(reverse("resources:who_qualifies")).content.decode()
    for section in ("section 4", "section 5(2)", "section 135", "section 136"):
        assert section in page
    assert "community treatment order" in page


def test_unknown_page_gives_a_helpful_404():
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_server_error_page_shows_contact_phone(settings, rf):
    from imha.core.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert settings.IMHA_SERVICE["phone"] in response.content.decode()


def test_healthcheck_answers_ok():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_how_to_refer_links_to_the_online_form():
    page = Client().get(reverse("resources:how_to_refer")).content.decode()
    assert f'href="{reverse("referrals:public_start")}"' in page
