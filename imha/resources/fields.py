"""Form fields for the GOV.UK date input: three boxes for day, month and year.

The error messages follow the GOV.UK Design System's wording for dates, so a person who
leaves out the month is told exactly that.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict

PARTS = ("day", "month", "year")
DateParts = tuple[str, str, str]


class GovukDateWidget(forms.Widget):
    """Reads `<name>-day`, `<name>-month` and `<name>-year`, the names GOV.UK Frontend gives
    the boxes. includes/fields/date.html draws them."""

    def value_from_datadict(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> DateParts:
        day, month, year = (str(data.get(f"{name}-{part}", "")).strip() for part in PARTS)
        return (day, month, year)

    def value_omitted_from_data(
        self, data: Mapping[str, Any], files: MultiValueDict[str, Any], name: str
    ) -> bool:
        return all(f"{name}-{part}" not in data for part in PARTS)


class GovukDateField(forms.Field):
    widget = GovukDateWidget

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        # `what` starts the error messages, for example "Date consent was given".
        self.what = what
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("required", f"Enter the {what.lower()}")
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date) or value is None:
            return value
        day, month, year = value
        if not (day or month or year):
            return None
        missing = [name for name, part in zip(PARTS, value, strict=True) if not part]
        if missing:
            raise ValidationError(f"{self.what} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{self.what} must be a real date")
        try:
            return date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.what} must be a real date") from None
