from __future__ import annotations

import pytest

from imha.law import (
    SECTIONS,
    Category,
    Circumstances,
    Jurisdiction,
    LawInputError,
    Referrer,
    Treatment,
    UnknownSectionError,
    assess,
)

ENGLAND = Jurisdiction.ENGLAND
WALES = Jurisdiction.WALES

ENGLAND_EXPECTED = {
    "s2": Category.DETAINED,
    "s3": Category.DETAINED,
    "s4": Category.NOT_QUALIFYING,
    "s5(2)": Category.NOT_QUALIFYING,
    "s5(4)": Category.NOT_QUALIFYING,
    "s7": Category.GUARDIANSHIP,
    "s17": Category.DETAINED,
    "s17a": Category.CTO,
    "s17e": Category.CTO,
    "s35": Category.DETAINED,
    "s36": Category.DETAINED,
    "s37": Category.DETAINED,
    "s37/41": Category.DETAINED,
    "s38": Category.DETAINED,
    "s45a": Category.DETAINED,
    "s47": Category.DETAINED,
    "s47/49": Category.DETAINED,
    "s48": Category.DETAINED,
    "s48/49": Category.DETAINED,
    "conditional_discharge": Category.CONDITIONALLY_DISCHARGED,
    "s37_guardianship": Category.GUARDIANSHIP,
    "s135": Category.NOT_QUALIFYING,
    "s136": Category.NOT_QUALIFYING,
    "informal": Category.NOT_QUALIFYING,
}


def england(status: str | None, **facts: object) -> Circumstances:
    return Circumstances(jurisdiction=ENGLAND, status=status, **facts)  # type: ignore[arg-type]


def wales(status: str | None, **facts: object) -> Circumstances:
    return Circumstances(jurisdiction=WALES, status=status, **facts)  # type: ignore[arg-type]


def test_table_covers_every_section() -> None:
    assert set(ENGLAND_EXPECTED) == {section.code for section in SECTIONS}


@pytest.mark.parametrize(("code", "category"), sorted(ENGLAND_EXPECTED.items()))
def test_england_every_section(code: str, category: Category) -> None:
    decision = assess(england(code))
    assert decision.category is category
    assert decision.qualifies is (category is not Category.NOT_QUALIFYING)
    assert decision.status == code
    assert decision.reasons and all(reason.endswith(".") for reason in decision.reasons)
    assert (decision.duty_to_inform is not None) is decision.qualifies
    assert decision.sources


@pytest.mark.parametrize("code", ["s4", "s5(2)", "s5(4)", "s135", "s136"])
def test_england_exclusions_explain_themselves(code: str) -> None:
    decision = assess(england(code))
    assert not decision.qualifies
    assert "short-term power" in decision.reasons[0]


def test_s4_becomes_s2_once_the_second_recommendation_arrives() -> None:
    decision = assess(england("s4", second_recommendation_received=True))
    assert decision.qualifies
    assert decision.category is Category.DETAINED
    assert "section 2" in decision.reasons[0]
    waiting = assess(england("s4"))
    assert any("becomes a section 2" in reason for reason in waiting.reasons)


def test_leave_keeps_the_patient_detained() -> None:
    decision = assess(england("s17"))
    assert decision.qualifies
    assert any("leave" in reason for reason in decision.reasons)


@pytest.mark.parametrize(
    ("status", "treatment", "age", "category"),
    [
        ("informal", Treatment.S57, 40, Category.INFORMAL_S57),
        ("informal", Treatment.S57, None, Category.INFORMAL_S57),
        ("informal", Treatment.S58A, 17, Category.INFORMAL_UNDER18_S58A),
        ("informal", Treatment.S58A, 18, Category.NOT_QUALIFYING),
        ("informal", Treatment.S58A, None, Category.UNCLEAR),
        ("informal", Treatment.S58, 15, Category.NOT_QUALIFYING),
        ("informal", None, 15, Category.NOT_QUALIFYING),
        # s130C(3) covers anyone outside s130C(2), including the short-term powers.
        ("s5(2)", Treatment.S57, 30, Category.INFORMAL_S57),
        ("s136", Treatment.S58A, 16, Category.INFORMAL_UNDER18_S58A),
        # Detained patients qualify as detained whatever is proposed.
        ("s3", Treatment.S57, 30, Category.DETAINED),
        ("s3", Treatment.S58A, 16, Category.DETAINED),
    ],
)
def test_england_treatment_routes(status, treatment, age, category) -> None:
    decision = assess(england(status, treatment_under_consideration=treatment, age=age))
    assert decision.category is category
    assert decision.qualifies is (category not in (Category.NOT_QUALIFYING, Category.UNCLEAR))


