"""The shared paging helpers and the pagination include: what a typed-in page number means,
which links are shown and where they go, and the note for a page that is not there. Each
list's own behaviour is tested with its pages (referrals, cases, hospitals, audit)."""

from __future__ import annotations

import re

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.template.loader import render_to_string

from imha.core import paging


@pytest.mark.parametrize(
    ("current", "last", "expected"),
    [
        (1, 1, [1]),
        (1, 2, [1, 2]),
        (2, 3, [1, 2, 3]),
        (1, 10, [1, 2, None, 10]),
        (3, 42, [1, 2, 3, 4, None, 42]),
        (4, 10, [1, 2, 3, 4, 5, None, 10]),
        # A gap of one page shows that page's number instead of "⋯".
        (4, 7, [1, 2, 3, 4, 5, 6, 7]),
        (6, 10, [1, None, 5, 6, 7, None, 10]),
        (7, 42, [1, None, 6, 7, 8, None, 42]),
        (10, 10, [1, None, 9, 10]),
    ],
)
def test_page_numbers_show_the_ends_and_the_neighbours(current, last, expected):
    assert paging.page_numbers(current, last) == expected


@pytest.mark.parametrize(
    ("raw", "number", "not_a_number"),
    [
        (None, 1, False),
        ("", 1, False),
        ("3", 3, False),
        ("007", 7, False),
        ("0" * 30 + "2", 2, False),
        ("0", 1, True),
        ("-1", 1, True),
        ("three", 1, True),
        ("2.5", 1, True),
        ("+2", 1, True),
        ("3 ", 1, True),
        (" 2", 1, True),
        ("\uff12", 1, True),  # a full-width 2, which int() would take
        ("3_000", 1, True),
        ("9" * 5000, paging.MAX_PAGE_NUMBER + 1, False),
    ],
)
def test_requested_page(raw, number, not_a_number):
    requested = paging.requested_page(raw)
    assert (requested.number, requested.not_a_number) == (number, not_a_number)
    assert requested.typed == (raw or "")


def test_page_one_has_a_single_address_and_the_rest_of_the_query_is_kept():
    query = QueryDict("show=all&page=4&hospital=7")
    assert paging.page_url(query, 1) == "?show=all&hospital=7"
    assert paging.page_url(query, 5) == "?show=all&page=5&hospital=7"
    assert paging.page_url(QueryDict(""), 2, "#list") == "?page=2#list"
    assert paging.page_url(QueryDict("page=2"), 1, "#list") == "?#list"


def counted(query: str, number: int, last: int, **kwargs) -> paging.Pagination:
    requested = paging.requested_page_in(QueryDict(query))
    shown = paging.nearest_page_number(requested, last)
    return paging.pagination(
        QueryDict(query),
        requested,
        number=shown,
        last=last,
        has_next=shown < last,
        of="things",
        **kwargs,
    )


def uncounted(query: str, *, has_next: bool, empty: bool = False) -> paging.Pagination:
    requested = paging.requested_page_in(QueryDict(query))
    return paging.pagination(
        QueryDict(query),
        requested,
        number=requested.number,
        last=None,
        has_next=has_next,
        of="things",
        empty=empty,
    )


@pytest.mark.parametrize(
    ("query", "last", "note"),
    [
        ("", 3, ""),
        ("page=2", 3, ""),
        ("page=abc", 3, "“abc” is not a page number, so this is the first page."),
        ("page=0", 3, "“0” is not a page number, so this is the first page."),
        ("page=9", 3, "There is no page 9. This list has 3 pages, and this is the last one."),
        ("page=09", 3, "There is no page 9. This list has 3 pages, and this is the last one."),
        ("page=4", 1, "There is no page 4. This list has only one page."),
        (
            "page=2000",
            1234,
            "There is no page 2000. This list has 1,234 pages, and this is the last one.",
        ),
        (
            f"page={'x' * 100}",
            3,
            f"“{'x' * 19}…” is not a page number, so this is the first page.",
        ),
    ],
)
def test_the_note_for_a_page_that_is_not_there(query, last, note):
    assert counted(query, 1, last).note == note


