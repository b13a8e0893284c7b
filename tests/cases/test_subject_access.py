"""Subject access requests (UK GDPR Article 15): what the export holds, who may produce
it, and that producing it is recorded."""

from __future__ import annotations

import io
import json
import stat
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from pypdf import PdfReader

from imha.accounts.models import Role, User
from imha.audit.models import AuditAction, AuditEvent
from imha.audit.services import find_chain_problems
from imha.cases import retention, services, subject_access
from imha.cases.models import ActivityKind, Case, Ethnicity, OutcomeKind
from imha.cases.models import Client as Person
from imha.hospitals import services as hospital_services
from imha.hospitals.models import QualifyingNotice

pytestmark = pytest.mark.django_db

BIRTHDAY = date(1980, 5, 17)
NHS_NUMBER = "9434765919"
PRODUCED_AT = datetime(2026, 11, 25, 10, 30, tzinfo=UTC)

# Words planted in each place the person's data is kept; each must reach the export.
PERSONS_MARKERS = {
    "referral that opened the case": "Opening referral words",
    "referral with the same NHS number": "Referral found by NHS number",
    "referral with the same name and birthday": "Referral found by name and birthday",
    "legal status note": "Legal status note words",
    "issue description": "Issue description words",
    "the person's own words": "I felt listened to at last",
    "activity notes": "Activity notes words",
    "activity outcome": "Activity outcome words",
    "records request": "Records request note words",
    "case note": "Case note words",
    "attachment": "consent-letter.pdf",
    "hospital notice": "Dr Fictional Clinician",
    "information given": "Nurse Fictional Informer",
    "contact notes": "Ring the ward first",
}
# The same name with a different birthday: a different person, who must not appear.
OTHER_PERSONS_MARKERS = (
    "Other person's case note",
    "Other person's referral",
    "Other person's clinician",
)


@dataclass
class Setting:
    person: Person
    case: Case
    other: Person
    manager: User
    notice: QualifyingNotice
    other_notice: QualifyingNotice
    referral_references: list[str]
    other_referral_reference: str


