"""The rows of the caseload's three tables, the case list's and the allocation page's, written
in Python rather than by template tags.

An advocate's caseload is the page they open most, and it and the case list are worked out
afresh after any change to the data. Drawn by the template language, the caseload's rows
(the statutory dates and activities of the next 14 days, and a page of open cases: about a
hundred rows for a full caseload) took a quarter of the processor time of the request, and
the case list's 50 a third, one variable lookup, conversion and escape per cell; the
allocation page's hundred waiting cases, each with its form, were half of its time. Here each
row is one format string, as the referral inbox's are (imha.referrals.templatetags.
inbox_table). Every value that comes from a record is escaped with `html.escape`, as
autoescaping would (`django.utils.html.escape` is `html.escape` marked safe); the status
tag is already HTML. The whitespace is what the template's loops gave, so the page is byte
for byte what it was. Captions, headings and everything around the rows stay in
cases/caseload.html, cases/case_list.html and cases/allocation.html.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from imha.cases.rows import (
    ActivityRow,
    AdvocateRow,
    CaseListRow,
    CaseloadRow,
    DeadlineRow,
    WaitingRow,
)

register = template.Library()

DEADLINE_ROW = """
        <tr class="govuk-table__row">
          <td class="govuk-table__cell imha-nowrap">{day}</td>
          <td class="govuk-table__cell">{what}</td>
          <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{person}<span class="govuk-visually-hidden">, case</span> ({reference})</a></td>
        </tr>
      """  # noqa: E501 (one line of HTML a cell, as in the template)

ACTIVITY_ROW = """
        <tr class="govuk-table__row">
          <td class="govuk-table__cell imha-nowrap">{when}</td>
          <td class="govuk-table__cell">{kind}</td>
          <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{person} ({reference})</a></td>
        </tr>
      """  # noqa: E501

CASE_ROW = """
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{person}</a></td>
          <td class="govuk-table__cell">{reference}</td>
          <td class="govuk-table__cell">{location}</td>
          <td class="govuk-table__cell">{legal_status}</td>
          {advocate}
          <td class="govuk-table__cell">{status_tag}</td>
        </tr>
      """
CASE_LIST_ROW = """
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{person}</a></td>
          <td class="govuk-table__cell">{reference}</td>
          <td class="govuk-table__cell">{opened}</td>
          <td class="govuk-table__cell">{advocate}</td>
          <td class="govuk-table__cell">{status_tag}</td>
        </tr>
      """
WAITING_ROW = """
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{url}">{person}</a> ({reference})</td>
          <td class="govuk-table__cell">{opened}</td>
          <td class="govuk-table__cell">{location}</td>
          <td class="govuk-table__cell">
            <form method="post" action="{allocate_url}" class="imha-inline-form">
              {csrf_input}
              <input type="hidden" name="from" value="allocation">
              <label class="govuk-label govuk-visually-hidden" for="advocate-{pk}">Advocate for {person}</label>
              <select class="govuk-select" id="advocate-{pk}" name="advocate">
                <option value="">Choose an advocate</option>
                {advocate_options}
              </select>
              <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Allocate<span class="govuk-visually-hidden"> {reference}</span></button>
            </form>
          </td>
        </tr>
      """  # noqa: E501

ADVOCATE_ROW = """
      <tr class="govuk-table__row">
        <td class="govuk-table__cell">{name}</td>
        <td class="govuk-table__cell">{team}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric" data-open-cases="{username}">{open_cases}</td>
      </tr>
    """  # noqa: E501
NO_ADVOCATES = """
      <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="3">No active advocates.</td></tr>
    """  # noqa: E501

ADVOCATE_CELL = '<td class="govuk-table__cell">{}</td>'


def deadline_row(row: DeadlineRow) -> str:
    return DEADLINE_ROW.format(
        day=escape(row["day"]),
        what=escape(str(row["what"])),
        url=escape(row["url"]),
        person=escape(row["person"]),
        reference=escape(row["reference"]),
    )


def activity_row(row: ActivityRow) -> str:
    when = f"{row['day']}, {row['time']}" if row["time"] else row["day"]
    return ACTIVITY_ROW.format(
        when=escape(when),
        kind=escape(str(row["kind"])),
        url=escape(row["url"]),
        person=escape(row["person"]),
        reference=escape(row["reference"]),
    )


def case_row(row: CaseloadRow, show_advocate: bool) -> str:
    return CASE_ROW.format(
        url=escape(row["url"]),
        person=escape(row["person"]),
        reference=escape(row["reference"]),
        location=escape(row["location"]),
        legal_status=escape(str(row["legal_status"])),
        advocate=ADVOCATE_CELL.format(escape(row["advocate"])) if show_advocate else "",
        status_tag=row["status_tag"],
    )


def case_list_row(row: CaseListRow) -> str:
    return CASE_LIST_ROW.format(
        url=escape(row["url"]),
        person=escape(row["person"]),
        reference=escape(row["reference"]),
        opened=escape(row["opened"]),
        advocate=escape(row["advocate"]),
        status_tag=row["status_tag"],
    )


def waiting_row(row: WaitingRow, csrf_input: str, advocate_options: str) -> str:
    return WAITING_ROW.format(
        url=escape(row["url"]),
        person=escape(row["person"]),
        reference=escape(row["reference"]),
        opened=escape(row["opened"]),
        location=escape(row["location"]),
        allocate_url=escape(row["allocate_url"]),
        pk=row["pk"],
        csrf_input=csrf_input,
        advocate_options=advocate_options,
    )


def advocate_row(row: AdvocateRow) -> str:
    return ADVOCATE_ROW.format(
        name=escape(row["name"]),
        team=escape(row["team"] or "No team"),
        username=escape(row["username"]),
        open_cases=row["open_cases"],
    )


def csrf_input(context: Context) -> str:
    """What `{% csrf_token %}` draws: every form of a page shares the context's one token."""
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # noqa: S105 (Django's word for no token)
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(str(token))}">'


