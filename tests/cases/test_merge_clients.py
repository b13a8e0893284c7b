"""Merging two records of the same person: what moves, what is kept, what is refused, who
may do it, and that everything about the person is still found afterwards.

Every person here is fictional; NHS numbers are valid test numbers, phone numbers are from
Ofcom's drama range and email addresses use example.org.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from imha.accounts.models import Role
from imha.audit.models import AuditAction, AuditEvent
from imha.cases import selectors, services, stored_deadlines, subject_access
from imha.cases.models import Case, CaseDeadline, Ethnicity, FirstLanguage, Sex
from imha.cases.models import Client as Person
from imha.referrals import services as referral_services
from imha.referrals.models import Referral
from tests.conftest import STAFF_PASSWORD, current_code

pytestmark = pytest.mark.django_db

NHS_NUMBER = "9434765919"
OTHER_NHS_NUMBER = "4857773456"
BIRTHDAY = date(1980, 5, 17)


def merge(keep: Person, duplicate: Person, actor, **extra) -> services.MergedClients:
    return services.merge_clients(keep=keep, duplicate=duplicate, actor=actor, **extra)


def confirm_url(keep: Person, duplicate: Person) -> str:
    return f"/staff/clients/{keep.pk}/merge/{duplicate.pk}/"


@pytest.fixture
def pair(make_case):
    """The same fictional person twice: the record kept has one case, the duplicate two."""
    kept_case = make_case(first_name="Morwenna", last_name="Testfield")
    duplicate_case = make_case(first_name="morwenna", last_name="TESTFIELD")
    return kept_case.client, duplicate_case.client


# --- the merge itself -------------------------------------------------------------------------


def test_every_case_moves_to_the_kept_record_and_the_duplicate_is_retired(staff, pair):
    keep, duplicate = pair
    second = services.open_case_for_client(client=duplicate, actor=staff["manager"])
    moving = set(duplicate.cases.values_list("pk", flat=True))
    assert second.pk in moving and len(moving) == 2

    merged = merge(keep, duplicate, staff["manager"])

    assert set(merged.moved_case_ids) == moving
    assert Case.objects.filter(client=duplicate).count() == 0
    assert Case.objects.filter(client=keep).count() == 3
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep
    assert duplicate.merged_at is not None
    assert duplicate.is_retired


def test_blank_details_are_filled_and_the_kept_records_own_stay(staff, make_case):
    keep = make_case(
        first_name="Morwenna",
        last_name="Testfield",
        date_of_birth=None,
        phone="01632 960 001",
        sex=Sex.FEMALE,
    ).client
    duplicate = make_case(
        first_name="Morwenna",
        last_name="Testfield-Kept",
        date_of_birth=BIRTHDAY,
        preferred_name="Wenna",
        nhs_number=NHS_NUMBER,
        phone="01632 960 002",
        email="morwenna@example.org",
        safe_to_leave_message=False,
        communication_needs=["bsl"],
        sex=Sex.MALE,
        ethnicity=Ethnicity.WHITE_IRISH,
    ).client

    merged = merge(keep, duplicate, staff["manager"])

    keep.refresh_from_db()
    # Blank on the kept record: filled from the duplicate.
    assert keep.date_of_birth == BIRTHDAY
    assert keep.preferred_name == "Wenna"
    assert keep.nhs_number == NHS_NUMBER
    assert keep.email == "morwenna@example.org"
    assert keep.safe_to_leave_message is False
    assert keep.communication_needs == ["bsl"]
    assert keep.ethnicity == Ethnicity.WHITE_IRISH  # "not known" counts as blank
    # Already on the kept record: unchanged.
    assert (keep.first_name, keep.last_name) == ("Morwenna", "Testfield")
    assert keep.phone == "01632 960 001"
    assert keep.sex == Sex.FEMALE
    assert set(merged.filled_fields) == {
        "date_of_birth",
        "preferred_name",
        "nhs_number",
        "email",
        "safe_to_leave_message",
        "communication_needs",
        "ethnicity",
    }
    # The duplicate keeps what it held, for the record.
    duplicate.refresh_from_db()
    assert duplicate.phone == "01632 960 002"


def test_which_other_language_is_taken_only_with_the_answer_it_explains(staff, make_case):
    keep = make_case(first_language=FirstLanguage.OTHER).client
    duplicate = make_case(
        first_language=FirstLanguage.OTHER, first_language_other="Fictionalese"
    ).client
    merge(keep, duplicate, staff["manager"])
    keep.refresh_from_db()
    assert keep.first_language_other == "Fictionalese"

    english = make_case(first_language=FirstLanguage.ENGLISH).client
    other = make_case(first_language=FirstLanguage.OTHER, first_language_other="Madeupish").client
    merge(english, other, staff["manager"])
    english.refresh_from_db()
    assert (english.first_language, english.first_language_other) == ("english", "")


def test_records_merged_earlier_point_at_the_record_now_kept(staff, make_case):
    first, second, third = (make_case().client for _ in range(3))
    merge(second, first, staff["manager"])
    merge(third, second, staff["manager"])
    first.refresh_from_db()
    assert first.merged_into == third


def test_a_changed_date_of_birth_rewrites_the_stored_statutory_dates(staff, make_case, fixed_today):
    # Under 18 on the day, so the hospital managers' reference comes sooner.
    keep = make_case(date_of_birth=None, status_code="s3", started_on=date(2026, 6, 1)).client
    duplicate = make_case(date_of_birth=date(2010, 1, 2)).client
    merge(keep, duplicate, staff["manager"])

    def stored() -> set[tuple]:
        return set(CaseDeadline.objects.values_list("case_id", "due_on", "kind", "point"))

    after_merge = stored()
    case_ids = Case.objects.filter(client=keep).values_list("pk", flat=True)
    stored_deadlines.rebuild(list(case_ids), today=fixed_today)
    assert after_merge == stored()


def test_a_failure_part_way_leaves_everything_as_it_was(staff, pair, monkeypatch):
    keep, duplicate = pair
    duplicate.email = "morwenna@example.org"
    duplicate.save()
    real_record = services._record

    def fail_on_cases(actor, action, object_type, *args):
        # The case entries are written last, after the cases have moved and the
        # duplicate has been retired.
        if object_type == "case":
            raise RuntimeError("the database went away")
        real_record(actor, action, object_type, *args)

    monkeypatch.setattr(services, "_record", fail_on_cases)
    entries_before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError):
        merge(keep, duplicate, staff["manager"])

    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert duplicate.merged_into is None and duplicate.merged_at is None
    assert duplicate.cases.count() == 1 and keep.cases.count() == 1
    assert keep.email == ""
    assert AuditEvent.objects.count() == entries_before


# --- the audit log ----------------------------------------------------------------------------


def test_the_merge_is_audited_against_both_records_and_each_case(staff, pair, capsys):
    keep, duplicate = pair
    moved = list(duplicate.cases.values_list("pk", flat=True))
    merge(keep, duplicate, staff["manager"])

    entries = AuditEvent.objects.filter(summary__contains="merged")
    on_kept = entries.get(object_type="client", object_id=str(keep.pk))
    on_retired = entries.get(object_type="client", object_id=str(duplicate.pk))
    for entry in (on_kept, on_retired):
        assert entry.action == AuditAction.MERGE
        assert entry.actor == staff["manager"]
        assert entry.actor_role == Role.MANAGER
        assert f"Client {duplicate.pk} merged into client {keep.pk}" in entry.summary
        # Nothing about the person: the log is read more widely than their records.
        assert "Morwenna" not in entry.summary and "Testfield" not in entry.summary
    assert sorted(
        int(pk) for pk in entries.filter(object_type="case").values_list("object_id", flat=True)
    ) == sorted(moved)

    call_command("verify_audit")
    assert "Audit log intact" in capsys.readouterr().out


def test_a_checked_difference_in_birthdays_is_recorded(staff, make_case):
    keep = make_case(date_of_birth=BIRTHDAY).client
    duplicate = make_case(date_of_birth=date(1980, 7, 15)).client
    merge(keep, duplicate, staff["manager"], same_person_confirmed=True)
    entry = AuditEvent.objects.get(object_type="client", object_id=str(keep.pk))
    assert "checked as the same person" in entry.summary
    keep.refresh_from_db()
    assert keep.date_of_birth == BIRTHDAY


# --- refusals ---------------------------------------------------------------------------------


def test_different_nhs_numbers_are_refused(staff, sign_in, make_case):
    keep = make_case(nhs_number=NHS_NUMBER).client
    duplicate = make_case(nhs_number=OTHER_NHS_NUMBER).client
    with pytest.raises(services.MergeRefused, match="different NHS numbers"):
        merge(keep, duplicate, staff["manager"])

    manager = sign_in(staff["manager"])
    page = manager.get(confirm_url(keep, duplicate))
    assert page.status_code == 200
    assert b"These records cannot be merged" in page.content
    assert b"different NHS numbers, so they are about different people" in page.content
    assert b"Merge these records</button>" not in page.content
    response = manager.post(confirm_url(keep, duplicate))
    assert response.status_code == 400
    assert b"different NHS numbers" in response.content
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_one_nhs_number_only_is_not_a_difference(staff, make_case):
    keep = make_case(nhs_number=NHS_NUMBER).client
    duplicate = make_case(nhs_number="").client
    merge(keep, duplicate, staff["manager"])
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep


def test_different_birthdays_need_the_box_ticked(staff, sign_in, make_case):
    keep = make_case(date_of_birth=BIRTHDAY).client
    duplicate = make_case(date_of_birth=date(1981, 5, 17)).client
    with pytest.raises(services.MergeRefused, match="dates of birth are different"):
        merge(keep, duplicate, staff["manager"])

    manager = sign_in(staff["manager"])
    page = manager.get(confirm_url(keep, duplicate))
    assert b"I have checked these are the same person" in page.content
    response = manager.post(confirm_url(keep, duplicate))
    assert response.status_code == 400
    assert response.content.count(services.DIFFERENT_DATES_OF_BIRTH.encode()) == 2  # summary
    assert b"govuk-error-summary" in response.content
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None

    response = manager.post(confirm_url(keep, duplicate), {"same_person": "on"})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep


def test_a_record_cannot_be_merged_into_itself(staff, sign_in, make_case):
    person = make_case().client
    with pytest.raises(services.MergeRefused, match="cannot be merged into itself"):
        merge(person, person, staff["manager"])
    manager = sign_in(staff["manager"])
    found = manager.get(f"/staff/clients/{person.pk}/merge/", {"number": str(person.pk)})
    assert found.status_code == 400
    assert b"A record cannot be merged into itself" in found.content
    response = manager.post(confirm_url(person, person))
    assert response.status_code == 400
    assert b"A record cannot be merged into itself" in response.content


def test_a_record_already_merged_cannot_be_merged_again(staff, sign_in, make_case):
    keep, duplicate, third = (make_case().client for _ in range(3))
    merge(keep, duplicate, staff["manager"])
    message = f"Client {duplicate.pk} has already been merged into client {keep.pk}"

    # From objects read before the merge, as a page opened earlier would hold them.
    stale = Person.objects.get(pk=duplicate.pk)
    stale.merged_into = None
    with pytest.raises(services.MergeRefused, match=message):
        merge(third, stale, staff["manager"])
    with pytest.raises(services.MergeRefused, match=message):
        merge(stale, third, staff["manager"])

    manager = sign_in(staff["manager"])
    for url in (confirm_url(third, duplicate), confirm_url(duplicate, third)):
        response = manager.post(url)
        assert response.status_code == 400
        assert message.encode() in response.content
    found = manager.get(f"/staff/clients/{third.pk}/merge/", {"number": str(duplicate.pk)})
    assert message.encode() in found.content
    assert Case.objects.filter(client=third).count() == 1


def test_an_anonymised_record_cannot_be_merged(staff, make_case):
    keep = make_case().client
    duplicate = make_case().client
    Person.objects.filter(pk=duplicate.pk).update(
        first_name="Anonymised", last_name="", anonymised_at=timezone.now()
    )
    duplicate.refresh_from_db()
    with pytest.raises(services.MergeRefused, match="removed under the retention policy"):
        merge(keep, duplicate, staff["manager"])


# --- after the merge --------------------------------------------------------------------------


def test_the_retired_records_page_sends_people_to_the_kept_one(staff, sign_in, make_case):
    keep = make_case(staff["ada"]).client
    duplicate = make_case(staff["ada"]).client
    merge(keep, duplicate, staff["manager"])

    response = sign_in(staff["ada"]).get(f"/staff/clients/{duplicate.pk}/", follow=True)
    assert response.redirect_chain == [(f"/staff/clients/{keep.pk}/", 302)]
    assert (
        f"Client {duplicate.pk} was a duplicate and has been merged into this record".encode()
        in response.content
    )
    # Someone who cannot see the kept record learns nothing from the retired number.
    assert sign_in(staff["sol"]).get(f"/staff/clients/{duplicate.pk}/").status_code == 404


def test_lists_and_the_referral_duplicate_check_skip_retired_records(staff, make_case):
    # The duplicate is the older record, so a lookup that did not skip it would find it
    # first by NHS number.
    duplicate = make_case(
        first_name="Peregrine", last_name="Fictional", nhs_number=NHS_NUMBER
    ).client
    keep = make_case(first_name="Peregrine", last_name="Fictional").client
    merge(keep, duplicate, staff["manager"])

    assert duplicate.pk not in selectors.clients_visible_to(staff["manager"]).values_list(
        "pk", flat=True
    )
    with transaction.atomic():
        by_number, _ = services.client_for_referral(_referral(nhs_number=NHS_NUMBER))
    assert by_number == keep
    # Before the merge two records had this name and birthday, which made a new client;
    # now only the kept one has.
    with transaction.atomic():
        by_name, created = services.client_for_referral(_referral())
    assert (by_name, created) == (keep, False)


def _referral(**fields):
    return Referral(
        first_name="Peregrine",
        last_name="Fictional",
        date_of_birth=BIRTHDAY,
        nhs_number=fields.get("nhs_number", ""),
    )


def test_an_accepted_referral_opens_its_case_on_the_kept_record(
    staff, make_case, make_referral_for_cases
):
    duplicate = make_case(first_name="Referred", last_name="Person", nhs_number=NHS_NUMBER)
    keep = make_case(first_name="Referred", last_name="Person")
    merge(keep.client, duplicate.client, staff["manager"])
    referral = make_referral_for_cases(nhs_number=NHS_NUMBER)
    case = referral_services.accept_referral(
        referral=referral, actor=staff["manager"], response_method="phone"
    )
    assert case.client == keep.client


def test_no_new_case_can_be_opened_on_a_retired_record(staff, pair):
    keep, duplicate = pair
    merge(keep, duplicate, staff["manager"])
    with pytest.raises(services.CaseStateError):
        services.open_case_for_client(client=duplicate, actor=staff["manager"])


def test_subject_access_export_still_finds_everything_about_the_person(
    staff, make_case, make_referral_for_cases
):
    keep_case = make_case(first_name="Referred", last_name="Person", date_of_birth=BIRTHDAY)
    # The duplicate was typed with another spelling and a phone number the kept record
    # lacks; a referral matches only that spelling.
    duplicate_case = make_case(
        first_name="Refered", last_name="Person", date_of_birth=BIRTHDAY, phone="01632 960 003"
    )
    services.add_note(
        case=duplicate_case, text="Note written on the duplicate", actor=staff["manager"]
    )
    make_referral_for_cases(
        first_name="Refered",
        date_of_birth=BIRTHDAY.isoformat(),
        more_information="Found by the old spelling",
    )
    keep, duplicate = keep_case.client, duplicate_case.client
    services.update_client(
        client=duplicate, fields={"email": "refered@example.org"}, actor=staff["manager"]
    )
    merge(keep, duplicate, staff["manager"])

    data = subject_access.collect_subject_data(keep)
    text = subject_access.subject_access_json(data).decode()
    assert [case["reference"] for case in data["cases"]] == [
        keep_case.reference,
        duplicate_case.reference,
    ]
    assert "Note written on the duplicate" in text
    assert "Found by the old spelling" in text
    assert [record["id"] for record in data["merged_records"]] == [duplicate.pk]
    assert data["merged_records"][0]["first_name"] == "Refered"
    assert data["merged_records"][0]["merged_into"] == keep.pk
    assert "merged_into" not in data["client"]
    audited = {(e["record"]["type"], e["record"]["id"]) for e in data["audit_log"]}
    assert ("client", str(duplicate.pk)) in audited  # its change of email before the merge
    assert "Other records we combined with this one" in _pdf_text(data)

    # Asked for by the retired number, the export is the kept record's, complete.
    export = subject_access.build_export(duplicate, actor=staff["manager"])
    assert export.client_id == keep.pk
    assert b"Note written on the duplicate" in export.json_bytes


def _pdf_text(data) -> str:
    reader = PdfReader(io.BytesIO(subject_access.subject_access_pdf(data)))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_every_link_to_a_client_is_handled_by_the_merge():
    """A new foreign key to Client must be moved by `merge_clients` (or deliberately left):
    this fails until it is added here and there."""
    links = {
        (relation.related_model._meta.label, relation.field.name)
        for relation in Person._meta.related_objects
    }
    assert links == {("cases.Case", "client"), ("cases.Client", "merged_into")}


# --- the pages and who may use them -----------------------------------------------------------


def test_only_managers_may_merge(staff, sign_in, pair):
    keep, duplicate = pair
    for name in ("ada", "intake"):
        client = sign_in(staff[name])
        assert client.get(f"/staff/clients/{keep.pk}/merge/").status_code == 403
        assert client.get(confirm_url(keep, duplicate)).status_code == 403
        assert client.post(confirm_url(keep, duplicate)).status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None

    manager_page = sign_in(staff["manager"]).get(f"/staff/clients/{keep.pk}/")
    assert b"Merge with another record" in manager_page.content


def test_the_link_is_not_offered_to_advocates(staff, sign_in, make_case):
    case = make_case(staff["ada"])
    page = sign_in(staff["ada"]).get(f"/staff/clients/{case.client_id}/")
    assert page.status_code == 200
    assert b"Merge with another record" not in page.content


def test_the_find_page_lists_likely_duplicates(staff, sign_in, make_case):
    person = make_case(first_name="Anne-Marie", last_name="O'Testing", nhs_number=NHS_NUMBER)
    same_name = make_case(first_name="anne marie", last_name="otesting")
    same_number = make_case(first_name="Someone", last_name="Else", nhs_number=NHS_NUMBER)
    other_birthday = make_case(
        first_name="Anne-Marie", last_name="O'Testing", date_of_birth=date(1990, 1, 1)
    )
    retired = make_case(first_name="Anne-Marie", last_name="O'Testing")
    merge(same_name.client, retired.client, staff["manager"])

    found = selectors.likely_duplicates(staff["manager"], person.client)
    assert {(item.client.pk, tuple(item.reasons), item.case_count) for item in found} == {
        (same_name.client_id, ("Same name and date of birth",), 2),
        (same_number.client_id, ("Same NHS number",), 1),
    }

    page = sign_in(staff["manager"]).get(f"/staff/clients/{person.client_id}/merge/")
    assert page.status_code == 200
    assert confirm_url(person.client, same_name.client).encode() in page.content
    assert confirm_url(person.client, other_birthday.client).encode() not in page.content


def test_finding_by_number(staff, sign_in, pair):
    keep, duplicate = pair
    manager = sign_in(staff["manager"])
    url = f"/staff/clients/{keep.pk}/merge/"
    response = manager.get(url, {"number": f"Client {duplicate.pk}"})
    assert response.status_code == 302
    assert response["Location"] == confirm_url(keep, duplicate)
    for typed, message in (
        ("", b"Enter the client number of the other record"),
        ("abc", b"Enter the client number as digits only, like 1234"),
        ("999999", b"There is no client 999999"),
    ):
        response = manager.get(url, {"number": typed})
        assert response.status_code == 400, typed
        assert message in response.content


def test_the_confirmation_page_then_the_merge(staff, sign_in, make_case):
    keep = make_case(first_name="Morwenna", last_name="Testfield", phone="01632 960 001").client
    duplicate = make_case(
        first_name="Morwenna", last_name="Testfield", email="wenna@example.org"
    ).client
    manager = sign_in(staff["manager"])
    page = manager.get(confirm_url(keep, duplicate))
    assert page.status_code == 200
    content = page.content.decode()
    assert f"Check before merging client {duplicate.pk} into client {keep.pk}" in content
    assert "01632 960 001" in content and "wenna@example.org" in content
    assert "Details client" in content and "will be copied" in content and "email" in content
    assert f"keep client {duplicate.pk} instead" in content
    assert 'name="csrfmiddlewaretoken"' in content

    response = manager.post(confirm_url(keep, duplicate), follow=True)
    assert response.redirect_chain == [(f"/staff/clients/{keep.pk}/", 302)]
    assert (
        f"Client {duplicate.pk} has been merged into this record. 1 case moved here and 1 "
        "missing detail filled in."
    ) in response.content.decode()


def test_the_merge_needs_the_csrf_token(staff, enrolled_device, pair):
    keep, duplicate = pair
    browser = Client(enforce_csrf_checks=True)
    manager = staff["manager"]
    device = enrolled_device(manager)
    # Signing in posts forms too: take each page's token as a browser would.
    browser.get("/sign-in/")
    browser.post(
        "/sign-in/",
        {
            "username": manager.username,
            "password": STAFF_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"].value,
        },
    )
    browser.post(
        "/sign-in/security-code/",
        {"code": current_code(device), "csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
    )
    assert browser.get(confirm_url(keep, duplicate)).status_code == 200
    assert browser.post(confirm_url(keep, duplicate)).status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_the_database_refuses_a_half_retired_or_self_merged_row(make_case):
    person = make_case().client
    for change in (
        {"merged_into": person},  # no date
        {"merged_at": timezone.now()},  # no record
        {"merged_into": person, "merged_at": timezone.now()},  # into itself
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.filter(pk=person.pk).update(**change)
