"""The report filters: which period, and which hospital."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from imha.hospitals.models import Hospital
from imha.hospitals.validation import parse_date
from imha.reports.periods import (
    FinancialQuarter,
    ReportPeriod,
    custom_period,
    last_complete_quarter,
    quarters_to_offer,
)
from imha.reports.selectors import hospitals_for_choice

QUARTER = "quarter"
CUSTOM = "custom"
# A longer range makes a slower report and is not something a contract asks for.
LONGEST_RANGE_DAYS = 3 * 366
DATE_HINT = "For example, 1/4/2026"


@dataclass(frozen=True)
class ReportFilters:
    period: ReportPeriod
    hospital: Hospital | None


def default_filters(today: date) -> ReportFilters:
    return ReportFilters(last_complete_quarter(today).as_period(), None)


class ReportFilterForm(forms.Form):
    period = forms.ChoiceField(
        label="Period",
        choices=[(QUARTER, "A quarter of the financial year"), (CUSTOM, "Dates you choose")],
        error_messages={
            "required": "Choose a quarter or dates",
            "invalid_choice": "Choose a quarter or dates",
        },
    )
    quarter = forms.ChoiceField(
        label="Quarter",
        required=False,
        help_text="April to June is quarter 1.",
        error_messages={"invalid_choice": "Choose a quarter from the list"},
    )
    from_date = forms.CharField(label="From", required=False, max_length=20, help_text=DATE_HINT)
    to_date = forms.CharField(
        label="To (inclusive)", required=False, max_length=20, help_text="For example, 30/6/2026"
    )
    hospital = forms.ModelChoiceField(
        label="Hospital",
        queryset=Hospital.objects.none(),
        required=False,
        empty_label="All hospitals and the community",
        error_messages={"invalid_choice": "Choose a hospital from the list"},
    )

    def __init__(
        self, *args: Any, today: date, whole_months_only: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.whole_months_only = whole_months_only
        quarter_field = cast(forms.ChoiceField, self.fields["quarter"])
        quarter_field.choices = [(q.key, q.label) for q in quarters_to_offer(today)]
        hospital_field = cast(forms.ModelChoiceField, self.fields["hospital"])
        hospital_field.queryset = hospitals_for_choice()
        self.initial.setdefault("period", QUARTER)
        self.initial.setdefault("quarter", last_complete_quarter(today).key)
        if whole_months_only:
            self.fields["from_date"].help_text = "The first day of a month, for example 1/4/2026"
            self.fields["to_date"].help_text = "The last day of a month, for example 30/6/2026"

    def clean_from_date(self) -> date | None:
        return self._date("from_date", "The start date")

    def clean_to_date(self) -> date | None:
        return self._date("to_date", "The end date")

    def _date(self, name: str, what: str) -> date | None:
        text = self.cleaned_data.get(name, "")
        if not text or self.data.get("period") != CUSTOM:
            return None
        return parse_date(text, what=what, today=self.today, allow_future=name == "to_date")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("period") == QUARTER:
            if not cleaned.get("quarter"):
                self.add_error("quarter", "Choose a quarter")
        elif cleaned.get("period") == CUSTOM:
            self._check_range(cleaned)
        return cleaned

    def _check_range(self, cleaned: dict[str, Any]) -> None:
        first, last = cleaned.get("from_date"), cleaned.get("to_date")
        if first is None and "from_date" not in self.errors:
            self.add_error("from_date", "Enter the start date")
        if last is None and "to_date" not in self.errors:
            self.add_error("to_date", "Enter the end date")
        if first is None or last is None:
            return
        if last < first:
            self.add_error("to_date", "The end date must be the same as or after the start date")
        elif (last - first).days >= LONGEST_RANGE_DAYS:
            self.add_error("to_date", "Choose a range of 3 years or less")
        if self.whole_months_only:
            if first.day != 1:
                self.add_error("from_date", "The start date must be the first day of a month")
            if last.day != calendar.monthrange(last.year, last.month)[1]:
                self.add_error("to_date", "The end date must be the last day of a month")

    def filters(self) -> ReportFilters:
        """The chosen filters; call only after is_valid() returned True."""
        cleaned = self.cleaned_data
        if cleaned["period"] == CUSTOM:
            period = custom_period(cleaned["from_date"], cleaned["to_date"])
        else:
            quarter = FinancialQuarter.from_key(cleaned["quarter"])
            if quarter is None:  # the choices only hold valid keys
                raise ValidationError("Choose a quarter from the list")
            period = quarter.as_period()
        return ReportFilters(period, cleaned.get("hospital"))
