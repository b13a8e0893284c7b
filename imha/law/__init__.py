"""imha.law: the Mental Health Act rules engine.

Plain Python with no Django import, so the rules can be tested on their own
and called from the web app, background tasks and the command line alike.
"""

from __future__ import annotations

from .deadlines import DeadlineRequest, DeadlineResult, ItemKind, KeyDate, compute_deadlines
from .eligibility import (
    Category,
    Circumstances,
    Decision,
    DutyToInform,
    Referrer,
    ReferrerRight,
    Treatment,
    assess,
)
from .errors import LawInputError, UnknownSectionError
from .jurisdiction import Jurisdiction
from .sections import SECTIONS, LegalBasis, Part, Section, lookup
from .working_days import (
    ResponseDue,
    add_working_days,
    bank_holiday_name,
    is_working_day,
    next_working_day,
    receipt_working_day,
    respond_by,
    working_days_between,
)

__all__ = [
    "SECTIONS",
    "Category",
    "Circumstances",
    "DeadlineRequest",
    "DeadlineResult",
    "Decision",
    "DutyToInform",
    "ItemKind",
    "Jurisdiction",
    "KeyDate",
    "LawInputError",
    "LegalBasis",
    "Part",
    "Referrer",
    "ReferrerRight",
    "ResponseDue",
    "Section",
    "Treatment",
    "UnknownSectionError",
    "add_working_days",
    "assess",
    "bank_holiday_name",
    "compute_deadlines",
    "is_working_day",
    "lookup",
    "next_working_day",
    "receipt_working_day",
    "respond_by",
    "working_days_between",
]
