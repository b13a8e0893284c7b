"""Busy staff pages are kept until the data behind them changes (imha.core.kept_pages), and
a kept page is never shown to anybody else, after a change, on another day or past its
lifetime."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from imha.accounts.models import Role, User
from imha.cases import services
from imha.cases.models import CaseNote, CaseStatus, ClosureReason
from imha.core import kept_pages

pytestmark = pytest.mark.django_db

CASELOAD = "/staff/cases/mine/"
ALLOCATION = "/staff/cases/allocation/"


@pytest.fixture
def signed_in(sign_in: Callable[[User], Client]) -> Callable[[User], Client]:
    """Signed in, with the "signed in" message already shown: a page shown with a message
    waiting is never kept, so the first page after signing in would be worked out anyway."""

    def settled(user: User) -> Client:
        client = sign_in(user)
        assert client.get("/staff/").status_code == 200
        return client

    return settled


def fetch(client: Client, url: str = CASELOAD) -> tuple[str, int]:
    """The page's HTML and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_second_showing_is_the_kept_page_and_costs_fewer_queries(staff, make_case, signed_in):
    make_case(staff["ada"], first_name="Keptname")
    client = signed_in(staff["ada"])
    first, first_queries = fetch(client)
    second, second_queries = fetch(client)
    assert "Keptname" in first
    assert second == first
    assert second_queries < first_queries


def test_a_change_to_the_data_shows_at_once(
    staff, make_case, signed_in, django_capture_on_commit_callbacks
):
    case = make_case(staff["ada"], first_name="Before")
    client = signed_in(staff["ada"])
    assert "Before" in fetch(client)[0]
    # Committed, as a real request's change is: on PostgreSQL the data version changes only
    # after the commit (imha.core.freshness).
    with django_capture_on_commit_callbacks(execute=True):
        services.update_client(
            client=case.client, fields={"first_name": "After"}, actor=staff["ada"]
        )
    page = fetch(client)[0]
    assert "After" in page
    assert "Before" not in page


def test_a_write_anywhere_makes_pages_stale_even_one_the_page_does_not_show(
    staff, make_case, signed_in, django_capture_on_commit_callbacks
):
    case = make_case(staff["ada"])
    client = signed_in(staff["ada"])
    fetch(client)
    _, kept_queries = fetch(client)
    with django_capture_on_commit_callbacks(execute=True):
        CaseNote.objects.create(case=case, author=staff["ada"], text="Rang the ward")
    _, after_write_queries = fetch(client)
    assert after_write_queries > kept_queries


def test_one_persons_kept_page_is_never_shown_to_another(staff, make_case, signed_in):
    make_case(staff["ada"], first_name="Adascase")
    make_case(staff["nia"], first_name="Niascase")
    ada_page = fetch(signed_in(staff["ada"]))[0]
    nia_page = fetch(signed_in(staff["nia"]))[0]
    assert "Adascase" in ada_page and "Niascase" not in ada_page
    assert "Niascase" in nia_page and "Adascase" not in nia_page


def test_a_person_whose_access_ends_is_refused_before_any_kept_page(staff, make_case, signed_in):
    make_case(staff["ada"])
    client = signed_in(staff["ada"])
    fetch(client)
    staff["ada"].is_active = False
    staff["ada"].save(update_fields=["is_active"])
    response = client.get(CASELOAD)
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]


def test_a_role_that_no_longer_allows_the_page_is_refused(staff, signed_in):
    client = signed_in(staff["manager"])
    assert client.get(ALLOCATION).status_code == 200
    staff["manager"].role = Role.ADVOCATE
    staff["manager"].save(update_fields=["role"])
    assert client.get(ALLOCATION).status_code == 403


