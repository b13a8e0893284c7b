"""Numbered page links for the GOV.UK pagination component."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet

# Pages shown either side of the current one; the first and last are always shown.
NEIGHBOURS = 1


@dataclass(frozen=True)
class PageLink:
    """A page number to link to, or None for the "⋯" standing in for pages left out."""

    number: int | None
    current: bool = False


def page_links(page: Page) -> list[PageLink]:
    """The first page, the last, and the current one with its neighbours, with a gap
    wherever pages are left out: 1 ⋯ 6 [7] 8 ⋯ 42, as the GOV.UK design system advises."""
    last = page.paginator.num_pages
    if last <= 1:
        return []
    wanted = {1, last, *range(page.number - NEIGHBOURS, page.number + NEIGHBOURS + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    links: list[PageLink] = []
    for previous, number in pairwise([0, *numbers]):
        if number - previous == 2:
            # Only one page left out: its number takes no more room than a gap would.
            links.append(PageLink(previous + 1))
        elif number - previous > 2:
            links.append(PageLink(None))
        links.append(PageLink(number, current=number == page.number))
    return links


class KeysFirstPaginator(Paginator):
    """A paginator for long, newest-first lists: it reads the page's primary keys first,
    which the database answers from an index alone, then fetches just those rows with
    their joins. With OFFSET on the joined query, page 2,000 would join and throw away
    100,000 rows; this way it skips 100,000 index entries instead."""

    def __init__(self, queryset: QuerySet[Any], per_page: int) -> None:
        super().__init__(queryset, per_page)
        self.queryset = queryset

    def page(self, number: int | str) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.queryset.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.queryset.order_by().filter(pk__in=keys)}
        return Page([rows[key] for key in keys], number, self)