def small_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def setting(
    staff: dict[str, User],
    make_case: Any,
    make_referral_for_cases: Any,
    hospital: Any,
    ward: Any,
) -> Setting:
    manager, ada = staff["manager"], staff["ada"]
    opening = make_referral_for_cases(
        first_name="Rowan",
        last_name="Example",
        date_of_birth=BIRTHDAY.isoformat(),
        nhs_number=NHS_NUMBER,
        more_information=PERSONS_MARKERS["referral that opened the case"],
        contact_notes=PERSONS_MARKERS["contact notes"],
    )
    case = services.open_case_from_referral(referral=opening, actor=manager)
    person = case.client
    services.update_client(
        client=person, fields={"ethnicity": Ethnicity.WHITE_IRISH}, actor=manager
    )
    case = services.allocate_case(case=case, advocate=ada, actor=manager)
    by_nhs = make_referral_for_cases(
        first_name="Ro",
        last_name="Exampel",
        date_of_birth="1979-01-01",
        nhs_number=NHS_NUMBER,
        more_information=PERSONS_MARKERS["referral with the same NHS number"],
    )
    by_name = make_referral_for_cases(
        first_name="ROWAN",
        last_name="example",
        date_of_birth=BIRTHDAY.isoformat(),
        more_information=PERSONS_MARKERS["referral with the same name and birthday"],
    )
    other_referral = make_referral_for_cases(
        first_name="Rowan",
        last_name="Example",
        date_of_birth="1991-01-01",
        more_information=OTHER_PERSONS_MARKERS[1],
    )

    services.add_legal_status_period(
        case=case,
        fields={
            "status_code": "s3",
            "started_on": date(2026, 10, 1),
            "notes": PERSONS_MARKERS["legal status note"],
        },
        actor=ada,
    )
    issue = services.add_issue(
        case=case,
        topic="tribunal",
        description=PERSONS_MARKERS["issue description"],
        actor=ada,
    )
    services.record_outcomes(
        issue=issue,
        outcomes=[OutcomeKind.TRIBUNAL_APPLIED],
        persons_words=PERSONS_MARKERS["the person's own words"],
        status="resolved",
        actor=ada,
    )
    services.record_activity(
        case=case,
        fields={
            "kind": ActivityKind.VISIT,
            "occurs_on": date(2026, 11, 2),
            "starts_at_time": time(14, 0),
            "duration_minutes": 40,
            "notes": PERSONS_MARKERS["activity notes"],
            "outcome": PERSONS_MARKERS["activity outcome"],
        },
        actor=ada,
    )
    services.save_records_request(
        case=case,
        fields={
            "records": "Ward notes",
            "holder": "Fictional NHS Trust",
            "basis": "consent",
            "asked_on": date(2026, 11, 3),
            "status": "asked",
            "notes": PERSONS_MARKERS["records request"],
        },
        actor=ada,
    )
    services.add_note(case=case, text=PERSONS_MARKERS["case note"], actor=ada)
    services.add_attachment(
        case=case,
        upload=SimpleUploadedFile(PERSONS_MARKERS["attachment"], small_pdf()),
        description="Signed consent",
        actor=ada,
    )

    hospital_user = staff["hospital"]
    notice = hospital_services.create_notice(
        hospital=hospital,
        details=hospital_services.NoticeDetails(
            patient_name="ROWAN  EXAMPLE",
            status="s3",
            started_on=date(2026, 10, 1),
            ward=ward,
            responsible_clinician=PERSONS_MARKERS["hospital notice"],
            date_of_birth=BIRTHDAY,
        ),
        actor=hospital_user,
    )
    hospital_services.record_information(
        notice,
        details=hospital_services.InformationDetails(
            given_on=date(2026, 10, 2),
            method="both",
            given_by=PERSONS_MARKERS["information given"],
            understood="yes",
            wants_advocate="yes",
        ),
        actor=hospital_user,
    )
    other_notice = hospital_services.create_notice(
        hospital=hospital,
        details=hospital_services.NoticeDetails(
            patient_name="Rowan Example",
            status="s2",
            started_on=date(2026, 10, 5),
            ward=ward,
            responsible_clinician=OTHER_PERSONS_MARKERS[2],
            date_of_birth=date(1991, 1, 1),
        ),
        actor=hospital_user,
    )

    other_case = make_case(
        staff["sol"], first_name="Rowan", last_name="Example", date_of_birth=date(1991, 1, 1)
    )
    services.add_note(case=other_case, text=OTHER_PERSONS_MARKERS[0], actor=staff["sol"])
    return Setting(
        person=person,
        case=case,
        other=other_case.client,
        manager=manager,
        notice=notice,
        other_notice=other_notice,
        referral_references=[opening.reference, by_nhs.reference, by_name.reference],
        other_referral_reference=other_referral.reference,
    )


def collect(setting: Setting) -> dict[str, Any]:
    return subject_access.collect_subject_data(
        setting.person, produced_at=PRODUCED_AT, produced_by=setting.manager
    )


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


# --- what the export holds ---------------------------------------------------------------------


