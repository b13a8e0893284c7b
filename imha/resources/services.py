"""Actions that change the public library. Each runs in one transaction with its audit entry.

Resources, stories and events are not personal data, but who published what is worth
knowing, so their changes are audited too. Consent records are personal data: they are
audited when made, changed, withdrawn and viewed. Audit summaries never carry the name of
the person who gave consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify

from imha.accounts.models import Role, User
from imha.audit.models import AuditAction
from imha.audit.services import record
from imha.resources.anonymisation import publishing_problems
from imha.resources.models import (
    ANONYMISATION_CHECKS,
    Event,
    Resource,
    ResourceVersion,
    Story,
    StoryConsent,
)
from imha.resources.uploads import check_upload

RESOURCE = "library_resource"
VERSION = "library_resource_version"
STORY = "story"
CONSENT = "story_consent"
EVENT = "event"

# Managers and administrators decide what the public sees. Advocates and intake workers
# hear the stories first, so they may draft them and record consent, but not publish.
PUBLISHER_ROLES = (Role.MANAGER, Role.ADMINISTRATOR)
STORY_WRITER_ROLES = (Role.INTAKE, Role.ADVOCATE, Role.MANAGER, Role.ADMINISTRATOR)


class LibraryRuleError(Exception):
    """An action the rules do not allow, with the reasons in words staff can act on."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def unique_slug(
    model: type[Resource] | type[Story], title: str, exclude_pk: int | None = None
) -> str:
    base = slugify(title)[:200] or "item"
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    slug, number = base, 2
    while taken.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- toolkits and leaflets -------------------------------------------------------


@dataclass(frozen=True)
class ResourceDetails:
    title: str
    summary: str
    audience: str
    topic: str
    language: str
    easy_read: bool


def _apply_details(resource: Resource, details: ResourceDetails) -> None:
    resource.title = details.title
    resource.summary = details.summary
    resource.audience = details.audience
    resource.topic = details.topic
    resource.language = details.language
    resource.easy_read = details.easy_read


def _refresh_current_version(resource: Resource) -> None:
    """Point the resource at its newest published version (by upload order). Saves."""
    resource.current_version = (
        resource.versions.filter(published_at__isnull=False).order_by("-number").first()
    )
    resource.save(update_fields=["current_version", "updated_at"])


@transaction.atomic
def create_resource(
    *,
    details: ResourceDetails,
    upload: UploadedFile,
    change_note: str,
    actor: User,
    request: HttpRequest | None = None,
) -> Resource:
    """A new resource with its first file. It stays off the public library until published."""
    resource = Resource(slug=unique_slug(Resource, details.title), created_by=actor)
    _apply_details(resource, details)
    resource.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=RESOURCE,
        object_id=resource.pk,
        summary=f"Created library resource '{resource.title}'",
        request=request,
    )
    add_version(
        resource=resource,
        upload=upload,
        change_note=change_note,
        publish_now=True,
        actor=actor,
        request=request,
    )
    resource.refresh_from_db()
    return resource


@transaction.atomic
def update_resource(
    *, resource: Resource, details: ResourceDetails, actor: User, request: HttpRequest | None = None
) -> Resource:
    _apply_details(resource, details)
    resource.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=RESOURCE,
        object_id=resource.pk,
        summary=f"Changed the details of library resource '{resource.title}'",
        request=request,
    )
    return resource


@transaction.atomic
def add_version(
    *,
    resource: Resource,
    upload: UploadedFile,
    change_note: str,
    publish_now: bool,
    actor: User,
    request: HttpRequest | None = None,
) -> ResourceVersion:
    """Keep a new file as the resource's next version; earlier versions stay as they are."""
    checked = check_upload(upload)  # the form checked already; a service must not trust it
    # Locking the resource row makes two uploads at once take numbers one after the other.
    Resource.objects.select_for_update().filter(pk=resource.pk).get()
    highest = resource.versions.aggregate(highest=Max("number"))["highest"] or 0
    version = ResourceVersion(
        resource=resource,
        number=highest + 1,
        file_kind=checked.kind,
        size_bytes=checked.size_bytes,
        change_note=change_note,
        published_at=timezone.now() if publish_now else None,
        uploaded_by=actor,
    )
    # If the transaction later rolls back, the stored file is left with no row pointing at
    # it. It is never served (downloads go through a row), so this costs only disk space.
    version.file.save(upload.name or f"upload.{checked.kind.value}", upload, save=False)
    version.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=VERSION,
        object_id=version.pk,
        summary=(
            f"Uploaded version {version.number} of library resource {resource.pk}"
            + (" and published it" if publish_now else " as a draft")
        ),
        request=request,
    )
    if publish_now:
        _refresh_current_version(resource)
    return version


