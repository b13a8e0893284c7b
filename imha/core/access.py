"""The one gate every staff view goes through.

A staff page needs three things: a signed-in user, a second factor passed in this session,
and a role that the page allows. Keeping all three in one decorator means a view cannot
forget the second factor.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from imha.accounts.models import Role, User

ViewFunc = Callable[..., HttpResponse]

ALL_STAFF_ROLES = tuple(Role.values)


def second_factor_passed(user: object) -> bool:
    """True once this session has passed the second factor.

    django-otp's middleware adds `is_verified` to the request's user; a user object that
    did not come through the middleware has not passed it.
    """
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind `staff_required` (which guarantees one)."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Sign in to see this page.")
    return user


def staff_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    allowed = roles or ALL_STAFF_ROLES

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:login')}?{query}")
            if not second_factor_passed(user):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('accounts:second_factor')}?{query}")
            if not user.has_role(*allowed):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        wrapped.staff_roles = allowed  # type: ignore[attr-defined]
        return wrapped

    return decorator
