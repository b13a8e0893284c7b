from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.audit.models import AuditAction, AuditEvent
from imha.hospitals import selectors, services
from imha.hospitals.models import InformationMethod, QualifyingNotice, Ward
from tests.hospitals.conftest import signed_in_client

pytestmark = pytest.mark.django_db

HOSPITAL_PAGES = [
    "/hospital/",
    "/hospital/notices/",
    "/hospital/notices/new/",
    "/hospital/notices/import/",
    "/hospital/notices/import/template.csv",
]


def notice_urls(notice_id: int, entry_id: int) -> list[str]:
    return [
        f"/hospital/notices/{notice_id}/",
        f"/hospital/notices/{notice_id}/information/new/",
        f"/hospital/notices/{notice_id}/information/{entry_id}/written-information.pdf",
        f"/hospital/notices/{notice_id}/status/",
        f"/hospital/notices/{notice_id}/discharge/",
    ]


def written_entry(notice):
    return services.record_information(
        notice,
        details=services.InformationDetails(
            given_on=notice.status_started_on,
            method=InformationMethod.BOTH,
            given_by="Pat Nurse",
            understood="yes",
            wants_advocate="yes",
        ),
        actor=notice.created_by,
    )


@pytest.fixture
def theirs(make_notice, other_hospital, other_ward, other_hospital_user):
    """A notice, with written information, at a hospital the signed-in user does not work at."""
    notice = make_notice(
        patient_name="Other Hospital Patient",
        in_hospital=other_hospital,
        in_ward=other_ward,
        actor=other_hospital_user,
    )
    return notice, written_entry(notice)


class TestScoping:
    def test_another_hospitals_notice_is_not_found_at_any_url(self, hospital_client, theirs):
        notice, entry = theirs
        for url in notice_urls(notice.pk, entry.pk):
            assert hospital_client.get(url).status_code == 404, url
            assert hospital_client.post(url, {}).status_code in (404, 405), url
        # Nothing about the other patient is recorded as viewed, nothing changed.
        assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()
        assert notice.status_changes.count() == 1

    def test_mixing_own_notice_with_anothers_entry_is_not_found(
        self, hospital_client, make_notice, theirs
    ):
        mine = make_notice()
        _, their_entry = theirs
        url = f"/hospital/notices/{mine.pk}/information/{their_entry.pk}/written-information.pdf"
        assert hospital_client.get(url).status_code == 404

    def test_lists_and_dashboard_show_only_own_hospital(self, hospital_client, make_notice, theirs):
        make_notice(patient_name="Sam Sample", started_on=timezone.localdate() - timedelta(5))
        for url in ["/hospital/", "/hospital/notices/?show=all"]:
            page = hospital_client.get(url).content.decode()
            assert "Sam Sample" in page, url
            assert "Other Hospital Patient" not in page, url
            assert "Oak Ward" not in page, url

    def test_own_notice_is_shown_and_the_view_is_audited(self, hospital_client, make_notice):
        notice = make_notice(patient_name="Sam Sample")
        response = hospital_client.get(f"/hospital/notices/{notice.pk}/")
        assert response.status_code == 200
        assert "Sam Sample" in response.content.decode()
        assert "Qualifies for an IMHA" in response.content.decode()
        assert (
            AuditEvent.objects.filter(
                action=AuditAction.VIEW, object_type="qualifying_notice", object_id=str(notice.pk)
            ).count()
            == 1
        )

    def test_selectors_give_service_staff_no_patient_records(self, make_notice, make_user):
        make_notice()
        manager = make_user(Role.MANAGER)
        assert not selectors.notices_visible_to(manager).exists()


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADVOCATE, Role.INTAKE])
def test_service_staff_see_the_compliance_view_but_not_hospital_pages(verified_client, role):
    client = verified_client(role)
    assert client.get("/staff/hospitals/").status_code == 200
    for url in HOSPITAL_PAGES:
        assert client.get(url).status_code == 403, url


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR, Role.HOSPITAL])
def test_other_roles_are_kept_out_of_the_compliance_view(verified_client, role, hospital):
    client = verified_client(role)
    assert client.get("/staff/hospitals/").status_code == 403
    assert client.get(f"/staff/hospitals/{hospital.code}/").status_code == 403