def test_the_export_holds_data_from_every_source(setting, sign_in):
    # A page view, so the audit log holds a read as well as the changes.
    assert sign_in(setting.manager).get(f"/staff/clients/{setting.person.pk}/").status_code == 200
    data = collect(setting)
    text = subject_access.subject_access_json(data).decode("utf-8")

    for source, marker in PERSONS_MARKERS.items():
        assert marker in text, f"nothing from the {source}"
    client = data["client"]
    assert (client["first_name"], client["last_name"]) == ("Rowan", "Example")
    assert client["date_of_birth"] == "1980-05-17"
    assert client["nhs_number"] == NHS_NUMBER
    assert client["ethnicity"] == {"value": "white_irish", "label": "White: Irish"}
    assert "normalised_name" not in client

    [case] = data["cases"]
    assert case["reference"] == setting.case.reference
    # Bookkeeping for the stored statutory dates, which mean nothing to the person.
    assert "deadlines_stored_until" not in case
    assert case["allocated_advocate"] == {
        "name": "Ada",
        "role": {"value": "advocate", "label": "Advocate"},
    }
    [period] = case["legal_status_periods"]
    assert period["status_code"] == "s3" and period["started_on"] == "2026-10-01"
    # The referral's answers opened two issues; the third is the advocate's.
    assert [issue["topic"]["value"] for issue in case["issues"]] == [
        "tribunal",
        "other",
        "tribunal",
    ]
    issue = case["issues"][2]
    [outcome] = issue["outcomes"]
    assert outcome["outcome"] == {"value": "tribunal_applied", "label": "Applied to the tribunal"}
    assert outcome["persons_words"] == PERSONS_MARKERS["the person's own words"]
    [activity] = case["activities"]
    assert (activity["starts_at_time"], activity["duration_minutes"]) == ("14:00:00", 40)
    assert case["records_requests"][0]["holder"] == "Fictional NHS Trust"
    [attachment] = case["attachments"]
    assert attachment["size_bytes"] == len(small_pdf())
    assert attachment["kind"] == {"value": "pdf", "label": "PDF"}
    assert "file" not in attachment  # the stored file's path stays private

    references = [referral["reference"] for referral in data["referrals"]]
    assert sorted(references) == sorted(setting.referral_references)
    reasons = {referral["reference"]: referral["found_because"] for referral in data["referrals"]}
    assert reasons[setting.referral_references[0]][0] == f"Opened case {setting.case.reference}"
    assert reasons[setting.referral_references[1]] == ["Same NHS number"]
    assert reasons[setting.referral_references[2]] == ["Same name and date of birth"]
    assert "submission_token" not in data["referrals"][0]

    [notice] = data["hospital_records"]
    assert notice["id"] == setting.notice.pk
    assert notice["found_because"] == ["Same name and date of birth"]
    assert [change["status"] for change in notice["status_history"]] == ["s3"]
    [told] = notice["information_given"]
    assert told["method"] == {"value": "both", "label": "Told verbally and given in writing"}
    assert told["written_information_file"].endswith(".pdf")

    files = {item["name"] for item in data["files_to_add"]}
    assert PERSONS_MARKERS["attachment"] in files
    assert told["written_information_file"] in files

    logged = {(entry["record"]["type"], entry["action"]["value"]) for entry in data["audit_log"]}
    assert {
        ("client", "view"),
        ("client", "update"),
        ("case", "create"),
        ("legal_status_period", "create"),
        ("case_issue", "update"),
        ("activity", "create"),
        ("records_request", "create"),
        ("case_note", "create"),
        ("attachment", "create"),
        ("referral", "create"),
        ("qualifying_notice", "create"),
        ("duty_to_inform_entry", "create"),
    } <= logged
    viewed = next(entry for entry in data["audit_log"] if entry["action"]["value"] == "view")
    assert viewed["by"]["role"] == {"value": "manager", "label": "Manager"}
    assert "ip_address" not in viewed and "entry_hash" not in viewed


def test_nothing_about_another_person_with_the_same_name(setting):
    data = collect(setting)
    text = subject_access.subject_access_json(data).decode("utf-8")
    for marker in OTHER_PERSONS_MARKERS:
        assert marker not in text
    assert setting.other_referral_reference not in text
    assert setting.other_notice.pk not in [notice["id"] for notice in data["hospital_records"]]
    other_cases = {str(case.pk) for case in setting.other.cases.all()}
    for entry in data["audit_log"]:
        record = entry["record"]
        assert not (record["type"] == "client" and record["id"] == str(setting.other.pk))
        assert not (record["type"] == "case" and record["id"] in other_cases)


