"""Checks shared by the web forms and the CSV import, so both say the same thing."""

from __future__ import annotations

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError

from imha.law import Section, UnknownSectionError, lookup

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %m %Y")
EARLIEST_DATE = date(1900, 1, 1)


def parse_date(raw: str, *, what: str, today: date, allow_future: bool = False) -> date:
    """Read a date typed by a person or exported by a hospital system."""
    text = re.sub(r"\s+", " ", raw.strip())
    for fmt in DATE_FORMATS:
        try:
            value = datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        if value < EARLIEST_DATE:
            raise ValidationError(f"{what} must be after 1900")
        if not allow_future and value > today:
            raise ValidationError(f"{what} must be today or in the past")
        return value
    raise ValidationError(f"{what} must be a real date, like 27/3/2026")


def clean_status(raw: str) -> Section:
    try:
        return lookup(raw)
    except UnknownSectionError:
        raise ValidationError(
            f"'{raw.strip()}' is not a Mental Health Act status we know. Use a code such as "
            "s2, s3, s37/41 or cto"
        ) from None


def clean_nhs_number(raw: str) -> str:
    """Ten digits whose last is the modulus 11 check digit; spaces and dashes are ignored."""
    digits = re.sub(r"[\s-]", "", raw)
    if not digits:
        return ""
    if not (digits.isdigit() and len(digits) == 10):
        raise ValidationError("NHS number must be 10 digits, like 943 476 5919")
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        raise ValidationError("NHS number is not valid: check it has been copied correctly")
    return digits
