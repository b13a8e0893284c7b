"""Reference data for hospitals: the hospitals, their wards, their reminder settings and the
service's wording for written information.

Patients' records are deliberately not here: administrators manage reference data, and the
records belong to the hospitals' own pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from imha.accounts.models import User
from imha.core.admin_site import admin_site
from imha.hospitals import services
from imha.hospitals.models import Hospital, Ward, WrittenInformationTemplate

REMINDER_FIELDS = (
    "first_information_working_days",
    "reminder_interval_weeks",
    "remind_before_period_ends",
    "remind_when_tribunal_window_opens",
    "remind_on_status_change",
    "due_soon_days",
)


class WardInline(admin.TabularInline):
    model = Ward
    extra = 1
    fields = ["name", "is_active"]


@admin.register(Hospital, site=admin_site)
class HospitalAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "is_active",
        "automatic_referral_enabled",
        "reminder_digest_enabled",
    ]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [WardInline]
    fieldsets = (
        (None, {"fields": ("name", "code", "address", "is_active")}),
        ("Automatic referral", {"fields": ("automatic_referral_enabled",)}),
        ("Duty to inform and reminders", {"fields": REMINDER_FIELDS}),
        ("Daily email to the hospital's users", {"fields": ("reminder_digest_enabled",)}),
    )

    def save_model(self, request: HttpRequest, obj: Hospital, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # Next-reminder dates are stored on each patient's record so dashboards can count
        # them in the database; a change of policy has to rework them.
        if change and any(field in form.changed_data for field in REMINDER_FIELDS):
            actor = request.user if isinstance(request.user, User) else None
            services.recalculate_reminders(obj, actor=actor, request=request)


@admin.register(Ward, site=admin_site)
class WardAdmin(admin.ModelAdmin):
    list_display = ["name", "hospital", "is_active"]
    list_filter = ["hospital", "is_active"]
    search_fields = ["name", "hospital__name"]


@admin.register(WrittenInformationTemplate, site=admin_site)
class WrittenInformationTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "status_codes", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "title", "body"]
