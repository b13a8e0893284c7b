"""The rows of the staff referral inbox's table, written in Python rather than by template tags.

The inbox is the page intake staff reload all day. Drawn by the template language, its 50
rows took about two thirds of the processor time of the whole request: every `{{ }}` and
`{% if %}` in a row is a variable lookup, a conversion and an escape, some 900 of them a
page. Here each row is one format string. Everything that comes from a referral is escaped
with `html.escape`, exactly as the template's autoescaping would (`django.utils.html.escape`
is `html.escape` marked safe), so the page's HTML is unchanged. The table's caption, headers
and everything around it stay in referrals/staff/inbox.html.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from imha.referrals.selectors import ClockState, InboxRow
from imha.referrals.templatetags.referral_dates import short_datetime

register = template.Library()

# The row's class, and what the "Respond by" cell says after the date, by the state of the
# clock.
ROW_CLASSES = {
    ClockState.OVERDUE: "govuk-table__row imha-referral-table__row--overdue",
    ClockState.DUE_TODAY: "govuk-table__row imha-referral-table__row--due-today",
}
CLOCK_TAGS = {
    ClockState.OVERDUE: '<br><strong class="govuk-tag govuk-tag--red">Overdue</strong>',
    ClockState.DUE_TODAY: '<br><strong class="govuk-tag govuk-tag--yellow">Due today</strong>',
}
DUPLICATE_TAG = '<br><strong class="govuk-tag govuk-tag--orange">Possible duplicate</strong>'
STATUTORY_TAG = '<br><strong class="govuk-tag govuk-tag--purple">Statutory</strong>'
NOT_IN_A_LISTED_HOSPITAL = "Not in a listed hospital"

# The whitespace between and inside rows is what the template's loop used to give, so the
# page is byte for byte what it was.
ROW = """
      <tr class="{row_class}">
        <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{url}">{reference}</a></th>
        <td class="govuk-table__cell">{person}{duplicate}</td>
        <td class="govuk-table__cell">{where}</td>
        <td class="govuk-table__cell">{referrer}{statutory}</td>
        <td class="govuk-table__cell">{respond_by}
          {clock}</td>
        <td class="govuk-table__cell"><strong class="govuk-tag govuk-tag--{colour}">{status}</strong></td>
      </tr>
    """  # noqa: E501 (one line of HTML a cell, as in the template)


def where(row: InboxRow) -> str:
    """The hospital and ward, escaped."""
    if row.hospital_name is None:
        return NOT_IN_A_LISTED_HOSPITAL
    if row.ward:
        return f"{escape(row.hospital_name)}, {escape(row.ward)}"
    return escape(row.hospital_name)


def row_html(row: InboxRow) -> str:
    return ROW.format(
        row_class=ROW_CLASSES.get(row.clock, "govuk-table__row"),
        url=escape(row.url),
        reference=escape(row.reference),
        person=escape(row.person_name),
        duplicate=DUPLICATE_TAG if row.possible_duplicate else "",
        where=where(row),
        referrer=escape(str(row.referrer_label)),
        statutory=STATUTORY_TAG if row.is_statutory else "",
        respond_by=escape(short_datetime(row.respond_by)),
        clock=CLOCK_TAGS.get(row.clock, ""),
        colour=escape(row.status_colour),
        status=escape(str(row.status_label)),
    )


@register.simple_tag
def inbox_rows(rows: Iterable[InboxRow]) -> SafeString:
    """The table body's rows: every value from the database is escaped in `row_html`."""
    return mark_safe("".join(row_html(row) for row in rows))  # noqa: S308
