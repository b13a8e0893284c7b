"""Read queries for the public library and the staff pages that manage it.

Every public query filters on the published flag here, so a view cannot forget it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.http import Http404, QueryDict

from imha.resources.models import (
    Audience,
    Event,
    Language,
    Resource,
    ResourceVersion,
    Story,
    Topic,
)

PAST_EVENTS_SHOWN = 20


@dataclass(frozen=True)
class LibraryFilters:
    """What the person chose in the library's filter form. Unknown values are ignored."""

    audiences: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    easy_read_only: bool = False

    @classmethod
    def from_query(cls, query: QueryDict) -> LibraryFilters:
        def chosen(key: str, allowed: Iterable[str]) -> tuple[str, ...]:
            valid = set(allowed)
            # dict.fromkeys keeps the order and drops repeats.
            return tuple(dict.fromkeys(v for v in query.getlist(key) if v in valid))

        return cls(
            audiences=chosen("audience", Audience.values),
            topics=chosen("topic", Topic.values),
            languages=chosen("language", Language.values),
            easy_read_only=query.get("easy_read") == "yes",
        )

    @property
    def is_active(self) -> bool:
        return bool(self.audiences or self.topics or self.languages or self.easy_read_only)


def public_library(filters: LibraryFilters) -> QuerySet[Resource]:
    """Published resources with a published file, and that file, in one query."""
    resources = Resource.objects.select_related("current_version").filter(
        is_published=True, current_version__published_at__isnull=False
    )
    if filters.audiences:
        resources = resources.filter(audience__in=filters.audiences)
    if filters.topics:
        resources = resources.filter(topic__in=filters.topics)
    if filters.languages:
        resources = resources.filter(language__in=filters.languages)
    if filters.easy_read_only:
        resources = resources.filter(easy_read=True)
    return resources.order_by("title", "pk")


def public_download(slug: str) -> ResourceVersion:
    """The version the public downloads for a resource, or 404 if it is not public."""
    resource = (
        Resource.objects.select_related("current_version")
        .filter(slug=slug, is_published=True, current_version__published_at__isnull=False)
        .first()
    )
    if resource is None or resource.current_version is None:
        raise Http404
    version = resource.current_version
    version.resource = resource  # spares a query when naming the download
    return version


def published_stories() -> QuerySet[Story]:
    return Story.objects.filter(is_published=True).order_by("-published_at", "-pk")


def published_story(slug: str) -> Story:
    story = published_stories().filter(slug=slug).first()
    if story is None:
        raise Http404
    return story


def _upcoming_condition(now: datetime) -> Q:
    # An event is upcoming until it finishes; one with no end time, until it starts.
    return Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now)


def upcoming_events(now: datetime) -> QuerySet[Event]:
    """Published events not yet over, soonest first: the list the events page pages through."""
    return (
        Event.objects.filter(is_published=True)
        .filter(_upcoming_condition(now))
        .order_by("starts_at", "pk")
    )


def recent_past_events(now: datetime) -> list[Event]:
    """The most recent published events that are over, latest first. Only a few are kept on
    show, as a record of what the service has run: nobody is looking for a date to book."""
    past = Event.objects.filter(is_published=True).exclude(_upcoming_condition(now))
    return list(past.order_by("-starts_at", "-pk")[:PAST_EVENTS_SHOWN])


# --- staff pages ------------------------------------------------------------------


def staff_resources() -> QuerySet[Resource]:
    return Resource.objects.select_related("current_version").order_by("title", "pk")


def staff_resource(resource_id: int) -> Resource:
    resource = Resource.objects.select_related("current_version").filter(pk=resource_id).first()
    if resource is None:
        raise Http404
    return resource


def resource_versions(resource: Resource) -> QuerySet[ResourceVersion]:
    return resource.versions.select_related("uploaded_by").order_by("-number")


def staff_version(resource: Resource, version_id: int) -> ResourceVersion:
    version = resource.versions.filter(pk=version_id).first()
    if version is None:
        raise Http404
    version.resource = resource
    return version


def staff_stories() -> QuerySet[Story]:
    return Story.objects.select_related("consent").order_by("is_published", "-updated_at", "-pk")


def staff_story(story_id: int) -> Story:
    story = Story.objects.select_related("consent").filter(pk=story_id).first()
    if story is None:
        raise Http404
    return story


def staff_events() -> QuerySet[Event]:
    return Event.objects.order_by("-starts_at", "-pk")


def staff_event(event_id: int) -> Event:
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        raise Http404
    return event
