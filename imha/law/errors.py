"""Errors raised by the law engine.

Every error names the input field at fault so that a form (or the command-line
wrapper) can point the person straight at what to fix.
"""

from __future__ import annotations


class LawInputError(ValueError):
    """An input the engine cannot work with, tied to the field that caused it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class UnknownSectionError(LawInputError):
    """A status code that matches nothing in the sections catalogue."""

    def __init__(self, code: str, field: str = "status") -> None:
        super().__init__(
            field,
            f"{code!r} is not a Mental Health Act status this service knows about; "
            "use a code such as 's2', 's3', 's37/41', 'cto' or 'informal'",
        )
        self.code = code
