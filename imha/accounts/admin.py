from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.models import SignInAttempt, Team, User
from imha.core.admin_site import admin_site


@admin.register(User, site=admin_site)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "hospital", "team", "is_active"]
    list_filter = ["role", "hospital", "team", "is_active"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Role", {"fields": ("role", "hospital", "team")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        ("Role", {"fields": ("role", "hospital", "team", "first_name", "last_name", "email")}),
    )


@admin.register(Team, site=admin_site)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    search_fields = ["name", "area"]


@admin.register(SignInAttempt, site=admin_site)
class SignInAttemptAdmin(admin.ModelAdmin):
    list_display = ["username", "ip_address", "succeeded", "attempted_at"]
    list_filter = ["succeeded"]
    search_fields = ["username", "ip_address"]

    # The attempts are evidence of what happened; nobody edits them by hand.
    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


# Administrators reset a lost authenticator by deleting the person's device here; the person
# then enrols again at their next sign-in.
admin_site.register(TOTPDevice, TOTPDeviceAdmin)
admin_site.register(StaticDevice, StaticDeviceAdmin)
