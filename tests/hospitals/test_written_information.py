from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from imha.hospitals import services
from imha.hospitals.models import InformationMethod, WrittenInformationTemplate
from imha.hospitals.written_information import fill_placeholders

pytestmark = pytest.mark.django_db


def give_in_writing(notice, large_print=False, method=InformationMethod.WRITTEN):
    return services.record_information(
        notice,
        details=services.InformationDetails(
            given_on=date(2026, 3, 3),
            method=method,
            given_by="Pat Nurse, staff nurse",
            understood="yes",
            wants_advocate="yes",
            large_print=large_print,
        ),
        actor=notice.created_by,
    )


def pdf_text(entry) -> str:
    with entry.written_information.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def body_font_sizes(entry) -> set[float]:
    sizes: set[float] = set()
    with entry.written_information.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            sizes.add(round(font_size, 1))

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_written_information_names_the_patient_and_their_status(make_notice, settings):
    notice = make_notice(status="s3", patient_name="Zoë Ó Sample")
    entry = give_in_writing(notice)
    assert entry.written_information.name.endswith(".pdf")
    assert "Zoë" not in entry.written_information.name  # file names carry no patient details
    text = " ".join(pdf_text(entry).split())
    assert "Zoë Ó Sample" in text
    assert "Admission for treatment (s3)" in text
    assert settings.IMHA_SERVICE["phone"] in text
    assert "{" not in text  # every placeholder filled


def test_community_treatment_order_gets_its_own_wording(make_notice):
    entry = give_in_writing(make_notice(status="cto"))
    assert "community treatment order" in " ".join(pdf_text(entry).split())


def test_large_print_uses_a_bigger_font(make_notice):
    notice = make_notice(status="s3")
    standard = give_in_writing(notice)
    large = give_in_writing(notice, large_print=True)
    assert large.large_print and not standard.large_print
    assert min(body_font_sizes(large)) >= 16
    assert min(body_font_sizes(large)) > max(
        size for size in body_font_sizes(standard) if size <= 12
    )


def test_verbal_only_makes_no_pdf(make_notice):
    entry = give_in_writing(make_notice(), method=InformationMethod.VERBAL)
    assert not entry.written_information


def test_the_services_edited_wording_is_used(make_notice):
    template = WrittenInformationTemplate.objects.get(name="Detained patients")
    template.body = "Hello {patient_name}. Edited by the service for {section_code}."
    template.save()
    entry = give_in_writing(make_notice(status="s2", patient_name="Sam Sample"))
    assert "Hello Sam Sample. Edited by the service for s2." in pdf_text(entry)


def test_without_any_templates_the_shipped_wording_is_used(make_notice):
    WrittenInformationTemplate.objects.all().delete()
    entry = give_in_writing(make_notice(status="s37/41"))
    assert "What an IMHA does" in pdf_text(entry)


def test_template_validation_rejects_unknown_placeholders_and_statuses():
    template = WrittenInformationTemplate(
        name="Bad", status_codes="s3, s999", title="Hi {patient}", body="Hello {patient_name}"
    )
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert set(caught.value.message_dict) == {"status_codes", "title"}


def test_template_validation_tidies_status_codes():
    template = WrittenInformationTemplate(
        name="Tidy", status_codes="section 3, 37/41 ,CTO", title="T", body="B"
    )
    template.full_clean()
    assert template.status_codes == "s3, s37/41, s17a"


def test_placeholders_cannot_reach_into_python_objects():
    assert fill_placeholders("{patient_name.__class__}", {"patient_name": "Sam"}) == (
        "{patient_name.__class__}"
    )


def test_without_the_unicode_font_the_pdf_still_renders(make_notice, monkeypatch, tmp_path):
    from imha.hospitals import written_information

    monkeypatch.setattr(written_information, "UNICODE_FONT", tmp_path / "missing.ttf")
    entry = give_in_writing(make_notice(patient_name="Łucja Sample"))
    # The core PDF fonts only cover Latin-1, so the one letter outside it is replaced.
    assert "?ucja Sample" in pdf_text(entry)
