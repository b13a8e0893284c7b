"""The rows of the hospital dashboard's two tables and of the service's compliance table,
written in Python rather than by template tags.

A ward's office keeps the dashboard open and reloads it all day, and it is worked out afresh
after any change to the data. Drawn by the template language, its rows (a few wards and a
page of 25 patients) took about a third of the processor time of the request, and the
compliance table's (one a hospital, each with a reversed link) about a quarter: every `{{ }}`
and `{% if %}` in a row is a variable lookup, a conversion and an escape. Here each row is
one format string, as the caseload's are (imha.cases.templatetags.case_tables). Every value
that comes from a record is escaped with `html.escape`, as autoescaping would
(`django.utils.html.escape` is `html.escape` marked safe), and numbers are written as the
template wrote them (no thousands separator: the project does not turn one on). The
whitespace is what the template's loops gave, so the page is byte for byte what it was.
Captions, headings, the rows shown when there is nothing to list and everything around the
rows stay in hospitals/duty_to_inform.html and hospitals/compliance.html.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from imha.core.routes import address_maker
from imha.hospitals.selectors import ActionRow, HospitalCompliance, WardSummary
from imha.hospitals.templatetags.hospital_tags import hosp_day

register = template.Library()

WARD_ROW = """
      <tr class="govuk-table__row">
        <th scope="row" class="govuk-table__header">{name}{closed}</th>
        <td class="govuk-table__cell govuk-table__cell--numeric">{patients}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{qualifying}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{first_information_overdue}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{reminders_overdue}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric">{reminders_due_soon}</td>
      </tr>
    """

ACTION_ROW = """
      <tr class="govuk-table__row">
        <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{patient_name}</a></td>
        <td class="govuk-table__cell">{ward_name}</td>
        <td class="govuk-table__cell">{tag} {what}</td>
        <td class="govuk-table__cell">{due_on}</td>
      </tr>
    """

COMPLIANCE_ROW = """
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{url}">{name}</a></th>
      <td class="govuk-table__cell govuk-table__cell--numeric">{qualifying_now}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{became_qualifying}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{told_verbally}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{given_in_writing}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{first_information_overdue}</td>
      <td class="govuk-table__cell govuk-table__cell--numeric">{reminders_overdue}</td>
    </tr>
    """

CLOSED = " (closed)"
OVERDUE_TAG = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
DUE_SOON_TAG = '<strong class="govuk-tag govuk-tag--yellow">Due soon</strong>'


# A page of the list names only a few dozen different days, and the same ones view after
# view; writing a date out (strftime) was a quarter of the cost of a row.
@lru_cache(maxsize=1024)
def day(value: date) -> str:
    """`hosp_day`, escaped as the template's filter output was."""
    return escape(hosp_day(value))


def red_unless_none(count: int) -> str:
    """A count that should be nothing, in a red tag when it is not."""
    return f'<strong class="govuk-tag govuk-tag--red">{count}</strong>' if count else "0"


def ward_row(ward: WardSummary) -> str:
    return WARD_ROW.format(
        name=escape(str(ward.name)),
        closed="" if ward.is_active else CLOSED,
        patients=int(ward.patients),
        qualifying=int(ward.qualifying),
        first_information_overdue=red_unless_none(int(ward.first_information_overdue)),
        reminders_overdue=red_unless_none(int(ward.reminders_overdue)),
        reminders_due_soon=int(ward.reminders_due_soon),
    )


def action_row(row: ActionRow) -> str:
    return ACTION_ROW.format(
        url=escape(row.url),
        patient_name=escape(str(row.patient_name)),
        ward_name=escape(str(row.ward_name)),
        tag=OVERDUE_TAG if row.overdue else DUE_SOON_TAG,
        what=escape(str(row.what)),
        due_on=day(row.due_on),
    )


def told_in_time(percent: int | None, in_time: int, deadline_reached: int) -> str:
    """How many were told in time, as a percentage of those whose deadline has passed."""
    if percent is None:
        return "No patients yet"
    return (
        f'{int(percent)}% <span class="govuk-body-s">'
        f"({int(in_time)} of {int(deadline_reached)})</span>"
    )


def compliance_row(row: HospitalCompliance, wards_url: Callable[[str], str]) -> str:
    return COMPLIANCE_ROW.format(
        url=escape(wards_url(row.code)),
        name=escape(str(row.name)),
        qualifying_now=int(row.qualifying_now),
        became_qualifying=int(row.became_qualifying),
        told_verbally=told_in_time(
            row.verbal_percent, row.told_verbally_in_time, row.deadline_reached
        ),
        given_in_writing=told_in_time(
            row.written_percent, row.given_in_writing_in_time, row.deadline_reached
        ),
        first_information_overdue=int(row.first_information_overdue),
        reminders_overdue=int(row.reminders_overdue),
    )


@register.simple_tag
def ward_rows(wards: Iterable[WardSummary]) -> SafeString:
    """The "patients by ward" table's rows: every value is escaped in `ward_row`."""
    return mark_safe("".join(ward_row(ward) for ward in wards))  # noqa: S308


@register.simple_tag
def needing_action_rows(rows: Iterable[ActionRow]) -> SafeString:
    """The "patients who need telling or reminding" table's rows: every value is escaped in
    `action_row`."""
    return mark_safe("".join(action_row(row) for row in rows))  # noqa: S308


@register.simple_tag
def compliance_rows(rows: Iterable[HospitalCompliance]) -> SafeString:
    """The compliance table's rows, each linking to the hospital's wards: every value is
    escaped in `compliance_row`. The link's pattern is reversed once for all the rows."""
    wards_url = address_maker("hospitals:hospital_wards")
    return mark_safe("".join(compliance_row(row, wards_url) for row in rows))  # noqa: S308
