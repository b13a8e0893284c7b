"""Staff list pages kept, as finished HTML, until the data behind them changes.

The busiest staff pages (a caseload, the case list, the referral inbox, a hospital's
duty-to-inform list) are opened again and again by the same people while nothing in them has
changed: a ward's office refreshes its list all day, an advocate goes back to their caseload
between every piece of case work. Each time, working the page out from 100,000 cases cost
between 15 and 50 million instructions; handing back the same page kept from last time costs
a read of the data version and one cache lookup.

When a kept page is used
------------------------
Only for the person it was made for, for exactly the same address, and only while all of
these are unchanged (they are all part of the key):

- The data: the project's data version (imha.core.freshness), a token replaced after every
  committed change to any table except bookkeeping ones (sessions, the audit log, sign-in
  attempts). A new referral, a case note, an allocation or an edit to a user makes every
  kept page stale at once, for everybody. So a kept page may show only what those tables
  hold: nothing from the audit log or from sessions.
- The person: their id and role (a role change also changes the data version, as it is a
  write to the users table).
- The day: pages that say "overdue" or "due in 2 days" change at midnight with no write.
- The CSRF secret: the page's forms (at least "Sign out") carry tokens made from the
  secret in the person's CSRF cookie; a page is only reused with the cookie it was made for.
- Whether htmx asked for it, since htmx requests may get part of a page.

And never longer than KEPT_PAGE_SECONDS (60 by default; 0 turns keeping off), which bounds
what the key cannot see: wording that depends on the time of day, a deployment's new
templates, and changes made outside Django.

What is never kept
------------------
Anything but a plain 200 response to a GET with only a Content-Type header, and any page
shown while a message is waiting ("Case allocated"), because the message belongs to that
one showing. Pages are kept after the access check, never before it: the decorator goes
under `staff_required`, so a person whose access has been taken away is refused before any
kept page is looked at.

Where kept pages live
---------------------
In the default cache, which is Redis in production. That puts names and case details into
Redis for up to a minute; the sessions are already there, and Redis must be run as the
database is (no disk copies, reachable only by the application). Set KEPT_PAGE_SECONDS=0
where that is not acceptable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from imha.core.freshness import data_version

ViewFunc = Callable[..., HttpResponse]

# Bump to make every page kept by an earlier version of this module unreadable.
_KEY_FORMAT = "kept-page:1"


def kept_page(view: ViewFunc) -> ViewFunc:
    """Keep this view's pages until the data changes (see the module's notes).

    Put it directly above the view function and below the access decorators.
    """
    if hasattr(view, "staff_roles"):
        # Above the access check, a kept page could be looked up for a request the check
        # would refuse; refuse to be put there.
        raise ImproperlyConfigured(
            f"{view.__qualname__}: put @kept_page below @staff_required, not above it."
        )
    view_name = f"{view.__module__}.{view.__qualname__}"

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.KEPT_PAGE_SECONDS
        if seconds <= 0 or request.method != "GET" or _message_waiting(request):
            return view(request, *args, **kwargs)
        key = _key_for(request, view_name)
        if key is None:
            return view(request, *args, **kwargs)
        kept = cache.get(key)
        if kept is not None:
            content_type, content = kept
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _can_keep(response):
            cache.set(key, (response["Content-Type"], response.content), seconds)
        return response

    return wrapped


def _message_waiting(request: HttpRequest) -> bool:
    # len() loads the messages without marking them shown; iterating would.
    return len(get_messages(request)) > 0


def _key_for(request: HttpRequest, view_name: str) -> str | None:
    """The cache key of this request's page, or None if it must not be kept."""
    user = request.user
    csrf_secret = request.META.get("CSRF_COOKIE")
    if not user.is_authenticated or not csrf_secret:
        # No CSRF cookie yet: the page will make one, and it must be the one its forms use.
        return None
    parts = (
        _KEY_FORMAT,
        view_name,
        request.get_full_path(),
        str(user.pk),
        str(getattr(user, "role", "")),
        timezone.localdate().isoformat(),
        csrf_secret,
        request.headers.get("HX-Request", ""),
        data_version(),
    )
    # Hashed, so the key has no personal details and a fixed length whatever the address.
    return "kept-page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _can_keep(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and {name.lower() for name in response.headers} == {"content-type"}
    )
