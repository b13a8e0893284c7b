"""Form fields that carry GOV.UK-style error messages.

Django's built-in messages ("Ensure this value has at most 100 characters") are not how
GOV.UK services speak, so every field here says what to do in the person's terms.
"""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def text(
    label: str,
    max_length: int,
    *,
    required_message: str | None = None,
    help_text: str = "",
    textarea: bool = False,
    attrs: dict[str, str] | None = None,
) -> forms.CharField:
    """A text field; required only when `required_message` is given."""
    widget_attrs = attrs or {}
    widget: forms.Widget = (
        forms.Textarea(attrs={"rows": "5", **widget_attrs})
        if textarea
        else forms.TextInput(attrs=widget_attrs)
    )
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required_message is not None,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": required_message or "",
            "max_length": f"{label.removesuffix(' (optional)')} must be {max_length} "
            "characters or fewer",
        },
    )


def radios(
    label: str, choices: Any, *, required_message: str | None = None, help_text: str = ""
) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required_message is not None,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={
            "required": required_message or "",
            "invalid_choice": required_message or "Select one of the options",
        },
    )


def checkboxes(label: str, choices: Any, *, help_text: str = "") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        help_text=help_text,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Select from the options shown"},
    )


def email(label: str, *, help_text: str = "") -> forms.EmailField:
    return forms.EmailField(
        label=label,
        max_length=254,
        required=False,
        help_text=help_text,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )


_PHONE_CHARACTERS = re.compile(r"^[0-9 +()\-]+$")


class PhoneField(forms.CharField):
    def __init__(self, label: str, **kwargs: Any) -> None:
        super().__init__(
            label=label,
            max_length=40,
            required=False,
            widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
            error_messages={"max_length": "Phone number must be 40 characters or fewer"},
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        cleaned: str = super().clean(value)
        digits = sum(char.isdigit() for char in cleaned)
        if cleaned and (not _PHONE_CHARACTERS.match(cleaned) or digits < 6):
            raise ValidationError("Enter a phone number, like 01632 960 001 or +44 7700 900 982")
        return cleaned


def nhs_number_is_valid(digits: str) -> bool:
    """The NHS number check digit (modulus 11), which catches most mistyped digits."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(
        int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


class NhsNumberField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            label="NHS number (optional)",
            max_length=20,
            required=False,
            help_text="It is 10 digits long, like 485 777 3456. Leave this blank if you "
            "do not know it.",
            widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
            error_messages={"max_length": "NHS number must be 10 digits"},
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        cleaned: str = super().clean(value)
        digits = "".join(char for char in cleaned if char not in " -")
        if digits and not nhs_number_is_valid(digits):
            raise ValidationError("Enter a real NHS number, like 485 777 3456, or leave it blank")
        return digits


class DateWidget(forms.MultiWidget):
    """Three boxes (day, month, year), the GOV.UK date input."""

    def __init__(self) -> None:
        super().__init__(
            widgets={
                "day": forms.TextInput(attrs={"inputmode": "numeric"}),
                "month": forms.TextInput(attrs={"inputmode": "numeric"}),
                "year": forms.TextInput(attrs={"inputmode": "numeric"}),
            }
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        if isinstance(value, str) and value:
            parsed = date.fromisoformat(value)
            return [parsed.day, parsed.month, parsed.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A GOV.UK date input that says exactly which part is missing or wrong."""

    widget = DateWidget

    def __init__(
        self,
        label: str,
        *,
        name_in_errors: str,
        required_message: str | None = None,
        must_be_past: bool = True,
        help_text: str = "",
    ) -> None:
        self.name_in_errors = name_in_errors
        self.must_be_past = must_be_past
        part = forms.CharField(max_length=4, required=False)
        super().__init__(
            fields=(part, part, part),
            label=label,
            help_text=help_text,
            required=required_message is not None,
            require_all_fields=False,
            error_messages={
                "required": required_message or "",
                "incomplete": f"Enter {name_in_errors.lower()} in full",
                "max_length": f"Enter a real {name_in_errors.lower()}",
            },
        )

    def compress(self, data_list: list[str]) -> date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (part.strip() for part in data_list)
        missing = [
            name for name, part in zip(("day", "month", "year"), data_list, strict=True) if not part
        ]
        if missing:
            raise ValidationError(f"{self.name_in_errors} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(
                f"{self.name_in_errors} must be a real date, with a 4-digit year, like 27 3 1980"
            )
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.name_in_errors} must be a real date") from None
        if self.must_be_past and value > date.today():
            raise ValidationError(f"{self.name_in_errors} must be in the past")
        if value.year < 1900:
            raise ValidationError(f"{self.name_in_errors} must be after 1900")
        return value


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


class TimeField(forms.CharField):
    """A time of day typed as 14:30, 2:30pm or 9am."""

    def __init__(self, label: str, *, required_message: str, help_text: str = "") -> None:
        super().__init__(
            label=label,
            max_length=10,
            help_text=help_text,
            error_messages={
                "required": required_message,
                "max_length": "Enter a time, like 14:30 or 2:30pm",
            },
        )

    def clean(self, value: Any) -> time:
        raw: str = super().clean(value)
        match = _TIME.match(raw.strip().lower())
        if match is None:
            raise ValidationError("Enter a time, like 14:30 or 2:30pm")
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        if match.group(3):
            if not 1 <= hour <= 12:
                raise ValidationError("Enter a time, like 14:30 or 2:30pm")
            hour = hour % 12 + (12 if match.group(3) == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ValidationError("Enter a real time, like 14:30 or 2:30pm")
        return time(hour, minute)