@pytest.mark.parametrize("status", [None, "dont_know", "unknown", "Don't know", "", "not sure"])
@pytest.mark.parametrize("jurisdiction", [ENGLAND, WALES])
def test_unknown_status_is_unclear_but_never_turned_away(status, jurisdiction) -> None:
    decision = assess(Circumstances(jurisdiction=jurisdiction, status=status))
    assert decision.category is Category.UNCLEAR
    assert not decision.qualifies
    assert decision.status is None
    assert decision.duty_to_inform is None
    assert any("still contact" in reason for reason in decision.reasons)
    assert decision.referrers


@pytest.mark.parametrize(
    ("jurisdiction", "treatment", "age", "category"),
    [
        (ENGLAND, Treatment.S57, None, Category.INFORMAL_S57),
        (ENGLAND, Treatment.S58A, 16, Category.INFORMAL_UNDER18_S58A),
        (WALES, Treatment.S57, 40, Category.WALES_COMPULSORY),
        (WALES, Treatment.S58A, 12, Category.WALES_COMPULSORY),
    ],
)
def test_a_treatment_route_settles_an_unknown_status(jurisdiction, treatment, age, category):
    decision = assess(
        Circumstances(
            jurisdiction=jurisdiction,
            status="dont_know",
            treatment_under_consideration=treatment,
            age=age,
        )
    )
    assert decision.category is category
    assert decision.qualifies
    # The route does not tell us the person's status, so none is claimed.
    assert decision.status is None
    assert decision.duty_to_inform is not None


@pytest.mark.parametrize(
    ("treatment", "age"), [(Treatment.S58A, 30), (Treatment.S58A, None), (Treatment.S58, 12)]
)
def test_an_unknown_status_stays_unclear_when_no_treatment_route_applies(treatment, age):
    decision = assess(
        Circumstances(
            jurisdiction=ENGLAND, status=None, treatment_under_consideration=treatment, age=age
        )
    )
    assert decision.category is Category.UNCLEAR
    assert decision.status is None


def test_unrecognised_code_is_an_input_error() -> None:
    with pytest.raises(UnknownSectionError):
        assess(england("s99"))


@pytest.mark.parametrize("age", [-1, 131])
def test_impossible_ages_are_rejected(age: int) -> None:
    with pytest.raises(LawInputError) as caught:
        assess(england("s3", age=age))
    assert caught.value.field == "age"


# --- Wales ---------------------------------------------------------------------


@pytest.mark.parametrize("code", sorted(code for code in ENGLAND_EXPECTED if code != "informal"))
def test_wales_every_compulsory_status_qualifies(code: str) -> None:
    decision = assess(wales(code))
    assert decision.qualifies
    assert decision.category is Category.WALES_COMPULSORY
    assert decision.duty_to_inform is not None
    assert "s130K" in decision.duty_to_inform.sources[0]


@pytest.mark.parametrize("code", ["s4", "s5(2)", "s5(4)", "s135", "s136"])
def test_wales_includes_what_england_excludes(code: str) -> None:
    decision = assess(wales(code))
    assert any("unlike England" in reason for reason in decision.reasons)


@pytest.mark.parametrize(
    ("in_hospital", "treatment", "age", "category"),
    [
        (True, None, 30, Category.WALES_INFORMAL),
        (True, Treatment.S57, 30, Category.WALES_INFORMAL),
        (False, None, 30, Category.NOT_QUALIFYING),
        (None, None, 30, Category.UNCLEAR),
        (False, Treatment.S57, 30, Category.WALES_COMPULSORY),
        (False, Treatment.S58A, 12, Category.WALES_COMPULSORY),
        (False, Treatment.S58A, 40, Category.NOT_QUALIFYING),
        (None, Treatment.S58A, None, Category.UNCLEAR),
    ],
)
def test_wales_informal_patients(in_hospital, treatment, age, category) -> None:
    decision = assess(
        wales("informal", in_hospital=in_hospital, treatment_under_consideration=treatment, age=age)
    )
    assert decision.category is category


