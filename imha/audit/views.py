from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from imha.accounts.models import Role
from imha.audit import selectors
from imha.core.access import staff_required

ENTRIES_PER_PAGE = 100


@staff_required(Role.MANAGER, Role.ADMINISTRATOR)
def record_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """Who has seen or changed a record: the manager's answer to "who looked at this?"."""
    label = selectors.AUDITABLE_RECORDS.get(object_type)
    if label is None:
        raise Http404("No such kind of record.")
    entries = selectors.history_of(object_type, object_id)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/record_history.html",
        {"label": label, "object_id": object_id, "page": page},
    )
