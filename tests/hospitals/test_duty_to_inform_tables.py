"""The hospital dashboard's and the compliance page's table rows are written in Python
(imha.hospitals.templatetags.duty_to_inform_tables) for speed. They must be exactly what the
template loops they replaced drew, escaping included: here each tag is compared with that
loop, on values full of characters that HTML gives a meaning to."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import engines
from django.utils.safestring import SafeString

from imha.hospitals.selectors import ActionRow, HospitalCompliance, WardSummary
from imha.hospitals.templatetags.duty_to_inform_tables import (
    compliance_rows,
    needing_action_rows,
    ward_rows,
)

HOSTILE = '<b>O\'Brien & "Sons"</b>'
ESCAPED = "&lt;b&gt;O&#x27;Brien &amp; &quot;Sons&quot;&lt;/b&gt;"

# The loops as hospitals/duty_to_inform.html had them.
WARD_LOOP = """{% load hospital_tags %}    {% for ward in wards %}
      <tr class="govuk-table__row">
        <th scope="row" class="govuk-table__header">{{ ward.name }}{% if not ward.is_active %} (closed){% endif %}</th>
        <td class="govuk-table__cell govuk-table__cell--numeric">{{ ward.patients }}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{{ ward.qualifying }}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{% if ward.first_information_overdue %}<strong class="govuk-tag govuk-tag--red">{{ ward.first_information_overdue }}</strong>{% else %}0{% endif %}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{% if ward.reminders_overdue %}<strong class="govuk-tag govuk-tag--red">{{ ward.reminders_overdue }}</strong>{% else %}0{% endif %}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{{ ward.reminders_due_soon }}</td>
      </tr>
    {% endfor %}
"""  # noqa: E501
ACTION_LOOP = """{% load hospital_tags %}    {% for row in needing_action %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell"><a class="govuk-link" href="{{ row.url }}">{{ row.patient_name }}</a></td>
        <td class="govuk-table__cell">{{ row.ward_name }}</td>
        <td class="govuk-table__cell">{% if row.overdue %}<strong class="govuk-tag govuk-tag--red">Overdue</strong>{% else %}<strong class="govuk-tag govuk-tag--yellow">Due soon</strong>{% endif %} {{ row.what }}</td>
        <td class="govuk-table__cell">{{ row.due_on|hosp_day }}</td>
      </tr>
    {% endfor %}
"""  # noqa: E501

# As hospitals/compliance.html had it.
COMPLIANCE_LOOP = """    {% for row in rows %}
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{% url 'hospitals:hospital_wards' row.code %}">{{ row.name }}</a></th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.qualifying_now }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.became_qualifying }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.verbal_percent is None %}No patients yet{% else %}{{ row.verbal_percent }}% <span class="govuk-body-s">({{ row.told_verbally_in_time }} of {{ row.deadline_reached }})</span>{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{% if row.written_percent is None %}No patients yet{% else %}{{ row.written_percent }}% <span class="govuk-body-s">({{ row.given_in_writing_in_time }} of {{ row.deadline_reached }})</span>{% endif %}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.first_information_overdue }}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{{ row.reminders_overdue }}</td>
    </tr>
    {% endfor %}
"""  # noqa: E501


def looped(loop: str, **context: object) -> str:
    return engines["django"].from_string(loop).render(context)


def tagged(html: SafeString) -> str:
    # The tag stands where the loop's opening line stood, after the same indent.
    return f"    {html}\n"


def ward(n: int, *, is_active: bool = True, overdue: int = 0, late: int = 0) -> WardSummary:
    return WardSummary(
        ward_id=n,
        name=f"{HOSTILE} Ward {n}",
        is_active=is_active,
        patients=100 * n + 1234,
        qualifying=10 * n,
        first_information_overdue=overdue,
        reminders_overdue=late,
        reminders_due_soon=n,
    )


def action(n: int, *, overdue: bool) -> ActionRow:
    return ActionRow(
        notice_id=n,
        patient_name=f"{HOSTILE} {n}",
        ward_name=f"{HOSTILE} Ward",
        what=f"Reminder: {HOSTILE}",
        due_on=date(2026, 3, n),
        overdue=overdue,
        url=f"/hospital/notices/{n}/?a=1&b=<2>",
    )


@pytest.mark.parametrize("count", [0, 1, 3])
def test_ward_rows_are_what_the_loop_drew(count: int) -> None:
    wards = [ward(n) for n in range(1, count + 1)]
    assert tagged(ward_rows(wards)) == looped(WARD_LOOP, wards=wards)


def test_ward_rows_with_closed_wards_and_overdue_counts_are_what_the_loop_drew() -> None:
    wards = [
        ward(1, is_active=False),
        ward(2, overdue=3),
        ward(3, late=12),
        ward(4, is_active=False, overdue=1, late=1),
    ]
    expected = looped(WARD_LOOP, wards=wards)
    assert tagged(ward_rows(wards)) == expected
    assert HOSTILE not in expected and expected.count(ESCAPED) == len(wards)
    assert expected.count(" (closed)") == 2
    assert expected.count("govuk-tag--red") == 4


@pytest.mark.parametrize("count", [0, 1, 2])
def test_action_rows_are_what_the_loop_drew(count: int) -> None:
    rows = [action(n, overdue=n % 2 == 1) for n in range(1, count + 1)]
    assert tagged(needing_action_rows(rows)) == looped(ACTION_LOOP, needing_action=rows)


def test_action_rows_escape_every_value_and_tag_overdue_and_due_soon() -> None:
    rows = [action(1, overdue=True), action(12, overdue=False), action(28, overdue=True)]
    expected = looped(ACTION_LOOP, needing_action=rows)
    assert tagged(needing_action_rows(rows)) == expected
    assert HOSTILE not in expected and "<2>" not in expected
    # The patient, the ward and what is due, each escaped.
    assert expected.count(ESCAPED) == 3 * len(rows)
    assert expected.count("Overdue") == 2 and expected.count("Due soon") == 1
    assert "12 March 2026" in expected


def hospital(n: int, *, deadline_reached: int, verbal: int, written: int) -> HospitalCompliance:
    return HospitalCompliance(
        hospital_id=n,
        name=f"{HOSTILE} Hospital {n}",
        code=f"site-{n}_x",
        qualifying_now=1000 + n,
        became_qualifying=deadline_reached + 2,
        deadline_reached=deadline_reached,
        told_verbally_in_time=verbal,
        given_in_writing_in_time=written,
        first_information_overdue=n,
        reminders_overdue=2 * n,
    )


@pytest.mark.parametrize("count", [0, 1, 2])
def test_compliance_rows_are_what_the_loop_drew(count: int) -> None:
    rows = [
        hospital(n, deadline_reached=3 * n, verbal=2 * n, written=n) for n in range(1, count + 1)
    ]
    assert tagged(compliance_rows(rows)) == looped(COMPLIANCE_LOOP, rows=rows)


def test_compliance_rows_with_and_without_patients_are_what_the_loop_drew() -> None:
    rows = [
        hospital(1, deadline_reached=0, verbal=0, written=0),
        hospital(2, deadline_reached=3, verbal=2, written=1),
        hospital(3, deadline_reached=7, verbal=7, written=0),
    ]
    expected = looped(COMPLIANCE_LOOP, rows=rows)
    assert tagged(compliance_rows(rows)) == expected
    assert HOSTILE not in expected and expected.count(ESCAPED) == len(rows)
    assert expected.count("No patients yet") == 2
    assert "67% <span" in expected and "(2 of 3)" in expected and "100%" in expected
    assert 'href="/staff/hospitals/site-3_x/"' in expected
