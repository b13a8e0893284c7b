"""The access log search form: every field optional, each narrowing the list."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from imha.audit.models import AuditAction
from imha.audit.selectors import RECORD_KINDS, AccessLogFilter

DATE_FORMATS = ["%d/%m/%Y", "%d %m %Y", "%d-%m-%Y", "%Y-%m-%d"]


class AccessLogForm(forms.Form):
    person = forms.CharField(
        label="Username",
        required=False,
        max_length=150,
        help_text="The exact username, for example j.smith",
    )
    action = forms.ChoiceField(
        label="What they did",
        required=False,
        choices=[("", "Anything"), *AuditAction.choices],
    )
    record_type = forms.ChoiceField(
        label="Kind of record",
        required=False,
        choices=[("", "Any kind"), *RECORD_KINDS.items()],
    )
    record_id = forms.CharField(
        label="Record number",
        required=False,
        max_length=64,
        help_text="As shown in the address of the record's page, for example 1042",
    )
    start = forms.DateField(
        label="From",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 1/11/2026",
        error_messages={"invalid": "Enter the start date as day/month/year, like 1/11/2026"},
    )
    end = forms.DateField(
        label="To",
        required=False,
        input_formats=DATE_FORMATS,
        help_text="For example, 30/11/2026",
        error_messages={"invalid": "Enter the end date as day/month/year, like 30/11/2026"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start: date | None = cleaned.get("start")
        end: date | None = cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end date must be the same as or after the start date")
        return cleaned

    def to_filter(self) -> AccessLogFilter:
        data = self.cleaned_data
        return AccessLogFilter(
            person=data.get("person", "").strip(),
            action=data.get("action", ""),
            record_type=data.get("record_type", ""),
            record_id=data.get("record_id", "").strip(),
            start=data.get("start"),
            end=data.get("end"),
        )
