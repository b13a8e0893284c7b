"""Page numbers and page links for the staff inbox.

Pure functions over the request's query string, kept apart from the view so that what a
typed-in page number means, and which page links are shown, can be tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import QueryDict

from imha.referrals.selectors import MAX_PAGE_NUMBER, InboxPage

PAGE_PARAMETER = "page"


@dataclass(frozen=True)
class RequestedPage:
    """The page the address asks for.

    `number` is always usable: the first page when the address holds something that is not
    a page number (`not_a_number` is then set), and one past the largest page any list can
    have when the number is absurdly long, so it is treated as past the end.
    """

    number: int
    not_a_number: bool = False


def requested_page(raw: str | None) -> RequestedPage:
    if raw is None or raw == "":
        return RequestedPage(1)
    # ASCII digits only: int() would also take "+3", " 3", "3_000" and other scripts' digits.
    if not (raw.isascii() and raw.isdigit()) or raw.strip("0") == "":
        return RequestedPage(1, not_a_number=True)
    digits = raw.lstrip("0")
    if len(digits) > len(str(MAX_PAGE_NUMBER)):
        # Not parsed: a number thousands of digits long would make int() refuse it.
        return RequestedPage(MAX_PAGE_NUMBER + 1)
    return RequestedPage(int(digits))


def page_url(query: QueryDict, number: int) -> str:
    """The current address's query string with another page: the tab and any other
    filters in it are kept. Page 1 leaves the page out, so it has one address."""
    changed = query.copy()
    if number == 1:
        changed.pop(PAGE_PARAMETER, None)
    else:
        changed[PAGE_PARAMETER] = str(number)
    return f"?{changed.urlencode()}"


def page_numbers(current: int, last: int) -> list[int | None]:
    """The numbered links to show: the first and last pages, the current page and its
    neighbours, with None for a gap (shown as an ellipsis). A gap of a single page shows
    that page instead, since an ellipsis would take the same space and say less."""
    wanted = sorted({1, last, *range(max(1, current - 1), min(last, current + 1) + 1)})
    numbers: list[int | None] = []
    previous = 0
    for number in wanted:
        if number - previous == 2:
            numbers.append(previous + 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


@dataclass(frozen=True)
class PageLink:
    number: int | None  # None for an ellipsis
    url: str = ""
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    """What the GOV.UK pagination component needs: numbered links when the list's length
    is known, otherwise only "Previous" and "Next"."""

    previous_url: str | None
    next_url: str | None
    previous_number: int
    next_number: int
    links: list[PageLink]

    @property
    def shown(self) -> bool:
        return bool(self.previous_url or self.next_url)


def pagination(query: QueryDict, page: InboxPage) -> Pagination:
    links: list[PageLink] = []
    last = page.last_number
    if last is not None and last > 1:
        links = [
            PageLink(number, page_url(query, number), number == page.number)
            if number is not None
            else PageLink(None)
            for number in page_numbers(page.number, last)
        ]
    has_previous = page.has_previous and not (page.requested_out_of_range and not page.rows)
    return Pagination(
        previous_url=page_url(query, page.number - 1) if has_previous else None,
        next_url=page_url(query, page.number + 1) if page.has_next else None,
        previous_number=page.number - 1,
        next_number=page.number + 1,
        links=links,
    )
