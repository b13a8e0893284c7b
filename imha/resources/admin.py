"""The library in the admin, for administrators to look things up and correct details.

Publishing is left to the staff pages, where the rules (a published file, a full
anonymisation checklist, recorded consent) are checked and audited, so the published flags
and files are read-only here.
"""

from __future__ import annotations

from django.contrib import admin

from imha.core.admin_site import admin_site
from imha.resources.models import Event, Resource, ResourceVersion, Story, StoryConsent


class ResourceVersionInline(admin.TabularInline):
    model = ResourceVersion
    extra = 0
    can_delete = False
    fields = ("number", "file_kind", "size_bytes", "published_at", "download_count", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Resource, site=admin_site)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["title", "audience", "topic", "language", "easy_read", "is_published"]
    list_filter = ["is_published", "audience", "topic", "language", "easy_read"]
    search_fields = ["title", "summary"]
    readonly_fields = ["slug", "is_published", "current_version", "created_by", "created_at"]
    inlines = [ResourceVersionInline]


@admin.register(Story, site=admin_site)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "changed_name", "is_published", "published_at"]
    list_filter = ["is_published"]
    search_fields = ["title"]
    readonly_fields = ["slug", "is_published", "published_at", "created_by", "created_at"]


@admin.register(StoryConsent, site=admin_site)
class StoryConsentAdmin(admin.ModelAdmin):
    list_display = ["story", "given_on", "method", "withdrawn_on"]
    list_filter = ["method"]
    readonly_fields = ["story", "recorded_by", "recorded_at"]


@admin.register(Event, site=admin_site)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "starts_at", "is_online", "is_published"]
    list_filter = ["is_published", "is_online"]
    search_fields = ["title"]
    readonly_fields = ["is_published", "created_by", "created_at"]
