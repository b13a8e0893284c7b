"""Who can see which case: the selector, and the pages when someone types another ID."""

from __future__ import annotations

import pytest

from imha.accounts.models import Role
from imha.audit.models import AuditAction, AuditEvent
from imha.cases import selectors
from imha.cases.models import Case
from imha.referrals import services as referral_services

pytestmark = pytest.mark.django_db


def case_urls(case: Case) -> list[str]:
    base = f"/staff/cases/{case.pk}/"
    return [
        base,
        f"{base}details/",
        f"{base}close/",
        f"{base}legal-status/new/",
        f"{base}issues/new/",
        f"{base}activities/new/",
        f"{base}records-requests/new/",
        f"{base}notes/new/",
        f"{base}files/new/",
        f"/staff/clients/{case.client_id}/",
        f"/staff/clients/{case.client_id}/details/",
    ]


def test_visibility_by_role_and_team(staff, make_case):
    ada_case = make_case(staff["ada"])
    nia_case = make_case(staff["nia"])
    sol_case = make_case(staff["sol"])
    unallocated = make_case(None)

    def visible(name: str) -> set[int]:
        return set(selectors.cases_visible_to(staff[name]).values_list("pk", flat=True))

    assert visible("ada") == {ada_case.pk, nia_case.pk}
    assert visible("sol") == {sol_case.pk}
    assert visible("manager") == {ada_case.pk, nia_case.pk, sol_case.pk, unallocated.pk}
    for role in ("intake", "hospital", "commissioner", "administrator"):
        assert visible(role) == set(), role


def test_advocate_without_a_team_sees_only_their_own(staff, make_case):
    loner = staff["sol"]
    loner.team = None
    loner.save()
    mine = make_case(loner)
    make_case(staff["ada"])
    assert list(selectors.cases_visible_to(loner)) == [mine]


def test_another_teams_case_by_id_is_not_found(staff, make_case, sign_in):
    north_case = make_case(staff["ada"], first_name="Secretname")
    client = sign_in(staff["sol"])
    for url in case_urls(north_case):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"Secretname" not in response.content
    response = client.post(
        f"/staff/cases/{north_case.pk}/notes/new/", {"text": "Should not be saved"}
    )
    assert response.status_code == 404
    assert not north_case.notes.exists()


def test_a_teammate_can_open_the_case(staff, make_case, sign_in):
    case = make_case(staff["ada"], first_name="Teamvisible")
    response = sign_in(staff["nia"]).get(f"/staff/cases/{case.pk}/")
    assert response.status_code == 200
    assert b"Teamvisible" in response.content


@pytest.mark.parametrize("name", ["hospital", "commissioner", "administrator"])
def test_hospital_users_commissioners_and_administrators_are_refused(
    staff, make_case, sign_in, name
):
    case = make_case(staff["ada"], first_name="Hiddenperson")
    case.notes.create(text="A private case note", author=staff["ada"])
    client = sign_in(staff[name])
    for url in [
        *case_urls(case),
        "/staff/cases/",
        "/staff/cases/mine/",
        "/staff/cases/allocation/",
    ]:
        response = client.get(url)
        assert response.status_code == 403, url
        assert b"Hiddenperson" not in response.content
        assert b"A private case note" not in response.content


def test_intake_sees_the_case_from_a_referral_they_picked_up(
    staff, sign_in, make_referral_for_cases
):
    referral = make_referral_for_cases()
    referral_services.pick_up_referral(referral=referral, actor=staff["intake"], request=None)
    case = referral_services.accept_referral(
        referral=referral, actor=staff["intake"], response_method="phone"
    )
    assert sign_in(staff["intake"]).get(f"/staff/cases/{case.pk}/").status_code == 200
    other = sign_in(staff["other_intake"])
    assert other.get(f"/staff/cases/{case.pk}/").status_code == 404
    # Intake workers read; they do not change case records.
    assert sign_in(staff["intake"]).get(f"/staff/cases/{case.pk}/notes/new/").status_code == 403


def test_only_managers_allocate(staff, make_case, sign_in):
    case = make_case(None)
    response = sign_in(staff["ada"]).post(
        f"/staff/cases/{case.pk}/allocate/", {"advocate": staff["ada"].pk}
    )
    assert response.status_code == 403
    assert sign_in(staff["ada"]).get("/staff/cases/allocation/").status_code == 403
    case.refresh_from_db()
    assert case.allocated_advocate is None


def test_viewing_a_case_and_a_client_is_audited(staff, make_case, sign_in):
    case = make_case(staff["ada"])
    client = sign_in(staff["ada"])
    client.get(f"/staff/cases/{case.pk}/")
    client.get(f"/staff/clients/{case.client_id}/")
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=staff["ada"])
    assert views.filter(object_type="case", object_id=str(case.pk)).count() == 1
    assert views.filter(object_type="client", object_id=str(case.client_id)).count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(staff, make_case, client):
    case = make_case(staff["ada"])
    for url in case_urls(case):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/")
    assert Role.ADVOCATE in selectors.CASE_ROLES