def test_a_counted_list_shows_its_last_page_when_asked_for_one_past_the_end():
    pagination = counted("page=9&show=all", 9, 3)
    assert pagination.number == 3
    assert pagination.past_end
    assert pagination.previous_url == "?page=2&show=all"
    assert pagination.next_url is None
    assert [(link.number, link.current) for link in pagination.links] == [
        (1, False),
        (2, False),
        (3, True),
    ]


def test_past_the_end_of_an_uncounted_list_links_only_to_the_first_page():
    pagination = uncounted("show=all&page=7", has_next=False, empty=True)
    assert pagination.past_end
    assert pagination.previous_url is None and pagination.next_url is None
    assert not pagination.shown
    assert pagination.note == (
        'There is no page 7 in this list. <a class="govuk-link" href="?show=all">'
        "Go to the first page</a>."
    )


def test_the_note_escapes_what_was_typed():
    pagination = uncounted("page=<b>", has_next=False, empty=True)
    assert pagination.note == "“&lt;b&gt;” is not a page number, so this is the first page."


def test_an_empty_first_page_of_an_uncounted_list_is_not_past_the_end():
    pagination = uncounted("", has_next=False, empty=True)
    assert not pagination.past_end
    assert pagination.note == ""


# --- the include -------------------------------------------------------------------------------


def test_a_counted_list_gets_numbered_links_with_gaps():
    pagination = counted("page=20", 20, 40, fragment="#things")
    html = render_to_string("includes/pagination.html", {"pagination": pagination})
    assert '<nav class="govuk-pagination" aria-label="Pages of things">' in html
    assert re.findall(r'aria-label="Page (\d+)"', html) == ["1", "19", "20", "21", "40"]
    assert html.count("govuk-pagination__item--ellipsis") == 2
    assert 'href="?page=20#things" aria-label="Page 20" aria-current="page"' in html
    assert 'href="?page=19#things" rel="prev"' in html
    assert 'href="?page=21#things" rel="next"' in html
    assert "govuk-pagination__link-label" not in html


def test_an_uncounted_list_gets_previous_and_next_blocks_naming_their_pages():
    pagination = uncounted("show=all&page=2", has_next=True)
    html = render_to_string("includes/pagination.html", {"pagination": pagination})
    assert 'class="govuk-pagination govuk-pagination--block" aria-label="Pages of things"' in html
    assert "govuk-pagination__list" not in html
    assert 'href="?show=all" rel="prev"' in html
    assert 'href="?show=all&amp;page=3" rel="next"' in html
    labels = re.findall(r'govuk-pagination__link-label">([^<]+)<', html)
    assert labels == ["Page 1", "Page 3"]


def test_a_list_of_one_page_has_no_pagination():
    html = render_to_string("includes/pagination.html", {"pagination": counted("", 1, 1)})
    assert "govuk-pagination" not in html


# --- paginators --------------------------------------------------------------------------------


def test_paginated_shows_the_nearest_real_page():
    query = QueryDict("page=12&status=open")
    page, pagination = paging.paginated(query, Paginator(range(25), 10), of="numbers")
    assert page.number == 3
    assert list(page.object_list) == [20, 21, 22, 23, 24]
    assert pagination.label == "Pages of numbers"
    assert (
        pagination.note == "There is no page 12. This list has 3 pages, and this is the last one."
    )


@pytest.mark.parametrize(
    ("typed", "total", "expected"),
    [
        ("1", 0, (1, 1)),
        ("3", 120, (3, 3)),
        ("9", 120, (3, 3)),
        ("9", 151, (9, None)),
        ("nonsense", 151, (1, None)),
    ],
)
def test_a_list_is_counted_only_up_to_its_limit(typed, total, expected):
    requested = paging.requested_page(typed)
    assert paging.capped_page_number(requested, total, limit=150, per_page=50) == expected


def test_a_paginator_told_its_count_does_not_count_again():
    pages = paging.KnownCountPaginator(list(range(7)), 3, count=7)
    assert pages.num_pages == 3
    assert list(pages.page(3).object_list) == [6]


@pytest.mark.parametrize(
    ("number", "rows", "has_next"),
    [(1, [0, 1, 2], True), (3, [6, 7, 8], True), (4, [9], False), (5, [], False)],
)
def test_an_uncounted_page_fetches_one_row_more_to_know_if_another_follows(number, rows, has_next):
    assert paging.uncounted_page(list(range(10)), number, 3) == (rows, has_next)