def test_json_is_valid_and_the_same_every_time(setting):
    first = subject_access.subject_access_json(collect(setting))
    second = subject_access.subject_access_json(collect(setting))
    assert first == second
    parsed = json.loads(first)
    assert parsed["export"]["produced_at"] == "2026-11-25T10:30:00+00:00"
    assert parsed["export"]["client_id"] == setting.person.pk
    ids = [entry["id"] for entry in parsed["audit_log"]]
    assert ids == sorted(ids)
    # Collecting is read-only: nothing is logged until the export is handed over.
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_pdf_summary_opens_and_has_the_name_and_every_section(setting):
    content = subject_access.subject_access_pdf(collect(setting))
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) >= 3
    text = pdf_text(content)
    assert "Rowan Example" in text
    for heading in (
        subject_access.SECTION_DETAILS,
        subject_access.SECTION_EQUALITY,
        subject_access.SECTION_CASES,
        subject_access.SECTION_REFERRALS,
        subject_access.SECTION_HOSPITAL,
        subject_access.SECTION_FILES,
        subject_access.SECTION_AUDIT,
        subject_access.SECTION_ABOUT,
    ):
        assert heading in text, heading
    assert "complete record" in text
    assert f"subject-access-{setting.person.pk}.json" in text
    assert PERSONS_MARKERS["the person's own words"] in text
    # Each top-level section is a bookmark, so screen readers and viewers can jump to it.
    titles = {item.title for item in reader.outline if not isinstance(item, list)}
    assert subject_access.SECTION_AUDIT in titles


def test_an_anonymised_client_still_exports_what_is_left(setting, settings):
    services.close_case(
        case=setting.case, reason="work_complete", note="Went home", actor=setting.manager
    )
    assert retention.anonymise_client(setting.person, timezone.now())
    data = collect(setting)
    assert data["export"]["anonymised"] is True
    assert data["export"]["notes"][0].startswith("The person's identifying details")
    assert data["client"]["first_name"] == "Anonymised"
    assert data["client"]["ethnicity"]["value"] == "white_irish"
    [case] = data["cases"]
    assert case["notes"][0]["text"] == ""
    assert case["attachments"] == []
    # The referral that opened the case is still linked; the name-matched ones cannot be.
    assert [r["reference"] for r in data["referrals"]] == [setting.referral_references[0]]
    assert "name removed" in pdf_text(subject_access.subject_access_pdf(data))


# --- the page -------------------------------------------------------------------------------


def url(person: Person) -> str:
    return f"/staff/clients/{person.pk}/subject-access/"


def test_manager_sees_the_link_and_the_confirmation_page(setting, sign_in):
    client = sign_in(setting.manager)
    detail = client.get(f"/staff/clients/{setting.person.pk}/")
    assert "Export everything we hold (subject access request)" in detail.content.decode()
    page = client.get(url(setting.person))
    assert page.status_code == 200
    body = page.content.decode()
    assert "recorded in the audit log" in body
    assert f"subject-access-{setting.person.pk}.json" in body
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_link_is_for_managers_only(setting, sign_in, staff):
    detail = sign_in(staff["ada"]).get(f"/staff/clients/{setting.person.pk}/")
    assert detail.status_code == 200
    assert "subject access request" not in detail.content.decode()


