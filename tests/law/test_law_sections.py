from __future__ import annotations

import pytest

from imha.law import SECTIONS, LawInputError, UnknownSectionError, lookup
from imha.law.deadlines import _HOUR_BASED
from imha.law.sections import BY_CODE, Duration, LegalBasis, Part, TimeUnit, normalise_code

HOURS, DAYS, WEEKS, MONTHS = TimeUnit.HOURS, TimeUnit.DAYS, TimeUnit.WEEKS, TimeUnit.MONTHS
SIX_SIX_TWELVE = (Duration(6, MONTHS), Duration(12, MONTHS))

EVERY_CODE_IN_THE_BRIEF = [
    "s2", "s3", "s4", "s5(2)", "s5(4)", "s7", "s17", "s17a", "s17e",
    "s35", "s36", "s37", "s37/41", "s38", "s45a", "s47", "s47/49", "s48", "s48/49",
    "conditional_discharge", "s37_guardianship", "s135", "s136", "informal",
]  # fmt: skip


def test_catalogue_covers_every_status_in_the_brief() -> None:
    assert sorted(BY_CODE) == sorted(EVERY_CODE_IN_THE_BRIEF)


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.code)
def test_every_entry_is_complete_and_sourced(section) -> None:
    for text in (section.title, section.summary, section.duration, section.renewal):
        assert text.strip()
    assert section.tribunal.strip()
    assert section.sources, "every entry must say where its rules come from"
    for source in section.sources:
        assert source.startswith(("MHA 1983", "Code of Practice"))


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("S3", "s3"),
        ("section 3", "s3"),
        ("s.3", "s3"),
        (" Section  3 ", "s3"),
        ("3", "s3"),
        ("37/41", "s37/41"),
        ("s37 41", "s37/41"),
        ("S37/41", "s37/41"),
        ("section 37-41", "s37/41"),
        ("cto", "s17a"),
        ("CTO", "s17a"),
        ("17a", "s17a"),
        ("17 A", "s17a"),
        ("s17A", "s17a"),
        ("community treatment order", "s17a"),
        ("s17E", "s17e"),
        ("cto recall", "s17e"),
        ("5(2)", "s5(2)"),
        ("s5 2", "s5(2)"),
        ("S5(4)", "s5(4)"),
        ("section 135", "s135"),
        ("136", "s136"),
        ("guardianship", "s7"),
        ("s7", "s7"),
        ("s37 guardianship", "s37_guardianship"),
        ("guardianship order", "s37_guardianship"),
        ("conditional discharge", "conditional_discharge"),
        ("conditional_discharge", "conditional_discharge"),
        ("s42(2)", "conditional_discharge"),
        ("s73", "conditional_discharge"),
        ("s74", "conditional_discharge"),
        ("45A", "s45a"),
        ("47/49", "s47/49"),
        ("s48 49", "s48/49"),
        ("Informal", "informal"),
        ("voluntary", "informal"),
        ("hospital order", "s37"),
        ("leave", "s17"),
    ],
)
def test_lookup_tolerates_spacing_case_and_punctuation(typed: str, code: str) -> None:
    assert lookup(typed).code == code


@pytest.mark.parametrize("typed", ["s99", "", "section", "3/41", "s5(3)", "banana", "s2a"])
def test_unknown_codes_raise_a_clear_error(typed: str) -> None:
    with pytest.raises(UnknownSectionError) as caught:
        lookup(typed)
    assert caught.value.field == "status"
    assert "not a Mental Health Act status" in caught.value.message
    assert isinstance(caught.value, LawInputError)


def test_lookup_rejects_non_text() -> None:
    with pytest.raises(UnknownSectionError):
        lookup(3)  # type: ignore[arg-type]


def test_lookup_names_the_field_it_was_given() -> None:
    with pytest.raises(UnknownSectionError) as caught:
        lookup("nope", field="legal_status")
    assert caught.value.field == "legal_status"


def test_normalised_keys() -> None:
    assert normalise_code("S37 / 41") == "37-41"
    assert normalise_code("Section 5(2)") == "5-2"
    assert normalise_code("MHA s.17A") == "17a"


def test_durations_describe_themselves() -> None:
    assert Duration(1, TimeUnit.MONTHS).describe() == "1 month"
    assert Duration(28, TimeUnit.DAYS).describe() == "28 days"
    assert Duration(72, TimeUnit.HOURS).describe() == "72 hours"
    assert Duration(12, TimeUnit.WEEKS).describe() == "12 weeks"


@pytest.mark.parametrize(
    ("code", "initial", "renewals", "maximum"),
    [
        ("s2", Duration(28, DAYS), (), None),
        ("s3", Duration(6, MONTHS), SIX_SIX_TWELVE, None),
        ("s4", Duration(72, HOURS), (), None),
        ("s5(2)", Duration(72, HOURS), (), None),
        ("s5(4)", Duration(6, HOURS), (), None),
        ("s135", Duration(24, HOURS), (), None),
        ("s136", Duration(24, HOURS), (), None),
        ("s35", Duration(28, DAYS), (Duration(28, DAYS),), Duration(12, WEEKS)),
        ("s36", Duration(28, DAYS), (Duration(28, DAYS),), Duration(12, WEEKS)),
        ("s38", Duration(12, WEEKS), (Duration(28, DAYS),), Duration(12, MONTHS)),
        ("s17a", Duration(6, MONTHS), SIX_SIX_TWELVE, None),
        ("s7", Duration(6, MONTHS), SIX_SIX_TWELVE, None),
        ("s37", Duration(6, MONTHS), SIX_SIX_TWELVE, None),
        ("s37/41", None, (), None),
        ("conditional_discharge", None, (), None),
        ("informal", None, (), None),
    ],
)  # fmt: skip
def test_durations_match_the_act(code, initial, renewals, maximum) -> None:
    section = BY_CODE[code]
    assert section.initial_period == initial
    assert section.renewal_periods == renewals
    assert section.maximum_total == maximum


def test_place_of_safety_can_be_extended_by_twelve_hours() -> None:
    for code in ("s135", "s136"):
        assert BY_CODE[code].extension == Duration(12, TimeUnit.HOURS)


def test_hour_based_deadline_table_agrees_with_catalogue() -> None:
    for code, (_, hours) in _HOUR_BASED.items():
        assert BY_CODE[code].initial_period == Duration(hours, TimeUnit.HOURS)


def test_legal_character_of_statuses() -> None:
    excluded_in_england = {
        s.code
        for s in SECTIONS
        if s.basis in (LegalBasis.SHORT_TERM_HOLDING, LegalBasis.PLACE_OF_SAFETY)
    }
    assert excluded_in_england == {"s4", "s5(2)", "s5(4)", "s135", "s136"}
    restricted = {s.code for s in SECTIONS if s.restricted}
    assert restricted == {"s37/41", "s45a", "s47/49", "s48/49", "conditional_discharge"}
    assert BY_CODE["s37_guardianship"].part is Part.CRIMINAL
    assert BY_CODE["s136"].part is Part.POLICE_POWERS
