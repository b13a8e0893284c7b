from django.urls import path

from imha.resources import library_views, staff_views
from imha.resources.eligibility import QUESTIONS
from imha.resources.views import (
    CHECKER_PAGE,
    INFORMATION_PAGES,
    checker_question,
    checker_result,
    information_page,
)

app_name = "resources"

RESOURCE = "staff/library/resources/<int:resource_id>/"
VERSION = f"{RESOURCE}versions/<int:version_id>/"
STORY = "staff/library/stories/<int:story_id>/"
EVENT = "staff/library/events/<int:event_id>/"

urlpatterns = [
    *[
        path(page.path, information_page, {"page": page}, name=page.url_name)
        for page in INFORMATION_PAGES
    ],
    path(CHECKER_PAGE.path, information_page, {"page": CHECKER_PAGE}, name=CHECKER_PAGE.url_name),
    *[
        path(
            f"{CHECKER_PAGE.path}{question.slug}/",
            checker_question,
            {"question": question},
            name=f"checker_{question.key}",
        )
        for question in QUESTIONS
    ],
    path(f"{CHECKER_PAGE.path}result/", checker_result, name="checker_result"),
    # The public library.
    path("toolkits-and-leaflets/", library_views.library, name="library"),
    path(
        "toolkits-and-leaflets/<slug:slug>/download/",
        library_views.download,
        name="library_download",
    ),
    path("advocacy-in-action/", library_views.stories, name="stories"),
    path("advocacy-in-action/<slug:slug>/", library_views.story, name="story"),
    path("events/", library_views.events, name="events"),
    # Staff pages that publish it.
    path("staff/library/", staff_views.staff_library, name="staff_library"),
    path("staff/library/resources/new/", staff_views.staff_resource_new, name="staff_resource_new"),
    path(RESOURCE, staff_views.staff_resource, name="staff_resource"),
    path(f"{RESOURCE}edit/", staff_views.staff_resource_edit, name="staff_resource_edit"),
    path(f"{RESOURCE}publish/", staff_views.staff_resource_publish, name="staff_resource_publish"),
    path(f"{RESOURCE}versions/new/", staff_views.staff_version_new, name="staff_version_new"),
    path(f"{VERSION}publish/", staff_views.staff_version_publish, name="staff_version_publish"),
    path(f"{VERSION}download/", staff_views.staff_version_download, name="staff_version_download"),
    path("staff/library/stories/new/", staff_views.staff_story_new, name="staff_story_new"),
    path(STORY, staff_views.staff_story, name="staff_story"),
    path(f"{STORY}edit/", staff_views.staff_story_edit, name="staff_story_edit"),
    path(f"{STORY}consent/", staff_views.staff_story_consent, name="staff_story_consent"),
    path(
        f"{STORY}consent/withdraw/",
        staff_views.staff_story_withdraw_consent,
        name="staff_story_withdraw_consent",
    ),
    path(f"{STORY}publish/", staff_views.staff_story_publish, name="staff_story_publish"),
    path(f"{STORY}unpublish/", staff_views.staff_story_unpublish, name="staff_story_unpublish"),
    path("staff/library/events/new/", staff_views.staff_event_new, name="staff_event_new"),
    path(f"{EVENT}edit/", staff_views.staff_event_edit, name="staff_event_edit"),
    path(f"{EVENT}publish/", staff_views.staff_event_publish, name="staff_event_publish"),
]