def test_wales_s17_leave() -> None:
    decision = assess(wales("s17"))
    assert any("leave" in reason for reason in decision.reasons)


# --- who must inform, and whom we must answer ------------------------------------


@pytest.mark.parametrize(
    ("circumstances", "holder_phrase", "letter", "nearest_relative_copy"),
    [
        (england("s3"), "managers of the hospital where", "(2)(a)", True),
        (england("s37"), "managers of the hospital where", "(2)(a)", False),
        (england("s37/41"), "managers of the hospital where", "(2)(a)", False),
        (england("conditional_discharge"), "responsible clinician", "(2)(b)", False),
        (england("s7"), "social services authority", "(2)(c)", True),
        (england("s37_guardianship"), "social services authority", "(2)(c)", True),
        (england("cto"), "managers of the responsible hospital", "(2)(d)", True),
        (england("s17e"), "managers of the responsible hospital", "(2)(d)", True),
        (
            england("informal", treatment_under_consideration=Treatment.S57),
            "first discusses",
            "(2)(e)",
            False,
        ),
        (wales("s136"), "managers of the hospital where", "(2)(a)", True),
        (wales("s38"), "managers of the hospital where", "(2)(a)", False),
        (
            wales("informal", in_hospital=False, treatment_under_consideration=Treatment.S57),
            "first discusses",
            "(2)(e)",
            False,
        ),
    ],
)
def test_duty_to_inform(circumstances, holder_phrase, letter, nearest_relative_copy) -> None:
    duty = assess(circumstances).duty_to_inform
    assert duty is not None
    assert holder_phrase in duty.holder
    assert letter in duty.sources[0]
    assert "orally" in duty.how or "talking" in duty.how
    assert "in writing" in duty.how
    assert duty.when.startswith(("As soon as practicable", "During"))
    assert ("must also go to the nearest relative" in duty.nearest_relative_copy) is (
        nearest_relative_copy
    )


def test_wales_informal_duty_sits_with_hospital_managers() -> None:
    duty = assess(wales("informal", in_hospital=True)).duty_to_inform
    assert duty is not None
    assert "managers of the hospital" in duty.holder
    assert duty.sources == ("MHA 1983 s130L(2)-(6)",)


def test_england_referrers_are_patient_nr_rc_amhp() -> None:
    decision = assess(england("s3"))
    assert [right.referrer for right in decision.referrers] == [
        Referrer.PATIENT,
        Referrer.NEAREST_RELATIVE,
        Referrer.RESPONSIBLE_CLINICIAN,
        Referrer.AMHP,
    ]
    assert decision.referrers[1].source == "MHA 1983 s130B(5)(a)"


def test_wales_referrer_lists_are_wider() -> None:
    compulsory = {right.referrer for right in assess(wales("s2")).referrers}
    assert compulsory == {
        Referrer.PATIENT,
        Referrer.NEAREST_RELATIVE,
        Referrer.RESPONSIBLE_CLINICIAN,
        Referrer.AMHP,
        Referrer.SOCIAL_WORKER,
        Referrer.HOSPITAL_MANAGERS,
        Referrer.ATTORNEY_OR_DEPUTY,
    }
    informal = {right.referrer for right in assess(wales("informal", in_hospital=True)).referrers}
    assert informal == {
        Referrer.PATIENT,
        Referrer.HOSPITAL_MANAGERS,
        Referrer.CARER,
        Referrer.ATTORNEY_OR_DEPUTY,
        Referrer.SOCIAL_WORKER,
    }


# --- treatment parsing -----------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "treatment"),
    [
        ("s57", Treatment.S57),
        ("Section 57", Treatment.S57),
        ("ECT", Treatment.S58A),
        ("s58A", Treatment.S58A),
        ("s58", Treatment.S58),
        ("none", None),
        ("", None),
        (None, None),
        (Treatment.S57, Treatment.S57),
    ],
)
def test_treatment_parsing(typed, treatment) -> None:
    assert Treatment.parse(typed) is treatment


@pytest.mark.parametrize("typed", ["lobotomy", 57])
def test_treatment_parsing_rejects_unknowns(typed) -> None:
    with pytest.raises(LawInputError) as caught:
        Treatment.parse(typed)
    assert caught.value.field == "treatment_under_consideration"