def test_posting_downloads_a_zip_and_records_the_export(setting, sign_in):
    response = sign_in(setting.manager).post(url(setting.person))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == (
        f'attachment; filename="subject-access-{setting.person.pk}.zip"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    json_name = f"subject-access-{setting.person.pk}.json"
    pdf_name = f"subject-access-{setting.person.pk}.pdf"
    assert sorted(archive.namelist()) == sorted([json_name, pdf_name])
    data = json.loads(archive.read(json_name))
    assert data["client"]["first_name"] == "Rowan"
    assert data["export"]["produced_by"]["role"]["value"] == "manager"
    assert "Rowan Example" in pdf_text(archive.read(pdf_name))

    [entry] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert (entry.object_type, entry.object_id) == ("client", str(setting.person.pk))
    assert entry.actor_id == setting.manager.pk
    assert "Rowan" not in entry.summary and "Example" not in entry.summary
    assert list(find_chain_problems()) == []


@pytest.mark.parametrize("who", ["ada", "intake", "hospital", "commissioner", "administrator"])
def test_other_roles_are_refused(setting, sign_in, staff, who):
    client = sign_in(staff[who])
    assert client.get(url(setting.person)).status_code == 403
    assert client.post(url(setting.person)).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_unknown_or_invisible_client_is_not_found(setting, sign_in):
    client = sign_in(setting.manager)
    assert client.get("/staff/clients/999999/subject-access/").status_code == 404
    assert client.post("/staff/clients/999999/subject-access/").status_code == 404
    # With no case, nobody can see the client through the case selectors.
    no_case = Person.objects.create(first_name="No", last_name="Case")
    assert client.post(url(no_case)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- the command ----------------------------------------------------------------------------


def test_command_writes_both_files_and_records_the_export(setting, tmp_path: Path):
    out = io.StringIO()
    call_command(
        "export_subject_access", client=setting.person.pk, output=str(tmp_path), stdout=out
    )
    json_file = tmp_path / f"subject-access-{setting.person.pk}.json"
    pdf_file = tmp_path / f"subject-access-{setting.person.pk}.pdf"
    assert json.loads(json_file.read_text())["client"]["last_name"] == "Example"
    assert pdf_file.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(json_file.stat().st_mode) == 0o600
    assert "recorded in the audit log" in out.getvalue()
    [entry] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert entry.actor_id is None and entry.object_id == str(setting.person.pk)
    assert "command line" in entry.summary


def test_command_records_the_named_member_of_staff(setting, tmp_path: Path):
    call_command(
        "export_subject_access",
        "--client",
        str(setting.person.pk),
        "--output",
        str(tmp_path),
        "--actor",
        "manager",
        stdout=io.StringIO(),
    )
    [entry] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert entry.actor_id == setting.manager.pk
    data = json.loads((tmp_path / f"subject-access-{setting.person.pk}.json").read_text())
    assert data["export"]["produced_by"]["role"]["value"] == Role.MANAGER


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"client": 999999}, "There is no client with ID 999999"),
        ({"output": "/no/such/folder"}, "does not exist"),
        ({"actor": "nobody"}, "no active account called nobody"),
    ],
)
def test_command_errors_are_clear(setting, tmp_path: Path, arguments, message):
    options = {"client": setting.person.pk, "output": str(tmp_path), **arguments}
    with pytest.raises(CommandError, match=message):
        call_command("export_subject_access", stdout=io.StringIO(), **options)
    assert list(tmp_path.iterdir()) == []
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_command_leaves_no_files_when_the_export_cannot_be_recorded(
    setting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(subject_access, "record_export", broken)
    with pytest.raises(RuntimeError):
        call_command(
            "export_subject_access",
            client=setting.person.pk,
            output=str(tmp_path),
            stdout=io.StringIO(),
        )
    assert list(tmp_path.iterdir()) == []


def test_pdf_falls_back_to_core_fonts_without_dejavu(
    setting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(subject_access, "UNICODE_FONT", tmp_path / "missing.ttf")
    Person.objects.filter(pk=setting.person.pk).update(first_name="Łucja")
    text = pdf_text(subject_access.subject_access_pdf(collect(setting)))
    # Outside Latin-1, so the core font shows a stand-in rather than failing.
    assert "?ucja Example" in text
    assert subject_access.SECTION_AUDIT in text


def test_the_treatment_question_is_named_in_plain_words():
    # The PDF summary names each field; a raw field name would mean nothing to the person.
    assert subject_access._label("treatment_considered") == "Treatment doctors are considering"
