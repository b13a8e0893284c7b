"""The quarterly return as CSV and as an Excel workbook.

Both are written from the same rows as each other and from the same `QuarterlyReturn` as
the page, so a suppressed figure is suppressed everywhere. Any text that a spreadsheet
program could take for a formula (starting with =, +, -, @, a tab or a carriage return) is
prefixed with an apostrophe, because hospital names and labels are typed by people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from imha.reports.definitions import DEFINITIONS
from imha.reports.figures import Breakdown, QuarterlyReturn
from imha.reports.periods import LONDON

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
Value = int | float | str


@dataclass(frozen=True)
class ExportRow:
    section: str
    measure: str
    value: Value


def safe_cell(value: Value) -> Value:
    """Numbers pass through; text that could run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def export_rows(report: QuarterlyReturn) -> Iterator[ExportRow]:
    about = "About this return"
    yield ExportRow(about, "Period", report.period.label)
    yield ExportRow(about, "First day", report.period.first_day.isoformat())
    yield ExportRow(about, "Last day", report.period.last_day.isoformat())
    yield ExportRow(about, "Area", report.area_label)
    produced = timezone.localtime(report.generated_at, LONDON)
    yield ExportRow(about, "Produced", produced.strftime("%Y-%m-%d %H:%M"))
    yield ExportRow(
        about,
        "Figures",
        "Small numbers suppressed: <5 is 1 to 4, [c] is hidden so a <5 cannot be worked out"
        if report.is_suppressed
        else "Exact figures, not for publication",
    )

    yield ExportRow("Referrals", "Referrals received", report.referrals_received.export_value)
    for breakdown in report.referral_breakdowns:
        yield from _breakdown_rows(breakdown)

    response = report.response
    yield from _breakdown_rows(response.outcomes)
    yield ExportRow(
        "Response times",
        "Answered within the deadline (percentage of those due)",
        response.answered_in_time.export_value,
    )
    yield ExportRow(
        "Response times",
        "Median response time (working days)",
        response.median_working_days.export_value,
    )
    yield ExportRow(
        "Response times",
        "Referrals answered so far (the median is of these)",
        response.median_working_days.based_on.export_value,
    )

    yield ExportRow("Cases", "Open at the end of the period", report.cases.open_at_end.export_value)
    yield ExportRow("Cases", "New cases", report.cases.opened.export_value)
    yield ExportRow("Cases", "Closed cases", report.cases.closed.export_value)
    yield from _breakdown_rows(report.cases_closed_by_reason)

    yield from _breakdown_rows(report.activities_by_type)
    for time in report.minutes_by_type:
        yield ExportRow("Advocate time (hours) by type", time.label, time.hours)
    yield ExportRow("Advocate time (hours) by type", "Total", report.advocate_time.hours)
    for row in report.hearings_supported:
        yield ExportRow("Hearings supported", row.label, row.figure.export_value)

    yield from _breakdown_rows(report.outcomes)

    yield ExportRow("Equality monitoring", "People supported", report.people_supported.export_value)
    for breakdown in report.equality:
        yield from _breakdown_rows(breakdown, section=f"Equality: {breakdown.title}")

    for duty in report.duty_to_inform:
        section = f"Duty to inform: {duty.name}"
        yield ExportRow(section, "Became qualifying", duty.became_qualifying.export_value)
        yield ExportRow(section, "Deadline passed", duty.deadline_reached.export_value)
        yield ExportRow(
            section, "Told verbally in time (%)", duty.told_verbally_in_time.export_value
        )
        yield ExportRow(
            section, "Given in writing in time (%)", duty.given_in_writing_in_time.export_value
        )


def _breakdown_rows(breakdown: Breakdown, section: str | None = None) -> Iterator[ExportRow]:
    name = section or breakdown.title
    for row in breakdown.rows:
        yield ExportRow(name, row.label, row.figure.export_value)
    yield ExportRow(name, "Total", breakdown.total.export_value)


def as_csv(report: QuarterlyReturn) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["Section", "Measure", "Figure"])
    for row in export_rows(report):
        writer.writerow([safe_cell(row.section), safe_cell(row.measure), safe_cell(row.value)])
    return buffer.getvalue()


def as_xlsx(report: QuarterlyReturn) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = "Quarterly return"
    sheet.append(["Section", "Measure", "Figure"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in export_rows(report):
        sheet.append([safe_cell(row.section), safe_cell(row.measure), safe_cell(row.value)])
    sheet.column_dimensions["A"].width = 55
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 18

    notes = workbook.create_sheet("Definitions")
    notes.append(["Figure", "What it means"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for name, meaning in DEFINITIONS:
        notes.append([safe_cell(name), safe_cell(meaning)])
    notes.column_dimensions["A"].width = 40
    notes.column_dimensions["B"].width = 120

    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def filename(report: QuarterlyReturn, extension: str) -> str:
    first, last = report.period.first_day.isoformat(), report.period.last_day.isoformat()
    return f"quarterly-return-{first}-to-{last}.{extension}"
