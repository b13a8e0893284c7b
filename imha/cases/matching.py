"""How two records are recognised as being about the same person.

Names are typed by different people (the person, a relative, a nurse on the phone), so they
are compared after folding case, accents, punctuation and spacing: "Anne-Marie O'Neill" and
"anne marie oneill" match. NHS numbers are compared as their ten digits.
"""

from __future__ import annotations

import re
import unicodedata

_NOT_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


def normalised_name(first_name: str, last_name: str) -> str:
    """A form of a person's name that ignores case, accents, punctuation and spacing."""
    joined = f"{first_name} {last_name}".casefold().replace("-", " ")
    without_accents = "".join(
        char for char in unicodedata.normalize("NFKD", joined) if not unicodedata.combining(char)
    )
    letters_only = _NOT_LETTERS.sub("", without_accents)
    return _SPACES.sub(" ", letters_only).strip()


def normalised_nhs_number(raw: str) -> str:
    """The digits of an NHS number ("485 777 3456" -> "4857773456"), or "" if none given."""
    return "".join(char for char in raw if char.isdigit())
