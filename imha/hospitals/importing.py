"""Importing a hospital's current detained patients from a CSV file.

Policy: every row is checked first. Rows that pass are imported, each in its own
transaction (all of a row or none of it: the notice, its status history and its audit entry
go in together). Rows that fail are not imported and are reported by row number and column,
so the office can fix just those rows and upload them again. A row for a patient already
recorded and not discharged (same NHS number or hospital number) is reported, not imported
twice, which also makes uploading the same file again harmless.

Problems with the file as a whole (too big, not UTF-8, missing or unknown columns, no rows)
stop the import before anything is saved.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest

from imha.accounts.models import User
from imha.audit.models import AuditAction
from imha.audit.services import record
from imha.hospitals import services
from imha.hospitals.models import Hospital, QualifyingNotice, Ward
from imha.hospitals.validation import clean_nhs_number, clean_status, parse_date

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 5000
REQUIRED_COLUMNS = ("patient_name", "status", "start_date", "ward", "responsible_clinician")
OPTIONAL_COLUMNS = ("hospital_number", "nhs_number", "date_of_birth", "declined_referral")
ALL_COLUMNS = (
    "patient_name",
    "hospital_number",
    "nhs_number",
    "date_of_birth",
    "status",
    "start_date",
    "ward",
    "responsible_clinician",
    "declined_referral",
)
YES_VALUES = {"yes", "y", "true", "1"}
NO_VALUES = {"", "no", "n", "false", "0"}
TEMPLATE_EXAMPLE_ROW = (
    "Sam Sample",
    "FM000001",
    "",
    "01/02/1990",
    "s3",
    "14/03/2026",
    "Heather Ward",
    "Dr Example",
    "no",
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing was imported."""


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    imported: list[QualifyingNotice] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows_read: int = 0

    @property
    def rows_with_problems(self) -> int:
        return len({problem.row for problem in self.problems})


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(ALL_COLUMNS)
    writer.writerow(TEMPLATE_EXAMPLE_ROW)
    return out.getvalue()


def read_rows(upload: UploadedFile) -> list[dict[str, str]]:
    """Decode and check the file's shape; raises ImportFileError with a message for people."""
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise ImportFileError("The file must be smaller than 1 MB. Split it into smaller files.")
    raw = upload.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise ImportFileError("The file must be smaller than 1 MB. Split it into smaller files.")
    try:
        # utf-8-sig removes the byte order mark Excel adds when saving "CSV UTF-8".
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not in UTF-8. In Excel, save it as 'CSV UTF-8 (Comma delimited)'."
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("The file is empty.") from None
    except csv.Error as error:
        raise ImportFileError(f"The file is not a readable CSV file ({error}).") from None
    columns = [_column_key(name) for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    unknown = [
        raw_name for raw_name, key in zip(header, columns, strict=True) if key not in ALL_COLUMNS
    ]
    duplicated = sorted({key for key in columns if key and columns.count(key) > 1})
    messages = []
    if missing:
        messages.append("These columns are missing: " + ", ".join(missing) + ".")
    if unknown:
        messages.append(
            "These columns are not ones we use: "
            + ", ".join(repr(name) for name in unknown)
            + ". Check the spelling against the template."
        )
    if duplicated:
        messages.append("These columns appear twice: " + ", ".join(duplicated) + ".")
    if messages:
        raise ImportFileError(" ".join(messages))
    rows: list[dict[str, str]] = []
    try:
        for values in reader:
            if not any(value.strip() for value in values):
                rows.append({})  # keep row numbers in step with the spreadsheet
                continue
            padded = [*values, *[""] * (len(columns) - len(values))]
            row = dict(zip(columns, padded[: len(columns)], strict=True))
            if len(values) > len(columns):
                row["__extra__"] = "yes"
            rows.append(row)
            if len(rows) > MAX_ROWS:
                raise ImportFileError(f"The file has more than {MAX_ROWS} rows. Split it up.")
    except csv.Error as error:
        raise ImportFileError(
            f"Row {reader.line_num} could not be read as CSV ({error}). Nothing was imported."
        ) from None
    if not any(rows):
        raise ImportFileError("The file has a header row but no patients.")
    return rows


def _column_key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").split())


@dataclass(frozen=True)
class _CheckedRow:
    row_number: int
    details: services.NoticeDetails


def import_notices(
    *,
    hospital: Hospital,
    upload: UploadedFile,
    actor: User,
    today: date,
    request: HttpRequest | None = None,
) -> ImportResult:
    rows = read_rows(upload)
    wards = {ward.name.casefold(): ward for ward in Ward.objects.filter(hospital=hospital)}
    # Numbers of patients already recorded and still here, read once rather than per row.
    open_notices = QualifyingNotice.objects.filter(hospital=hospital, discharged_on__isnull=True)
    recorded = {
        ("nhs_number", number)
        for number in open_notices.exclude(nhs_number="").values_list("nhs_number", flat=True)
    } | {
        ("hospital_number", number.casefold())
        for number in open_notices.exclude(hospital_number="").values_list(
            "hospital_number", flat=True
        )
    }
    result = ImportResult(rows_read=sum(1 for row in rows if row))
    checked: list[_CheckedRow] = []
    seen_numbers: dict[tuple[str, str], int] = {}
    for index, row in enumerate(rows):
        if not row:
            continue
        # Row 1 is the header, so the first patient is on row 2, as the spreadsheet shows it.
        row_number = index + 2
        problems, details = _check_row(row_number, row, wards, today)
        if details is not None:
            for column, value in (
                ("nhs_number", details.nhs_number),
                ("hospital_number", details.hospital_number),
            ):
                if not value:
                    continue
                earlier = seen_numbers.get((column, value.casefold()))
                if earlier is not None:
                    problems.append(
                        RowProblem(row_number, column, f"Same as row {earlier}: each patient once")
                    )
                seen_numbers[(column, value.casefold())] = row_number
            for column, number in (
                ("nhs_number", details.nhs_number),
                ("hospital_number", details.hospital_number.casefold()),
            ):
                if number and (column, number) in recorded:
                    problems.append(
                        RowProblem(
                            row_number,
                            column,
                            "This patient is already recorded and has not been discharged",
                        )
                    )
                    break
        if problems:
            result.problems.extend(problems)
        elif details is not None:
            checked.append(_CheckedRow(row_number, details))
    for item in checked:
        result.imported.append(
            services.create_notice(
                hospital=hospital, details=item.details, actor=actor, request=request
            )
        )
    record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="notice_import",
        object_id=hospital.pk,
        summary=(
            f"CSV import: {len(result.imported)} patients added, "
            f"{result.rows_with_problems} rows with problems"
        ),
        request=request,
    )
    return result


