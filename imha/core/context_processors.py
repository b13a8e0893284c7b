from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    return {"service": settings.IMHA_SERVICE}


def staff_navigation(request: HttpRequest) -> dict[str, Any]:
    from imha.accounts.models import User
    from imha.core.access import second_factor_passed
    from imha.core.navigation import navigation_for

    user = getattr(request, "user", None)
    if not isinstance(user, User) or not second_factor_passed(user):
        return {"staff_navigation": []}
    return {"staff_navigation": navigation_for(user, request.path)}