@transaction.atomic
def publish_version(
    *, version: ResourceVersion, actor: User, request: HttpRequest | None = None
) -> ResourceVersion:
    version = ResourceVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is None:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=VERSION,
            object_id=version.pk,
            summary=f"Published version {version.number} of library resource {version.resource_id}",
            request=request,
        )
        _refresh_current_version(version.resource)
    return version


@transaction.atomic
def set_resource_published(
    *, resource: Resource, published: bool, actor: User, request: HttpRequest | None = None
) -> Resource:
    resource = Resource.objects.select_for_update().get(pk=resource.pk)  # the current state
    if published and resource.current_version_id is None:
        raise LibraryRuleError(["Publish a version of the file before publishing the resource"])
    if resource.is_published != published:
        resource.is_published = published
        resource.save(update_fields=["is_published", "updated_at"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=RESOURCE,
            object_id=resource.pk,
            summary=(
                f"{'Published' if published else 'Took down'} library resource '{resource.title}'"
            ),
            request=request,
        )
    return resource


@transaction.atomic
def count_download(version: ResourceVersion) -> None:
    """Add one to a version's download count.

    The increment happens in the database, so downloads at the same moment are all counted.
    Nobody is identified and no cookie is set, so this is not audited: the public are
    anonymous and the count is the only record.
    """
    ResourceVersion.objects.filter(pk=version.pk).update(download_count=F("download_count") + 1)


# --- stories --------------------------------------------------------------------


@dataclass(frozen=True)
class StoryDetails:
    title: str
    summary: str
    body: str
    changed_name: str
    confirmed_checks: frozenset[str]


def _apply_story_details(story: Story, details: StoryDetails) -> None:
    story.title = details.title
    story.summary = details.summary
    story.body = details.body
    story.changed_name = details.changed_name.strip()
    for field, _label in ANONYMISATION_CHECKS:
        setattr(story, field, field in details.confirmed_checks)


def _consent_of(story: Story) -> StoryConsent | None:
    return StoryConsent.objects.filter(story=story).first()


def _locked(story: Story) -> Story:
    """The story as the database has it now, locked until the transaction ends.

    Rules depend on whether a story is published, and the caller's copy may be older than
    someone else's publish or take-down.
    """
    return Story.objects.select_for_update().get(pk=story.pk)


def can_edit_story(user: User, story: Story) -> bool:
    # Once a story is public, only the people who may publish may change its words.
    allowed = PUBLISHER_ROLES if story.is_published else STORY_WRITER_ROLES
    return user.has_role(*allowed)


@transaction.atomic
def create_story(
    *, details: StoryDetails, actor: User, request: HttpRequest | None = None
) -> Story:
    story = Story(slug=unique_slug(Story, details.title), created_by=actor)
    _apply_story_details(story, details)
    story.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=STORY,
        object_id=story.pk,
        summary="Drafted an Advocacy in action story",
        request=request,
    )
    return story


@transaction.atomic
def update_story(
    *, story: Story, details: StoryDetails, actor: User, request: HttpRequest | None = None
) -> Story:
    story = _locked(story)
    if not can_edit_story(actor, story):
        raise LibraryRuleError(["Only a manager can change a published story"])
    _apply_story_details(story, details)
    if story.is_published:
        # A published story must still pass every check after the change, or the change
        # would publish words nobody has confirmed.
        problems = publishing_problems(story, _consent_of(story))
        if problems:
            raise LibraryRuleError(problems)
    story.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=STORY,
        object_id=story.pk,
        summary="Changed an Advocacy in action story",
        request=request,
    )
    return story


