"""Staff pages for the public library.

Who may do what:
- managers and administrators publish: they add and change toolkits and leaflets, upload
  versions, manage events, and publish or take down stories;
- advocates and intake workers hear people's stories first, so they may draft stories and
  record consent, but a manager must publish. Once a story is public only a manager or
  administrator may change its words;
- hospital users and commissioners have no part in the library.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from imha.accounts.models import User
from imha.core.access import signed_in_user, staff_required
from imha.resources import selectors, services
from imha.resources.anonymisation import publishing_problems
from imha.resources.forms import (
    ConsentForm,
    EventForm,
    NewResourceForm,
    ResourceForm,
    StoryForm,
    VersionForm,
)
from imha.resources.models import Event, Story, StoryConsent
from imha.resources.services import PUBLISHER_ROLES, STORY_WRITER_ROLES, LibraryRuleError

publisher_required = staff_required(*PUBLISHER_ROLES)
story_writer_required = staff_required(*STORY_WRITER_ROLES)


def _form_page(
    request: HttpRequest, template: str, context: dict[str, Any], form: Any
) -> HttpResponse:
    return render(request, template, {**context, "form": form}, status=400 if form.errors else 200)


def _is_publisher(user: User) -> bool:
    return user.has_role(*PUBLISHER_ROLES)


@story_writer_required
def staff_library(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    publisher = _is_publisher(user)
    return render(
        request,
        "resources/staff/index.html",
        {
            "is_publisher": publisher,
            "resources": list(selectors.staff_resources()) if publisher else [],
            "stories": list(selectors.staff_stories()),
            "events": list(selectors.staff_events()) if publisher else [],
        },
    )


# --- toolkits and leaflets -------------------------------------------------------


def _resource_details(form: ResourceForm) -> services.ResourceDetails:
    data = form.cleaned_data
    return services.ResourceDetails(
        title=data["title"],
        summary=data["summary"],
        audience=data["audience"],
        topic=data["topic"],
        language=data["language"],
        easy_read=data["easy_read"],
    )


@publisher_required
def staff_resource_new(request: HttpRequest) -> HttpResponse:
    form = NewResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        resource = services.create_resource(
            details=_resource_details(form),
            upload=form.cleaned_data["file"],
            change_note=form.cleaned_data["change_note"],
            actor=signed_in_user(request),
            request=request,
        )
        messages.success(request, "The resource has been saved. It is not public yet.")
        return redirect("resources:staff_resource", resource_id=resource.pk)
    return _form_page(request, "resources/staff/resource_form.html", {"resource": None}, form)


@publisher_required
def staff_resource(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.staff_resource(resource_id)
    return render(
        request,
        "resources/staff/resource_detail.html",
        {"resource": resource, "versions": list(selectors.resource_versions(resource))},
    )


@publisher_required
def staff_resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.staff_resource(resource_id)
    form = ResourceForm(request.POST or None, instance=resource)
    if request.method == "POST" and form.is_valid():
        services.update_resource(
            resource=resource,
            details=_resource_details(form),
            actor=signed_in_user(request),
            request=request,
        )
        messages.success(request, "The resource's details have been changed.")
        return redirect("resources:staff_resource", resource_id=resource.pk)
    return _form_page(request, "resources/staff/resource_form.html", {"resource": resource}, form)


@publisher_required
@require_POST
def staff_resource_publish(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.staff_resource(resource_id)
    publish = request.POST.get("publish") == "yes"
    try:
        services.set_resource_published(
            resource=resource, published=publish, actor=signed_in_user(request), request=request
        )
    except LibraryRuleError as refused:
        messages.error(request, " ".join(refused.problems))
    else:
        messages.success(
            request,
            "The resource is now in the public library."
            if publish
            else "The resource has been taken out of the public library.",
        )
    return redirect("resources:staff_resource", resource_id=resource.pk)


@publisher_required
def staff_version_new(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = selectors.staff_resource(resource_id)
    form = VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        version = services.add_version(
            resource=resource,
            upload=form.cleaned_data["file"],
            change_note=form.cleaned_data["change_note"],
            publish_now=form.cleaned_data["publish_now"] == "yes",
            actor=signed_in_user(request),
            request=request,
        )
        messages.success(request, f"Version {version.number} has been uploaded.")
        return redirect("resources:staff_resource", resource_id=resource.pk)
    return _form_page(request, "resources/staff/version_form.html", {"resource": resource}, form)


@publisher_required
@require_POST
def staff_version_publish(request: HttpRequest, resource_id: int, version_id: int) -> HttpResponse:
    resource = selectors.staff_resource(resource_id)
    version = selectors.staff_version(resource, version_id)
    services.publish_version(version=version, actor=signed_in_user(request), request=request)
    messages.success(request, f"Version {version.number} has been published.")
    return redirect("resources:staff_resource", resource_id=resource.pk)


@publisher_required
def staff_version_download(request: HttpRequest, resource_id: int, version_id: int) -> HttpResponse:
    """Any version, published or not, for staff to check. Not counted as a public download.

    Files are at most a few megabytes, so this reads the whole file rather than streaming
    it; that keeps the view an ordinary HttpResponse like every other staff page.
    """
    version = selectors.staff_version(selectors.staff_resource(resource_id), version_id)
    try:
        with version.file.open("rb") as handle:
            content = handle.read()
    except FileNotFoundError:
        raise Http404 from None
    response = HttpResponse(content, content_type=version.kind.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=version.download_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- stories ----------------------------------------------------------------------


def _story_details(form: StoryForm) -> services.StoryDetails:
    data = form.cleaned_data
    return services.StoryDetails(
        title=data["title"],
        summary=data["summary"],
        body=data["body"],
        changed_name=data["changed_name"],
        confirmed_checks=frozenset(data["confirmed_checks"]),
    )


def _consent_of(story: Story) -> StoryConsent | None:
    return getattr(story, "consent", None)


@story_writer_required
def staff_story_new(request: HttpRequest) -> HttpResponse:
    form = StoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        story = services.create_story(
            details=_story_details(form), actor=signed_in_user(request), request=request
        )
        messages.success(request, "The story has been saved as a draft.")
        return redirect("resources:staff_story", story_id=story.pk)
    return _form_page(request, "resources/staff/story_form.html", {"story": None}, form)


def _story_page(
    request: HttpRequest, story: Story, refused: list[str] | None = None
) -> HttpResponse:
    user = signed_in_user(request)
    consent = _consent_of(story)
    if consent is not None:
        # The consent record names a real person, so reading it is audited like any other
        # personal data.
        services.note_consent_viewed(consent=consent, actor=user, request=request)
    return render(
        request,
        "resources/staff/story_detail.html",
        {
            "story": story,
            "consent": consent,
            "problems": publishing_problems(story, consent),
            "refused": refused or [],
            "is_publisher": _is_publisher(user),
            "can_edit": services.can_edit_story(user, story),
        },
        status=400 if refused else 200,
    )


@story_writer_required
def staff_story(request: HttpRequest, story_id: int) -> HttpResponse:
    return _story_page(request, selectors.staff_story(story_id))


@story_writer_required
def staff_story_edit(request: HttpRequest, story_id: int) -> HttpResponse:
    user = signed_in_user(request)
    story = selectors.staff_story(story_id)
    if not services.can_edit_story(user, story):
        raise PermissionDenied("Only a manager or administrator can change a published story.")
    form = StoryForm(request.POST or None, instance=story)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_story(
                story=story, details=_story_details(form), actor=user, request=request
            )
        except LibraryRuleError as refused:
            for problem in refused.problems:
                form.add_error(None, problem)
        else:
            messages.success(request, "The story has been saved.")
            return redirect("resources:staff_story", story_id=story.pk)
    return _form_page(request, "resources/staff/story_form.html", {"story": story}, form)


@story_writer_required
def staff_story_consent(request: HttpRequest, story_id: int) -> HttpResponse:
    user = signed_in_user(request)
    story = selectors.staff_story(story_id)
    form = ConsentForm(
        request.POST or None, instance=_consent_of(story), today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_consent(
            story=story,
            details=services.ConsentDetails(
                given_by=data["given_by"],
                relationship=data["relationship"],
                given_on=data["given_on"],
                method=data["method"],
                where_kept=data["where_kept"],
            ),
            actor=user,
            request=request,
        )
        messages.success(request, "Consent has been recorded.")
        return redirect("resources:staff_story", story_id=story.pk)
    return _form_page(request, "resources/staff/consent_form.html", {"story": story}, form)


@story_writer_required
@require_POST
def staff_story_withdraw_consent(request: HttpRequest, story_id: int) -> HttpResponse:
    story = selectors.staff_story(story_id)
    try:
        services.withdraw_consent(
            story=story,
            withdrawn_on=timezone.localdate(),
            actor=signed_in_user(request),
            request=request,
        )
    except LibraryRuleError as refused:
        messages.error(request, " ".join(refused.problems))
    else:
        messages.success(
            request, "Consent has been withdrawn. The story is not on the website any more."
        )
    return redirect("resources:staff_story", story_id=story.pk)


@publisher_required
@require_POST
def staff_story_publish(request: HttpRequest, story_id: int) -> HttpResponse:
    story = selectors.staff_story(story_id)
    try:
        services.publish_story(story=story, actor=signed_in_user(request), request=request)
    except LibraryRuleError as refused:
        return _story_page(request, story, refused=refused.problems)
    messages.success(request, "The story is now on the website.")
    return redirect("resources:staff_story", story_id=story.pk)


@publisher_required
@require_POST
def staff_story_unpublish(request: HttpRequest, story_id: int) -> HttpResponse:
    story = selectors.staff_story(story_id)
    services.unpublish_story(story=story, actor=signed_in_user(request), request=request)
    messages.success(request, "The story has been taken off the website.")
    return redirect("resources:staff_story", story_id=story.pk)


# --- events -----------------------------------------------------------------------


def _event_details(form: EventForm) -> services.EventDetails:
    data = form.cleaned_data
    starts_at, ends_at = form.starts_and_ends()
    online = data["is_online"] == "yes"
    return services.EventDetails(
        title=data["title"],
        description=data["description"],
        starts_at=starts_at,
        ends_at=ends_at,
        is_online=online,
        venue=data["venue"],
        booking_contact=data["booking_contact"],
    )


def _event_initial(event: Event) -> dict[str, Any]:
    return EventForm.initial_for(
        event.starts_at,
        event.ends_at,
        title=event.title,
        description=event.description,
        is_online="yes" if event.is_online else "no",
        venue=event.venue,
        booking_contact=event.booking_contact,
    )


@publisher_required
def staff_event_new(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.create_event(
            details=_event_details(form), actor=signed_in_user(request), request=request
        )
        messages.success(request, "The event has been saved. It is not public yet.")
        return redirect("resources:staff_library")
    return _form_page(request, "resources/staff/event_form.html", {"event": None}, form)


@publisher_required
def staff_event_edit(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.staff_event(event_id)
    form = EventForm(request.POST or None, initial=_event_initial(event))
    if request.method == "POST" and form.is_valid():
        services.update_event(
            event=event,
            details=_event_details(form),
            actor=signed_in_user(request),
            request=request,
        )
        messages.success(request, "The event has been changed.")
        return redirect("resources:staff_library")
    return _form_page(request, "resources/staff/event_form.html", {"event": event}, form)


@publisher_required
@require_POST
def staff_event_publish(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.staff_event(event_id)
    publish = request.POST.get("publish") == "yes"
    services.set_event_published(
        event=event, published=publish, actor=signed_in_user(request), request=request
    )
    messages.success(
        request,
        "The event is now on the events page."
        if publish
        else "The event has been taken off the events page.",
    )
    return redirect("resources:staff_library")