@register.simple_tag
def deadline_rows(rows: Iterable[DeadlineRow]) -> SafeString:
    """The statutory dates table's rows: every value is escaped in `deadline_row`."""
    return mark_safe("".join(deadline_row(row) for row in rows))  # noqa: S308


@register.simple_tag
def activity_rows(rows: Iterable[ActivityRow]) -> SafeString:
    """The activities table's rows: every value is escaped in `activity_row`."""
    return mark_safe("".join(activity_row(row) for row in rows))  # noqa: S308


@register.simple_tag
def caseload_case_rows(rows: Iterable[CaseloadRow], show_advocate: bool = False) -> SafeString:
    """The open cases table's rows, with the advocate column on team pages: every value but
    the status tag (HTML drawn once from its own template) is escaped in `case_row`."""
    return mark_safe("".join(case_row(row, show_advocate) for row in rows))  # noqa: S308


@register.simple_tag
def case_list_rows(rows: Iterable[CaseListRow]) -> SafeString:
    """The case list's rows: every value but the status tag is escaped in `case_list_row`."""
    return mark_safe("".join(case_list_row(row) for row in rows))  # noqa: S308


@register.simple_tag(takes_context=True)
def waiting_rows(context: Context, rows: Iterable[WaitingRow]) -> SafeString:
    """The allocation page's waiting cases, each with its form. The advocate choices are the
    same for every form, drawn once (`rows.advocate_options`) and already HTML; everything
    else from a record is escaped in `waiting_row`."""
    form_token = csrf_input(context)
    options = str(context.get("advocate_options") or "")
    return mark_safe(  # noqa: S308
        "".join(waiting_row(row, form_token, options) for row in rows)
    )


@register.simple_tag
def advocate_rows(rows: Iterable[AdvocateRow]) -> SafeString:
    """The allocation page's advocates with their open cases: values escaped in
    `advocate_row`; a row saying so when there are none."""
    drawn = "".join(advocate_row(row) for row in rows)
    return mark_safe(drawn or NO_ADVOCATES)  # noqa: S308