@transaction.atomic
def publish_story(*, story: Story, actor: User, request: HttpRequest | None = None) -> Story:
    if not actor.has_role(*PUBLISHER_ROLES):
        raise LibraryRuleError(["Only a manager or administrator can publish a story"])
    story = _locked(story)
    problems = publishing_problems(story, _consent_of(story))
    if problems:
        raise LibraryRuleError(problems)
    if not story.is_published:
        # The address is made from the title as checked now: an earlier draft title might
        # have held a real name or a date, and the address would otherwise keep it.
        story.slug = unique_slug(Story, story.title, exclude_pk=story.pk)
        story.is_published = True
        story.published_at = timezone.now()
        story.save(update_fields=["slug", "is_published", "published_at", "updated_at"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=STORY,
            object_id=story.pk,
            summary="Published an Advocacy in action story",
            request=request,
        )
    return story


@transaction.atomic
def unpublish_story(
    *, story: Story, actor: User | None, request: HttpRequest | None = None, reason: str = ""
) -> Story:
    story = _locked(story)
    if story.is_published:
        story.is_published = False
        story.save(update_fields=["is_published", "updated_at"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=STORY,
            object_id=story.pk,
            summary="Took down an Advocacy in action story" + (f" ({reason})" if reason else ""),
            request=request,
        )
    return story


@dataclass(frozen=True)
class ConsentDetails:
    given_by: str
    relationship: str
    given_on: date
    method: str
    where_kept: str


@transaction.atomic
def record_consent(
    *, story: Story, details: ConsentDetails, actor: User, request: HttpRequest | None = None
) -> StoryConsent:
    """Record, or correct, who consented to the story and how."""
    consent = _consent_of(story)
    action = AuditAction.UPDATE if consent else AuditAction.CREATE
    consent = consent or StoryConsent(story=story, recorded_by=actor)
    consent.given_by = details.given_by
    consent.relationship = details.relationship
    consent.given_on = details.given_on
    consent.method = details.method
    consent.where_kept = details.where_kept
    consent.save()
    record(
        actor=actor,
        action=action,
        object_type=CONSENT,
        object_id=consent.pk,
        summary=f"{'Recorded' if action == AuditAction.CREATE else 'Corrected'} consent "
        f"for story {story.pk}",
        request=request,
    )
    return consent


@transaction.atomic
def withdraw_consent(
    *, story: Story, withdrawn_on: date, actor: User, request: HttpRequest | None = None
) -> StoryConsent:
    """Consent can be withdrawn at any time; the story comes off the site at once."""
    consent = _consent_of(story)
    if consent is None:
        raise LibraryRuleError(["There is no consent record to withdraw"])
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on", "updated_at"])
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=CONSENT,
        object_id=consent.pk,
        summary=f"Recorded that consent for story {story.pk} was withdrawn",
        request=request,
    )
    unpublish_story(story=story, actor=actor, request=request, reason="consent withdrawn")
    return consent


@transaction.atomic
def note_consent_viewed(
    *, consent: StoryConsent, actor: User, request: HttpRequest | None = None
) -> None:
    record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=CONSENT,
        object_id=consent.pk,
        summary=f"Viewed the consent record for story {consent.story_id}",
        request=request,
    )


# --- events ---------------------------------------------------------------------


@dataclass(frozen=True)
class EventDetails:
    title: str
    description: str
    starts_at: datetime
    ends_at: datetime | None
    is_online: bool
    venue: str
    booking_contact: str


def _apply_event_details(event: Event, details: EventDetails) -> None:
    event.title = details.title
    event.description = details.description
    event.starts_at = details.starts_at
    event.ends_at = details.ends_at
    event.is_online = details.is_online
    event.venue = details.venue
    event.booking_contact = details.booking_contact


@transaction.atomic
def create_event(
    *, details: EventDetails, actor: User, request: HttpRequest | None = None
) -> Event:
    event = Event(created_by=actor)
    _apply_event_details(event, details)
    event.save()
    record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=EVENT,
        object_id=event.pk,
        summary=f"Created event '{event.title}'",
        request=request,
    )
    return event


@transaction.atomic
def update_event(
    *, event: Event, details: EventDetails, actor: User, request: HttpRequest | None = None
) -> Event:
    _apply_event_details(event, details)
    event.save()
    record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=EVENT,
        object_id=event.pk,
        summary=f"Changed event '{event.title}'",
        request=request,
    )
    return event


@transaction.atomic
def set_event_published(
    *, event: Event, published: bool, actor: User, request: HttpRequest | None = None
) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.is_published != published:
        event.is_published = published
        event.save(update_fields=["is_published", "updated_at"])
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type=EVENT,
            object_id=event.pk,
            summary=f"{'Published' if published else 'Took down'} event '{event.title}'",
            request=request,
        )
    return event
