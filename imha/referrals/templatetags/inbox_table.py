"""The rows of the staff referral inbox's table, its tabs and the line saying which referrals
a page shows, written in Python rather than by template tags.

The inbox is the page intake staff reload all day. Drawn by the template language, its 50
rows took about two thirds of the processor time of the whole request: every `{{ }}` and
`{% if %}` in a row is a variable lookup, a conversion and an escape, some 900 of them a
page. Here each row is one f-string. Everything that comes from a referral is escaped
with `html.escape`, exactly as the template's autoescaping would (`django.utils.html.escape`
is `html.escape` marked safe), so the page's HTML is unchanged. The table's caption, headers
and everything around it stay in referrals/staff/inbox.html.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from html import escape
from typing import TYPE_CHECKING

from django import template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from imha.referrals.models import ReferralStatus
from imha.referrals.selectors import STATUS_LABELS, ClockState, InboxRow, status_tag_colour
from imha.referrals.templatetags.referral_dates import short_local_datetime

if TYPE_CHECKING:
    from imha.referrals.selectors import InboxPage
    from imha.referrals.views import InboxTab

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


def status_tag(status: str) -> str:
    """The status cell's tag, escaped."""
    colour, label = status_tag_colour(status), STATUS_LABELS.get(status, status)
    return f'<strong class="govuk-tag govuk-tag--{escape(colour)}">{escape(str(label))}</strong>'


# Every status's tag, written once rather than for every row.
STATUS_TAGS = {status: status_tag(status) for status in ReferralStatus.values}


def where(row: InboxRow) -> str:
    """The hospital and ward, escaped."""
    if row.hospital_name is None:
        return NOT_IN_A_LISTED_HOSPITAL
    if row.ward:
        return f"{escape(row.hospital_name)}, {escape(row.ward)}"
    return escape(row.hospital_name)


def row_html(row: InboxRow, respond_by: str) -> str:
    """One row, with its "Respond by" time as `deadline_text` wrote it.

    An f-string rather than a template string's `format`, which reads the whole template
    afresh for every row: that was a third of the cost of a row. The whitespace between and
    inside rows is what the template's loop used to give, so the page is byte for byte what
    it was.
    """
    row_class = ROW_CLASSES.get(row.clock, "govuk-table__row")
    url, reference, person = escape(row.url), escape(row.reference), escape(row.person_name)
    duplicate = DUPLICATE_TAG if row.possible_duplicate else ""
    place = where(row)
    referrer = escape(str(row.referrer_label))
    statutory = STATUTORY_TAG if row.is_statutory else ""
    clock = CLOCK_TAGS.get(row.clock, "")
    status = STATUS_TAGS.get(row.status) or status_tag(row.status)
    return f"""
      <tr class="{row_class}">
        <th scope="row" class="govuk-table__header"><a class="govuk-link" href="{url}">{reference}</a></th>
        <td class="govuk-table__cell">{person}{duplicate}</td>
        <td class="govuk-table__cell">{place}</td>
        <td class="govuk-table__cell">{referrer}{statutory}</td>
        <td class="govuk-table__cell">{respond_by}
          {clock}</td>
        <td class="govuk-table__cell">{status}</td>
      </tr>
    """  # noqa: E501 (one line of HTML a cell, as in the template)


def deadline_text(respond_by: datetime, zone: tzinfo) -> str:
    """A row's "Respond by" time in `zone`, the current time zone. It is made of digits and
    fixed English names: there is nothing to escape."""
    return short_local_datetime(respond_by.astimezone(zone))


@register.simple_tag
def inbox_rows(rows: Iterable[InboxRow]) -> SafeString:
    """The table body's rows: every value from the database is escaped in `row_html`."""
    zone = timezone.get_current_timezone()
    # Deadlines fall at 5pm on working days, so a page of 50 rows has only a handful of
    # different ones: each is written once.
    written: dict[datetime, str] = {}
    html = []
    for row in rows:
        respond_by = written.get(row.respond_by)
        if respond_by is None:
            respond_by = written[row.respond_by] = deadline_text(row.respond_by, zone)
        html.append(row_html(row, respond_by))
    return mark_safe("".join(html))  # noqa: S308


# --- the tabs and the "Showing referrals" line ---------------------------------------------------
# Each tab's count and the positions on the line were the `floatformat:"g"` filter, five times
# a page, and each tab four lookups and two conditions. Numbers are grouped with commas, as
# that filter groups them in the service's language (British English), and as the pagination
# notes already write them (imha.core.paging).


def tab_html(tab: InboxTab) -> str:
    active_class = " imha-referral-lists__item--active" if tab.active else ""
    value, label = escape(tab.value), escape(str(tab.label))
    current = ' aria-current="page"' if tab.active else ""
    count = "" if tab.count is None else f" ({tab.count:,})"
    return f"""
      <li class="imha-referral-lists__item{active_class}">
        <a class="govuk-link govuk-link--no-visited-state" href="?show={value}"{current}>{label}{count}</a>
      </li>
    """  # noqa: E501


@register.simple_tag
def inbox_tab_links(tabs: Iterable[InboxTab]) -> SafeString:
    """The list items of the tabs: their values and labels are escaped in `tab_html`."""
    return mark_safe("".join(tab_html(tab) for tab in tabs))  # noqa: S308


@register.simple_tag
def inbox_positions(page: InboxPage) -> str:
    """Which referrals of the tab the page shows: "Showing referrals 51 to 100 of 1,584."
    (no "of" for a tab that is not counted). Only digits and commas: autoescaping leaves it
    as it is."""
    of = "" if page.total is None else f" of {page.total:,}"
    return f"Showing referrals {page.first_position:,} to {page.last_position:,}{of}."