def test_a_page_shown_with_a_message_is_not_kept_and_the_message_shows_once(
    staff, make_case, signed_in
):
    case = make_case(None, first_name="Waiting")
    client = signed_in(staff["manager"])
    fetch(client, ALLOCATION)
    fetch(client, ALLOCATION)  # kept from here on, until the allocation below
    allocated = client.post(
        f"/staff/cases/{case.pk}/allocate/",
        {"advocate": staff["ada"].pk, "from": "allocation"},
        follow=True,
    )
    assert allocated.redirect_chain[-1][0] == ALLOCATION
    message = f"Case {case.reference} allocated to"
    assert message in allocated.content.decode()
    assert message not in fetch(client, ALLOCATION)[0]


def test_kept_pages_carry_a_working_sign_out_form(staff, signed_in):
    client = signed_in(staff["ada"])
    client.handler.enforce_csrf_checks = True
    fetch(client)
    kept = fetch(client)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept)
    assert token is not None
    response = client.post("/sign-out/", {"csrfmiddlewaretoken": token.group(1)})
    assert response.status_code == 302
    assert client.get(CASELOAD).status_code == 302


def test_another_csrf_cookie_gets_a_page_of_its_own(staff, signed_in):
    client = signed_in(staff["ada"])
    fetch(client)
    _, kept_queries = fetch(client)
    client.cookies["csrftoken"] = "x" * 32
    _, new_cookie_queries = fetch(client)
    assert new_cookie_queries > kept_queries


def test_a_new_day_gets_a_new_page(staff, make_case, signed_in, monkeypatch):
    make_case(staff["ada"])
    client = signed_in(staff["ada"])
    fetch(client)
    _, kept_queries = fetch(client)
    monkeypatch.setattr(kept_pages.timezone, "localdate", lambda: date(2099, 1, 1))
    _, next_day_queries = fetch(client)
    assert next_day_queries > kept_queries


def test_keeping_can_be_turned_off(staff, signed_in, settings):
    settings.KEPT_PAGE_SECONDS = 0
    client = signed_in(staff["ada"])
    _, first_queries = fetch(client)
    _, second_queries = fetch(client)
    assert second_queries == first_queries


def test_each_address_is_kept_separately(staff, make_case, signed_in):
    make_case(staff["ada"], first_name="Opencase")
    closed = make_case(staff["ada"], first_name="Closedcase")
    services.close_case(
        case=closed, reason=ClosureReason.WORK_COMPLETE, note="", actor=staff["manager"]
    )
    client = signed_in(staff["manager"])
    everything = fetch(client, "/staff/cases/")[0]
    only_closed = fetch(client, f"/staff/cases/?status={CaseStatus.CLOSED}")[0]
    assert "Opencase" in everything
    assert "Opencase" not in only_closed
    assert "Closedcase" in only_closed


def test_error_pages_are_not_kept(staff, signed_in):
    client = signed_in(staff["commissioner"])
    url = "/reports/quarterly/?period=nonsense"
    first = client.get(url)
    assert first.status_code == 400
    with CaptureQueriesContext(connection) as first_queries:
        client.get(url)
    with CaptureQueriesContext(connection) as second_queries:
        client.get(url)
    assert len(second_queries) == len(first_queries)


@pytest.mark.parametrize(
    ("person", "url"),
    [
        ("ada", "/staff/cases/team/"),
        ("ada", "/staff/cases/diary/"),
        ("ada", "/staff/cases/diary/month/"),
        ("manager", "/staff/cases/"),
        ("manager", ALLOCATION),
        ("intake", "/staff/referrals/"),
        ("manager", "/staff/hospitals/"),
        ("hospital", "/hospital/"),
        ("commissioner", "/reports/quarterly/"),
    ],
)
def test_every_busy_page_is_kept(staff, make_case, signed_in, person, url):
    make_case(staff["ada"])
    client = signed_in(staff[person])
    _, first_queries = fetch(client, url)
    kept, kept_queries = fetch(client, url)
    assert kept_queries < first_queries
    assert kept == fetch(client, url)[0]


def test_a_kept_view_must_sit_below_its_access_check():
    from imha.core.access import staff_required

    guarded = staff_required()(lambda request: None)
    with pytest.raises(ImproperlyConfigured):
        kept_pages.kept_page(guarded)
