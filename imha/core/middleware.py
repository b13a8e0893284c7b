from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class NoStoreForStaffMiddleware:
    """Stop browsers and proxies keeping copies of pages shown to signed-in people.

    Staff pages carry health data; a shared ward computer's back button or disk cache must
    not bring them back after sign-out.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
        return response


class SlidingSessionMiddleware:
    """Keep a signed-in person's session alive while they use the service.

    The session ends after SESSION_COOKIE_AGE seconds without activity. Saving the session on
    every request would keep that exact, but costs a database write (and a disk flush) on
    every page a member of staff opens; renewing it at most once a minute keeps the timeout
    accurate to within a minute for a fraction of the writes.
    """

    REFRESH_KEY = "_imha_renewed_at"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            renewed_at = session.get(self.REFRESH_KEY, 0)
            if now - int(renewed_at) >= settings.SESSION_RENEW_INTERVAL_SECONDS:
                # Writing the key marks the session changed, so Django saves it with a new
                # expiry time measured from now.
                session[self.REFRESH_KEY] = now
        return response