def _check_row(
    row_number: int, row: dict[str, str], wards: dict[str, Ward], today: date
) -> tuple[list[RowProblem], services.NoticeDetails | None]:
    problems: list[RowProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(RowProblem(row_number, column, message))

    def value(column: str) -> str:
        return row.get(column, "").strip()

    if row.get("__extra__"):
        problem("", "This row has more values than there are columns")
    for column in REQUIRED_COLUMNS:
        if not value(column):
            problem(column, f"Enter the {column.replace('_', ' ')}")
    if len(value("patient_name")) > 200:
        problem("patient_name", "Patient name must be 200 characters or fewer")
    if len(value("responsible_clinician")) > 200:
        problem("responsible_clinician", "Responsible clinician must be 200 characters or fewer")
    if len(value("hospital_number")) > 40:
        problem("hospital_number", "Hospital number must be 40 characters or fewer")

    status_code = ""
    if value("status"):
        try:
            status_code = clean_status(value("status")).code
        except ValidationError as error:
            problem("status", error.messages[0])
    started_on = _date(value("start_date"), "Start date", "start_date", today, problem)
    date_of_birth = _date(value("date_of_birth"), "Date of birth", "date_of_birth", today, problem)
    if started_on and date_of_birth and date_of_birth > started_on:
        problem("date_of_birth", "Date of birth must be before the start date")
    nhs_number = ""
    try:
        nhs_number = clean_nhs_number(value("nhs_number"))
    except ValidationError as error:
        problem("nhs_number", error.messages[0])
    ward = wards.get(value("ward").casefold()) if value("ward") else None
    if value("ward"):
        if ward is None:
            problem("ward", f"There is no ward called '{value('ward')}' at this hospital")
        elif not ward.is_active:
            problem("ward", f"{ward.name} is marked as closed")
    declined = value("declined_referral").lower()
    if declined not in YES_VALUES | NO_VALUES:
        problem("declined_referral", "Declined referral must be yes, no or empty")

    if problems or ward is None or started_on is None:
        return problems, None
    return problems, services.NoticeDetails(
        patient_name=value("patient_name"),
        status=status_code,
        started_on=started_on,
        ward=ward,
        responsible_clinician=value("responsible_clinician"),
        hospital_number=value("hospital_number"),
        nhs_number=nhs_number,
        date_of_birth=date_of_birth,
        declined_referral=declined in YES_VALUES,
    )


def _date(
    raw: str, what: str, column: str, today: date, problem: Callable[[str, str], None]
) -> date | None:
    if not raw:
        return None
    try:
        return parse_date(raw, what=what, today=today)
    except ValidationError as error:
        problem(column, error.messages[0])
        return None
