"""The two legal systems the service works under.

England and Wales share the Mental Health Act 1983 but differ on advocacy
(Wales widened it through the Mental Health (Wales) Measure 2010) and on bank
holidays, so both the eligibility rules and the working-day calendar need to
know which side of the border they are applying.
"""

from __future__ import annotations

from enum import Enum

from .errors import LawInputError


class Jurisdiction(Enum):
    ENGLAND = "england"
    WALES = "wales"

    @property
    def holidays_subdivision(self) -> str:
        """The subdivision code the `holidays` package uses for this nation."""
        return _HOLIDAY_SUBDIVISIONS[self]

    @classmethod
    def parse(cls, value: str | Jurisdiction, field: str = "jurisdiction") -> Jurisdiction:
        if isinstance(value, Jurisdiction):
            return value
        if not isinstance(value, str):
            raise LawInputError(field, "must be 'england' or 'wales'")
        found = _ALIASES.get(value.strip().lower())
        if found is None:
            raise LawInputError(field, f"{value!r} is not recognised; use 'england' or 'wales'")
        return found


_HOLIDAY_SUBDIVISIONS = {Jurisdiction.ENGLAND: "ENG", Jurisdiction.WALES: "WLS"}

# Callers send whatever their own systems store, so accept the obvious spellings
# (including the ISO 3166-2 style codes the holidays package uses).
_ALIASES = {
    "england": Jurisdiction.ENGLAND,
    "eng": Jurisdiction.ENGLAND,
    "gb-eng": Jurisdiction.ENGLAND,
    "wales": Jurisdiction.WALES,
    "wls": Jurisdiction.WALES,
    "gb-wls": Jurisdiction.WALES,
    "cymru": Jurisdiction.WALES,
}
