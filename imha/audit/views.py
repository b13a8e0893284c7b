from __future__ import annotations

import csv
import io
from datetime import UTC

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from imha.accounts.models import Role
from imha.audit import selectors
from imha.audit.forms import AccessLogForm
from imha.audit.models import AuditAction
from imha.audit.services import record
from imha.core import paging
from imha.core.access import staff_required
from imha.reports.exports import safe_cell

ENTRIES_PER_PAGE = 100
ACCESS_LOG_PAGE_SIZE = 50
# A spreadsheet of more rows than this is not something a person reads; narrow the search.
EXPORT_LIMIT = 50_000


@staff_required(Role.MANAGER, Role.ADMINISTRATOR)
def record_history(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    """Who has seen or changed a record: the manager's answer to "who looked at this?"."""
    label = selectors.AUDITABLE_RECORDS.get(object_type)
    if label is None:
        raise Http404("No such kind of record.")
    entries = selectors.history_of(object_type, object_id)
    page, pagination = paging.paginated(
        request.GET, Paginator(entries, ENTRIES_PER_PAGE), of="this record's history"
    )
    return render(
        request,
        "audit/record_history.html",
        {"label": label, "object_id": object_id, "page": page, "pagination": pagination},
    )


@staff_required(Role.MANAGER, Role.ADMINISTRATOR)
def access_log(request: HttpRequest) -> HttpResponse:
    """Search everything the audit log holds: by person, action, record and dates.

    Pages are fetched one row beyond their size instead of counting every match: an unfiltered
    count over years of entries would cost more than the page itself.
    """
    form = AccessLogForm(request.GET)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        criteria = form.to_filter()
        requested = paging.requested_page_in(request.GET)
        entries, has_next = paging.uncounted_page(
            selectors.search_access_log(criteria), requested.number, ACCESS_LOG_PAGE_SIZE
        )
        context.update(
            {
                "entries": entries,
                "pagination": paging.pagination(
                    request.GET,
                    requested,
                    number=requested.number,
                    last=None,
                    has_next=has_next,
                    of="access log entries",
                    empty=not entries,
                ),
                "unsealed": selectors.unsealed_entry_count(),
            }
        )
        record(
            actor=request.user,
            action=AuditAction.VIEW,
            object_type="audit_log",
            summary=criteria.describe(),
            request=request,
        )
    return render(request, "audit/access_log.html", context, status=200 if form.is_valid() else 400)


@staff_required(Role.MANAGER, Role.ADMINISTRATOR)
def access_log_csv(request: HttpRequest) -> HttpResponse:
    form = AccessLogForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "audit/access_log.html",
            {"form": form},
            status=400,
        )
    criteria = form.to_filter()
    entries = list(selectors.search_access_log(criteria)[: EXPORT_LIMIT + 1])
    if len(entries) > EXPORT_LIMIT:
        return render(
            request,
            "audit/access_log.html",
            {
                "form": form,
                "too_many": EXPORT_LIMIT,
            },
            status=400,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["When (UTC)", "Username", "Role", "Action", "Kind of record", "Record", "Details", "From"]
    )
    for entry in entries:
        writer.writerow(
            [
                safe_cell(value)
                for value in (
                    entry.occurred_at.astimezone(UTC).isoformat(timespec="seconds"),
                    entry.actor_username,
                    entry.actor_role,
                    entry.get_action_display(),
                    entry.object_type,
                    entry.object_id,
                    entry.summary,
                    entry.ip_address or "",
                )
            ]
        )
    record(
        actor=request.user,
        action=AuditAction.EXPORT,
        object_type="audit_log",
        summary=f"{criteria.describe()} ({len(entries)} rows as CSV)",
        request=request,
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{stamp}.csv"'
    return response
