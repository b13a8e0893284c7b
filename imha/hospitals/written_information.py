"""The written information about IMHAs given to a patient, as a PDF.

The wording comes from `WrittenInformationTemplate` rows the service maintains; this module
fills in the placeholders and lays the text out. Large print uses 18 point body text, the
size RNIB suggests as a starting point for large print; the standard version uses 12 point.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from imha.hospitals.default_templates import DEFAULT_TEMPLATES
from imha.hospitals.models import PLACEHOLDERS, QualifyingNotice, WrittenInformationTemplate

# fpdf2 hands font subsetting to fontTools, which logs every glyph at INFO; the site logs
# at INFO, so without this each PDF would write dozens of lines of noise.
logging.getLogger("fontTools").setLevel(logging.WARNING)

PLACEHOLDER_PATTERN = re.compile(r"\{(\w+)\}")

# Point sizes: (body, heading, title).
STANDARD_SIZES = (12, 14, 18)
LARGE_PRINT_SIZES = (18, 21, 26)

# A Unicode font keeps names such as "Łucja" or "Siobhán Ó Dónaill" intact. The core PDF
# fonts only cover Latin-1, so they are the fallback when the font files are missing.
UNICODE_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
UNICODE_FONT = UNICODE_FONT_DIR / "DejaVuSans.ttf"
UNICODE_FONT_BOLD = UNICODE_FONT_DIR / "DejaVuSans-Bold.ttf"


@dataclass(frozen=True)
class WrittenText:
    title: str
    body: str


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER_PATTERN.findall(text) if name not in PLACEHOLDERS})


def fill_placeholders(text: str, values: Mapping[str, str]) -> str:
    # A plain substitution rather than str.format: the text is edited in the admin, and
    # format() would let "{patient_name.__class__}" reach into Python objects.
    return PLACEHOLDER_PATTERN.sub(lambda match: values.get(match.group(1), match.group(0)), text)


def template_for_status(status: str) -> WrittenText:
    """The service's wording for this status: a template naming it, else the general one."""
    templates = list(WrittenInformationTemplate.objects.filter(is_active=True).order_by("id"))
    for template in templates:
        if status in template.codes:
            return WrittenText(template.title, template.body)
    for template in templates:
        if not template.codes:
            return WrittenText(template.title, template.body)
    for default in DEFAULT_TEMPLATES:
        if status in [code.strip() for code in default.status_codes.split(",")]:
            return WrittenText(default.title, default.body)
    general = DEFAULT_TEMPLATES[-1]
    return WrittenText(general.title, general.body)


def placeholder_values(notice: QualifyingNotice) -> dict[str, str]:
    service = settings.IMHA_SERVICE
    return {
        "patient_name": notice.patient_name,
        "section_title": notice.status_title,
        "section_code": notice.status,
        "hospital_name": notice.hospital.name,
        "duty_holder": notice.duty_holder,
        "service_name": str(service["name"]),
        "service_phone": str(service["phone"]),
        "service_textphone": str(service["textphone"]),
        "service_email": str(service["email"]),
        "service_address": str(service["address"]),
        "service_opening_hours": str(service["opening_hours"]),
    }


def written_text_for(notice: QualifyingNotice) -> WrittenText:
    template = template_for_status(notice.status)
    values = placeholder_values(notice)
    return WrittenText(
        fill_placeholders(template.title, values), fill_placeholders(template.body, values)
    )


class _Leaflet(FPDF):
    footer_text = ""
    footer_size = 10

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font(size=self.footer_size)
        self.cell(0, 8, f"{self.footer_text}. Page {self.page_no()} of {{nb}}", align="C")


def render_pdf(text: WrittenText, *, large_print: bool, service_name: str) -> bytes:
    body_size, heading_size, title_size = LARGE_PRINT_SIZES if large_print else STANDARD_SIZES
    pdf = _Leaflet(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=22)
    family = _choose_font(pdf)
    pdf.footer_text = service_name
    # Large print keeps even the footer at 16 point or more.
    pdf.footer_size = 16 if large_print else 10
    pdf.set_title(text.title)
    pdf.set_author(service_name)
    pdf.set_creator(service_name)
    pdf.set_lang("en-GB")
    pdf.add_page()

    def write(value: str, size: int, bold: bool = False, indent: str = "") -> None:
        pdf.set_font(family, "B" if bold else "", size)
        value = value if family != "helvetica" else _latin1(value)
        # Left-aligned: justified text leaves uneven gaps that are harder to read.
        pdf.multi_cell(
            0, size * 0.55, indent + value, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        pdf.ln(size * 0.3)

    write(text.title, title_size, bold=True)
    for block in re.split(r"\n\s*\n", text.body.strip()):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        if lines[0].startswith("## "):
            pdf.ln(body_size * 0.2)
            write(lines[0][3:], heading_size, bold=True)
            lines = lines[1:]
        if lines and all(line.startswith("- ") for line in lines):
            for line in lines:
                write(line[2:], body_size, indent="\u2022 " if family != "helvetica" else "- ")
        elif lines:
            write(" ".join(lines), body_size)
    return bytes(pdf.output())


def _choose_font(pdf: FPDF) -> str:
    if UNICODE_FONT.exists() and UNICODE_FONT_BOLD.exists():
        pdf.add_font("dejavu", "", str(UNICODE_FONT))
        pdf.add_font("dejavu", "B", str(UNICODE_FONT_BOLD))
        pdf.set_font("dejavu", size=12)
        return "dejavu"
    pdf.set_font("helvetica", size=12)
    return "helvetica"


def _latin1(value: str) -> str:
    return value.encode("latin-1", "replace").decode("latin-1")
