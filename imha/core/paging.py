"""Long lists a page at a time, the same way on every page that has one.

What a page number typed into the address means, what the page says when there is no such
page, which page links to show and where they point are all worked out here, apart from the
views, so that every list answers a bad address in the same words and draws the same GOV.UK
pagination component (imha/templates/includes/pagination.html).

There are two kinds of list:

- counted lists know how many pages they have (a Django Paginator, or a selector that
  counts), so they get numbered links, with a gap ("⋯") for long runs of pages;
- uncounted lists are ones where counting every row would cost more than showing the page
  (all referrals ever received, the access log). They fetch one row more than a page holds
  to learn whether another page follows, and get only "Previous" and "Next", each labelled
  with the page it leads to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from math import ceil
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

PAGE_PARAMETER = "page"
# Far more pages than any list here will have. A longer number is taken to be past the end
# without being parsed: int() refuses strings thousands of digits long.
MAX_PAGE_NUMBER = 1_000_000
# Pages linked either side of the current one; the first and last are always linked.
NEIGHBOURS = 1
# How much of what was typed in the address a note repeats back.
TYPED_SHOWN = 20


# --- the page asked for ----------------------------------------------------------------------


@dataclass(frozen=True)
class RequestedPage:
    """The page the address asks for.

    `number` is always usable: 1 when the address holds something that is not a page number
    (`not_a_number` is then set), and one past the largest page any list can have when the
    number is absurdly long, so that it is treated as past the end. `typed` is what the
    address held, for repeating back to the reader.
    """

    number: int
    typed: str = ""
    not_a_number: bool = False


def requested_page(raw: str | None) -> RequestedPage:
    if raw is None or raw == "":
        return RequestedPage(1)
    # ASCII digits only: int() would also take "+3", " 3", "3_000" and other scripts' digits,
    # which would give one page several addresses. Page numbers start at 1.
    if not (raw.isascii() and raw.isdigit()) or raw.strip("0") == "":
        return RequestedPage(1, raw, not_a_number=True)
    digits = raw.lstrip("0")
    if len(digits) > len(str(MAX_PAGE_NUMBER)):
        return RequestedPage(MAX_PAGE_NUMBER + 1, raw)
    return RequestedPage(int(digits), raw)


def requested_page_in(query: QueryDict) -> RequestedPage:
    return requested_page(query.get(PAGE_PARAMETER))


def nearest_page_number(requested: RequestedPage, last: int) -> int:
    """The page to show of a list with `last` pages: the one asked for, or the last page
    when the number is past the end."""
    return min(requested.number, max(last, 1))


# --- links -------------------------------------------------------------------------------------


def page_url(query: QueryDict, number: int, fragment: str = "") -> str:
    """The current address's query string with another page number: the tab, filters and
    anything else in it are kept. Page 1 leaves the number out, so it has one address.
    `fragment` (such as "#open-cases") takes the reader back to the list on the new page."""
    changed = query.copy()
    if number == 1:
        changed.pop(PAGE_PARAMETER, None)
    else:
        changed[PAGE_PARAMETER] = str(number)
    return f"?{changed.urlencode()}{fragment}"


def page_numbers(current: int, last: int) -> list[int | None]:
    """The numbered links to show: the first and last pages and the current page with its
    neighbours, with None for a gap, shown as "⋯": 1 ⋯ 6 [7] 8 ⋯ 42, as the GOV.UK Design
    System advises. A gap of one page shows that page instead, since its number takes no more
    room than the "⋯" and says more."""
    wanted = {1, last, *range(current - NEIGHBOURS, current + NEIGHBOURS + 1)}
    numbers: list[int | None] = []
    for previous, number in pairwise([0, *sorted(n for n in wanted if 1 <= n <= last)]):
        if number - previous == 2:
            numbers.append(previous + 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
    return numbers


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for a gap
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    """Everything includes/pagination.html draws, and the note to show above the list when
    the address asked for a page that is not there."""

    label: str  # names the navigation landmark for screen readers: "Pages of referrals"
    number: int
    counted: bool
    previous_url: str | None
    next_url: str | None
    links: list[PageLink]
    note: SafeString
    # Asked for a page past the end: a counted list then shows its last page, an uncounted
    # one an empty page (which should not claim that nothing matches).
    past_end: bool = False

    @property
    def shown(self) -> bool:
        return bool(self.previous_url or self.next_url)

    @property
    def previous_number(self) -> int:
        return self.number - 1

    @property
    def next_number(self) -> int:
        return self.number + 1


def pagination(
    query: QueryDict,
    requested: RequestedPage,
    *,
    number: int,
    last: int | None,
    has_next: bool,
    of: str,
    fragment: str = "",
    empty: bool = False,
) -> Pagination:
    """The pagination for the page shown, `number`, of a list of `last` pages (None when the
    list is not counted). `of` says what the pages hold ("referrals"). `empty` says the page
    shown has no rows: for an uncounted list, the only sign that it was asked for a page
    past its end."""
    counted = last is not None
    past_end = not requested.not_a_number and (
        requested.number > number if counted else empty and number > 1
    )
    links: list[PageLink] = []
    if last is not None and last > 1:
        links = [
            PageLink(n, page_url(query, n, fragment), n == number) if n is not None else PageLink(n)
            for n in page_numbers(number, last)
        ]
    # Past the end of an uncounted list, the page before is not known to exist either.
    has_previous = number > 1 and not (past_end and not counted)
    return Pagination(
        label=f"Pages of {of}",
        number=number,
        counted=counted,
        previous_url=page_url(query, number - 1, fragment) if has_previous else None,
        next_url=page_url(query, number + 1, fragment) if has_next else None,
        links=links,
        note=_note(requested, last, past_end, page_url(query, 1, fragment)),
        past_end=past_end,
    )


def _note(requested: RequestedPage, last: int | None, past_end: bool, first_url: str) -> SafeString:
    """What to say when the address asked for a page that is not there. The reader still
    gets a page (the first, the last, or past the end of an uncounted list a way back to
    the first), never an error."""
    shown = requested.typed if requested.not_a_number else requested.typed.lstrip("0")
    typed = Truncator(shown).chars(TYPED_SHOWN)
    if requested.not_a_number:
        return format_html("“{}” is not a page number, so this is the first page.", typed)
    if not past_end:
        return SafeString("")
    if last is None:
        return format_html(
            'There is no page {} in this list. <a class="govuk-link" href="{}">'
            "Go to the first page</a>.",
            typed,
            first_url,
        )
    if last <= 1:
        return format_html("There is no page {}. This list has only one page.", typed)
    return format_html(
        "There is no page {}. This list has {} pages, and this is the last one.",
        typed,
        f"{last:,}",
    )


# --- counted lists -----------------------------------------------------------------------------


def paginated(
    query: QueryDict, paginator: Paginator, *, of: str, fragment: str = ""
) -> tuple[Page, Pagination]:
    """The page of `paginator` the address asks for (or the nearest real one) and its
    pagination."""
    requested = requested_page_in(query)
    page = paginator.page(nearest_page_number(requested, paginator.num_pages))
    return page, pagination(
        query,
        requested,
        number=page.number,
        last=paginator.num_pages,
        has_next=page.has_next(),
        of=of,
        fragment=fragment,
    )


class KnownCountPaginator(Paginator):
    """A Paginator told how many rows its list has, for a list whose count came from a
    query that was needed anyway (the caseload counts its cases with its other figures)."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count


# --- lists counted only while short -----------------------------------------------------------


def count_up_to(rows: QuerySet[Any], limit: int) -> int:
    """How many rows there are, counting no further than one past `limit`: the count stops
    there, so it reads at most that many index entries however long the list is."""
    return rows.order_by().values("pk")[: limit + 1].count()


def capped_page_number(
    requested: RequestedPage, total: int, *, limit: int, per_page: int
) -> tuple[int, int | None]:
    """The page to show and the number of pages (None when not counted) for a list whose
    `count_up_to(limit)` was `total`. A list of up to `limit` rows is counted and gets
    numbered links; a longer one is paged like an uncounted list, with "Previous" and
    "Next"."""
    if total > limit:
        return requested.number, None
    last = max(1, ceil(total / per_page))
    return nearest_page_number(requested, last), last


# --- uncounted lists ---------------------------------------------------------------------------


def uncounted_page[T](
    rows: QuerySet[Any, T] | Sequence[T], number: int, per_page: int
) -> tuple[list[T], bool]:
    """Page `number` of `rows` without counting them: one row more than the page holds is
    fetched, and says whether another page follows."""
    offset = (number - 1) * per_page
    found = list(rows[offset : offset + per_page + 1])
    return found[:per_page], len(found) > per_page
