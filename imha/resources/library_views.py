"""Public pages of the library: toolkits and leaflets, stories and events.

Like the rest of the public site they set no cookies: the filters are a plain GET form and
downloads are counted without knowing who downloaded.

Each list grows as the service publishes more, so each is shown a page at a time through
imha.core.paging, like the staff lists. The page number lives in the address next to the
filters, so a page link keeps the filters and nothing needs remembering between requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from imha.core import paging
from imha.resources import selectors, services
from imha.resources.models import Audience, Language, Topic
from imha.resources.selectors import LibraryFilters

# Enough to scan on one screenful or two without a long scroll; the same for all three lists
# so that paging through the library feels the same everywhere.
RESOURCES_PER_PAGE = 20
STORIES_PER_PAGE = 20
EVENTS_PER_PAGE = 20


@dataclass(frozen=True)
class FilterOption:
    id: str
    value: str
    label: str
    checked: bool


@dataclass(frozen=True)
class FilterGroup:
    name: str
    legend: str
    options: list[FilterOption]


def _group(
    name: str, legend: str, choices: list[tuple[str, str]], chosen: tuple[str, ...]
) -> FilterGroup:
    return FilterGroup(
        name=name,
        legend=legend,
        options=[
            FilterOption(f"filter-{name}-{value}", value, label, value in chosen)
            for value, label in choices
        ],
    )


def filter_groups(filters: LibraryFilters) -> list[FilterGroup]:
    return [
        _group("audience", "Who it is for", Audience.choices, filters.audiences),
        _group("topic", "Topic", Topic.choices, filters.topics),
        _group("language", "Language", Language.choices, filters.languages),
        FilterGroup(
            name="easy_read",
            legend="Format",
            options=[
                FilterOption("filter-easy-read", "yes", "Easy read only", filters.easy_read_only)
            ],
        ),
    ]


@require_safe
def library(request: HttpRequest) -> HttpResponse:
    filters = LibraryFilters.from_query(request.GET)
    page, pagination = paging.paginated(
        request.GET,
        Paginator(selectors.public_library(filters), RESOURCES_PER_PAGE),
        of="toolkits and leaflets",
        # The filter form comes first, and on a phone it fills the screen: the page links
        # take the reader straight back to the results.
        fragment="#results-heading",
    )
    return render(
        request,
        "resources/library/index.html",
        {
            "page": page,
            "pagination": pagination,
            "filters": filters,
            "groups": filter_groups(filters),
        },
    )


@require_safe
def download(request: HttpRequest, slug: str) -> FileResponse:
    version = selectors.public_download(slug)
    try:
        handle = version.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if request.method == "GET":  # a HEAD request fetches nothing, so it is not a download
        services.count_download(version)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.download_name,
        content_type=version.kind.content_type,
    )
    # Set here as well as by the security middleware: a browser must never guess the type of
    # an uploaded file, whatever the project's settings say.
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def stories(request: HttpRequest) -> HttpResponse:
    page, pagination = paging.paginated(
        request.GET,
        Paginator(selectors.published_stories(), STORIES_PER_PAGE),
        of="stories",
    )
    return render(request, "resources/stories/list.html", {"page": page, "pagination": pagination})


@require_safe
def story(request: HttpRequest, slug: str) -> HttpResponse:
    return render(
        request, "resources/stories/detail.html", {"story": selectors.published_story(slug)}
    )


@require_safe
def events(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    page, pagination = paging.paginated(
        request.GET,
        Paginator(selectors.upcoming_events(now), EVENTS_PER_PAGE),
        of="upcoming events",
    )
    # Past events are few (the latest only) and come after the upcoming ones, so they are
    # shown once, on the first page, rather than repeated on every page of upcoming events.
    past = selectors.recent_past_events(now) if page.number == 1 else []
    return render(
        request,
        "resources/events/list.html",
        {"page": page, "pagination": pagination, "past_events": past},
    )
