"""The Django admin, open only to administrators who have passed the second factor."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.http import HttpRequest

from imha.accounts.models import Role
from imha.core.access import second_factor_passed


class AdministratorAdminSite(AdminSite):
    site_header = "imha administration"
    site_title = "imha administration"
    index_title = "Administration"
    # Sign-in goes through our own pages so the second factor cannot be skipped.
    login_template = None

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active
            and getattr(user, "role", None) == Role.ADMINISTRATOR
            and second_factor_passed(user)
        )

    def login(self, request, extra_context=None):  # type: ignore[no-untyped-def]
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        target = request.GET.get("next") or reverse("admin:index")
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")


admin_site = AdministratorAdminSite(name="admin")
