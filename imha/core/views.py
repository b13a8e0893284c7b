from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from imha.core.access import staff_required


@staff_required()
def staff_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/staff_home.html")


def healthcheck(request: HttpRequest) -> HttpResponse:
    # For load balancers: answers without touching the database or the session.
    return HttpResponse("ok", content_type="text/plain")


def server_error(request: HttpRequest) -> HttpResponse:
    # Rendered without context processors or database access: those may be what failed.
    from django.conf import settings
    from django.template import loader

    body = loader.get_template("500.html").render({"service": settings.IMHA_SERVICE})
    return HttpResponse(body, status=500)