def test_commissioners_cannot_reach_hospital_pages(verified_client):
    client = verified_client(Role.COMMISSIONER)
    for url in HOSPITAL_PAGES:
        assert client.get(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(client):
    for url in [*HOSPITAL_PAGES, "/staff/hospitals/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], url


def test_creating_a_notice_through_the_form(hospital_client, ward):
    response = hospital_client.post(
        "/hospital/notices/new/",
        {
            "patient_name": "Sam Sample",
            "nhs_number": "943 476 5919",
            "status": "s3",
            "started_on": "2/3/2026",
            "ward": ward.pk,
            "responsible_clinician": "Dr Example",
        },
    )
    notice = QualifyingNotice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/hospital/notices/{notice.pk}/"
    assert (notice.status, notice.status_started_on, notice.nhs_number) == (
        "s3",
        date(2026, 3, 2),
        "9434765919",
    )


def test_form_errors_keep_what_was_typed(hospital_client, ward, other_ward):
    response = hospital_client.post(
        "/hospital/notices/new/",
        {
            "patient_name": "Sam Sample",
            "status": "s3",
            "started_on": "31/2/2026",
            "ward": other_ward.pk,
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error: Record a patient" in page
    assert "Start date must be a real date" in page
    assert "Choose a ward" in page  # another hospital's ward is not a choice
    assert "Enter the responsible clinician" in page
    assert 'value="Sam Sample"' in page
    assert not QualifyingNotice.objects.exists()


def test_the_opt_out_box_appears_only_with_automatic_referral(hospital_client, hospital):
    assert "declined_referral" not in hospital_client.get("/hospital/notices/new/").content.decode()
    hospital.automatic_referral_enabled = True
    hospital.save()
    assert "declined_referral" in hospital_client.get("/hospital/notices/new/").content.decode()


def test_recording_information_in_writing_and_downloading_it(hospital_client, make_notice):
    notice = make_notice(started_on=date(2026, 3, 2))
    response = hospital_client.post(
        f"/hospital/notices/{notice.pk}/information/new/",
        {
            "given_on": "02/03/2026",
            "method": "both",
            "given_by": "Pat Nurse, staff nurse",
            "understood": "partly",
            "wants_advocate": "yes",
            "large_print": "on",
        },
    )
    assert response.status_code == 302
    entry = notice.information_log.get()
    assert entry.large_print and entry.written_information
    download = hospital_client.get(
        f"/hospital/notices/{notice.pk}/information/{entry.pk}/written-information.pdf"
    )
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "no-store"
    assert download.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT, object_type="duty_to_inform_entry"
    ).exists()


def test_written_information_is_not_under_a_public_url(hospital_client, make_notice, settings):
    entry = written_entry(make_notice())
    assert not entry.written_information.name.startswith("/")
    assert hospital_client.get("/media/" + entry.written_information.name).status_code == 404


def test_status_change_and_discharge_through_the_pages(hospital_client, make_notice):
    notice = make_notice(status="s2", started_on=date(2026, 3, 2))
    early = hospital_client.post(
        f"/hospital/notices/{notice.pk}/status/", {"status": "s3", "started_on": "1/3/2026"}
    )
    assert early.status_code == 400
    assert "cannot start before the current one" in early.content.decode()
    ok = hospital_client.post(
        f"/hospital/notices/{notice.pk}/status/", {"status": "s3", "started_on": "20/3/2026"}
    )
    assert ok.status_code == 302
    hospital_client.post(
        f"/hospital/notices/{notice.pk}/discharge/", {"discharged_on": "25/3/2026"}
    )
    notice.refresh_from_db()
    assert (notice.status, notice.discharged_on, notice.next_reminder_on) == (
        "s3",
        date(2026, 3, 25),
        None,
    )


def test_import_page_reports_rows_and_template_downloads(hospital_client, ward):
    template = hospital_client.get("/hospital/notices/import/template.csv")
    assert template["Content-Disposition"].startswith("attachment;")
    csv_text = (
        "patient_name,status,start_date,ward,responsible_clinician\n"
        "Sam Sample,s3,14/03/2026,Heather Ward,Dr Example\n"
        "Bad Row,s3,14/03/2026,Nowhere,Dr Example\n"
    )
    response = hospital_client.post(
        "/hospital/notices/import/",
        {"file": SimpleUploadedFile("p.csv", csv_text.encode(), content_type="text/csv")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 patient imported." in page
    assert "There is no ward called &#x27;Nowhere&#x27; at this hospital" in page
    bad = hospital_client.post(
        "/hospital/notices/import/",
        {"file": SimpleUploadedFile("p.csv", b"name\nSam\n", content_type="text/csv")},
    )
    assert bad.status_code == 400
    assert "These columns are missing" in bad.content.decode()


def make_many(make_notice, hospital, count: int) -> None:
    today = timezone.localdate()
    wards = [Ward.objects.create(hospital=hospital, name=f"Ward {n}") for n in range(count)]
    for number, ward in enumerate(wards):
        make_notice(
            patient_name=f"Patient {number}", in_ward=ward, started_on=today - timedelta(40)
        )
        make_notice(patient_name=f"New {number}", in_ward=ward, started_on=today - timedelta(3))


@pytest.mark.usefixtures("pages_worked_out")
def test_dashboard_query_count_does_not_grow_with_wards_or_patients(
    hospital_client, make_notice, hospital, ward, django_assert_max_num_queries
):
    make_notice(started_on=timezone.localdate() - timedelta(40))
    with CaptureQueriesContext(connection) as small:
        hospital_client.get("/hospital/")
    make_many(make_notice, hospital, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = hospital_client.get("/hospital/")
    assert "Patient 5" in response.content.decode()


@pytest.mark.usefixtures("pages_worked_out")
def test_compliance_view_counts_in_the_database(
    verified_client,
    make_notice,
    hospital,
    other_hospital,
    other_ward,
    other_hospital_user,
    django_assert_max_num_queries,
):
    today = timezone.localdate()
    on_time = make_notice(patient_name="On Time", started_on=today - timedelta(20))
    written_entry(on_time)
    make_notice(patient_name="Never Told", started_on=today - timedelta(20))
    make_notice(
        in_hospital=other_hospital,
        in_ward=other_ward,
        actor=other_hospital_user,
        started_on=today - timedelta(20),
    )
    rows = {row.code: row for row in selectors.compliance_by_hospital(today)}
    ours = rows[hospital.code]
    assert (ours.qualifying_now, ours.deadline_reached, ours.told_verbally_in_time) == (2, 2, 1)
    assert (ours.verbal_percent, ours.written_percent) == (50, 50)
    assert ours.first_information_overdue == 1
    assert rows[other_hospital.code].verbal_percent == 0

    client = verified_client(Role.MANAGER)
    with CaptureQueriesContext(connection) as few:
        client.get("/staff/hospitals/")
    make_many(make_notice, hospital, 4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/staff/hospitals/").content.decode()
    assert "On Time" not in page and "Never Told" not in page
    wards_page = client.get(f"/staff/hospitals/{hospital.code}/").content.decode()
    assert "Heather Ward" in wards_page and "On Time" not in wards_page


def test_a_deactivated_hospital_user_is_refused(hospital_user, make_notice):
    client = signed_in_client(hospital_user)
    notice = make_notice()
    User.objects.filter(pk=hospital_user.pk).update(is_active=False)
    response = client.get(f"/hospital/notices/{notice.pk}/")
    # Django signs out inactive users on their next request, so this is a trip to sign in.
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


def test_a_discharged_patients_status_cannot_change(hospital_client, make_notice, hospital_user):
    notice = make_notice(status="s2", started_on=date(2026, 3, 2))
    services.record_discharge(notice, discharged_on=date(2026, 3, 10), actor=hospital_user)
    response = hospital_client.post(
        f"/hospital/notices/{notice.pk}/status/", {"status": "s3", "started_on": "20/3/2026"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "s2"
