from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imha.audit.models import AuditEvent
from imha.hospitals import importing
from imha.hospitals.models import QualifyingNotice, Ward

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 1)
HEADER = (
    "patient_name,hospital_number,nhs_number,date_of_birth,status,start_date,ward,"
    "responsible_clinician"
)


def upload(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("patients.csv", text.encode(encoding), content_type="text/csv")


def run(hospital, user, text, **kwargs):
    return importing.import_notices(
        hospital=hospital, upload=upload(text, **kwargs), actor=user, today=TODAY
    )


def test_good_rows_are_imported_and_bad_rows_reported_by_row_and_column(
    hospital, ward, hospital_user
):
    Ward.objects.create(hospital=hospital, name="Closed Ward", is_active=False)
    csv_text = "\n".join(
        [
            HEADER,
            # row 2: good
            "Sam Sample,FM1,943 476 5919,01/02/1990,s3,14/03/2026,Heather Ward,Dr Example",
            "Alex Example,FM2,,,section 2,2026-03-30,heather ward,Dr Example",  # 3 good
            "Bad Status,FM3,,,s99,14/03/2026,Heather Ward,Dr Example",  # 4
            "Bad Date,FM4,,,s3,31/02/2026,Heather Ward,Dr Example",  # 5
            "No Ward,FM5,,,s3,14/03/2026,Nowhere Ward,Dr Example",  # 6
            ",FM6,1234567890,,s3,14/03/2026,Heather Ward,",  # 7: three problems
            "Future,FM7,,,s3,01/05/2026,Closed Ward,Dr Example",  # 8: two problems
            "",  # a blank line is skipped, not an error
            "Twin,FM1,,,s3,14/03/2026,Heather Ward,Dr Example",  # 10: same number as row 2
        ]
    )
    result = run(hospital, hospital_user, csv_text)

    assert sorted(n.patient_name for n in result.imported) == ["Alex Example", "Sam Sample"]
    assert set(QualifyingNotice.objects.values_list("patient_name", flat=True)) == {
        "Sam Sample",
        "Alex Example",
    }
    problems = {(p.row, p.column) for p in result.problems}
    assert problems == {
        (4, "status"),
        (5, "start_date"),
        (6, "ward"),
        (7, "patient_name"),
        (7, "nhs_number"),
        (7, "responsible_clinician"),
        (8, "start_date"),
        (8, "ward"),
        (10, "hospital_number"),
    }
    messages = {(p.row, p.column): p.message for p in result.problems}
    assert "s99" in messages[(4, "status")]
    assert messages[(5, "start_date")] == "Start date must be a real date, like 27/3/2026"
    assert messages[(6, "ward")] == "There is no ward called 'Nowhere Ward' at this hospital"
    assert messages[(8, "start_date")] == "Start date must be today or in the past"
    assert messages[(10, "hospital_number")] == "Same as row 2: each patient once"
    assert result.rows_with_problems == 6
    sam = QualifyingNotice.objects.get(patient_name="Sam Sample")
    assert (sam.nhs_number, sam.date_of_birth, sam.status) == ("9434765919", date(1990, 2, 1), "s3")
    assert AuditEvent.objects.filter(object_type="notice_import").count() == 1
    assert AuditEvent.objects.filter(object_type="qualifying_notice").count() == 2


def test_uploading_the_same_file_again_adds_nobody(hospital, ward, hospital_user):
    csv_text = HEADER + "\nSam Sample,FM1,,,s3,14/03/2026,Heather Ward,Dr Example\n"
    run(hospital, hospital_user, csv_text)
    again = run(hospital, hospital_user, csv_text)
    assert again.imported == []
    assert [(p.row, p.column) for p in again.problems] == [(2, "hospital_number")]
    assert QualifyingNotice.objects.count() == 1


def test_a_byte_order_mark_and_windows_line_endings_are_fine(hospital, ward, hospital_user):
    csv_text = (
        "\ufeff" + HEADER + "\r\nSiobhán Ó Dónaill,FM1,,,s3,14/03/2026,Heather Ward,Dr Example\r\n"
    )
    result = run(hospital, hospital_user, csv_text)
    assert [n.patient_name for n in result.imported] == ["Siobhán Ó Dónaill"]


def test_a_file_that_is_not_utf8_is_refused_whole(hospital, ward, hospital_user):
    csv_text = HEADER + "\nSiobhán,FM1,,,s3,14/03/2026,Heather Ward,Dr Example\n"
    with pytest.raises(importing.ImportFileError, match="UTF-8"):
        run(hospital, hospital_user, csv_text, encoding="cp1252")
    assert not QualifyingNotice.objects.exists()


def test_missing_and_misspelt_columns_are_named(hospital, ward, hospital_user):
    with pytest.raises(importing.ImportFileError) as caught:
        run(hospital, hospital_user, "Patient Name,Status,Start Date,Wardd\nSam,s3,14/03/2026,x\n")
    message = str(caught.value)
    assert "missing: ward, responsible_clinician" in message
    assert "'Wardd'" in message


def test_an_oversized_file_is_refused(hospital, ward, hospital_user):
    big = HEADER + "\n" + ("x" * 1024 + "\n") * 1100
    with pytest.raises(importing.ImportFileError, match="1 MB"):
        run(hospital, hospital_user, big)


def test_a_header_with_no_rows_is_refused(hospital, ward, hospital_user):
    with pytest.raises(importing.ImportFileError, match="no patients"):
        run(hospital, hospital_user, HEADER + "\n\n")


def test_the_template_has_every_column_and_passes_its_own_header_check(hospital, hospital_user):
    Ward.objects.create(hospital=hospital, name="Heather Ward")
    template = importing.template_csv()
    assert template.splitlines()[0] == ",".join(importing.ALL_COLUMNS)
    result = run(hospital, hospital_user, template)
    assert [n.patient_name for n in result.imported] == ["Sam Sample"]
