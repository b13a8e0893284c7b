"""The quarterly return page, its downloads, and recalculating it.

Managers and administrators see exact figures; commissioners see the same return with
small numbers suppressed, on screen and in every download (see imha.reports.suppression).
No page here shows or links to a client, case, referral or notice.

The figures are kept for a few minutes after they are computed (imha.reports.caching), so
the page, the CSV and the spreadsheet all show the same calculation, and the page says
when it was made. Managers and administrators can have it made again at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from imha.accounts.models import Role, User
from imha.core.access import signed_in_user, staff_required
from imha.core.kept_pages import kept_page
from imha.reports import caching, exports, selectors, services
from imha.reports.charts import bar_chart
from imha.reports.definitions import DEFINITIONS
from imha.reports.figures import QuarterlyReturn
from imha.reports.forms import ReportFilterForm, ReportFilters, default_filters

reports_required = staff_required(Role.COMMISSIONER, Role.MANAGER, Role.ADMINISTRATOR)
recalculate_allowed = staff_required(*selectors.EXACT_FIGURE_ROLES)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The form fields that choose a return; the recalculate button sends them back.
FILTER_FIELDS = ("period", "quarter", "from_date", "to_date", "hospital")


def _filter_form(data: QueryDict, user: User) -> ReportFilterForm:
    # With no filters given the page shows the last complete quarter, so the form stays
    # unbound and shows those defaults instead of "required" errors.
    return ReportFilterForm(
        data if any(name in data for name in FILTER_FIELDS) else None,
        today=timezone.localdate(),
        whole_months_only=not selectors.sees_exact_figures(user),
    )


def _chosen_filters(form: ReportFilterForm) -> ReportFilters | None:
    if not form.is_bound:
        return default_filters(form.today)
    return form.filters() if form.is_valid() else None


def _filter_query(data: QueryDict) -> str:
    """The chosen filters as a query string, without anything else the request carried."""
    chosen = QueryDict(mutable=True)
    for name in FILTER_FIELDS:
        if name in data:
            chosen.setlist(name, data.getlist(name))
    return chosen.urlencode()


@reports_required
@kept_page
def quarterly_return(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = _filter_form(request.GET, user)
    filters = _chosen_filters(form)
    report = None
    if filters is not None:
        report = selectors.cached_quarterly_return_for(
            user, filters.period, hospital=filters.hospital
        )
    return _page(request, user, form, filters, report)


def _page(
    request: HttpRequest,
    user: User,
    form: ReportFilterForm,
    filters: ReportFilters | None,
    report: QuarterlyReturn | None,
) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    return render(
        request,
        "reports/return_page.html",
        {
            "form": form,
            "report": report,
            # Drawn only when the figures' part of the page is not already kept (see the
            # template), so a cached page does not draw every chart again for nothing.
            "charts": SimpleLazyObject(lambda: _charts(report)),
            "figures_cache": _figures_cache(user, report, filters),
            "definitions": DEFINITIONS,
            "query": _filter_query(data),
            "filter_values": [
                (name, value) for name in FILTER_FIELDS for value in data.getlist(name)
            ],
            "can_recalculate": selectors.sees_exact_figures(user),
        },
        status=200 if report is not None else 400,
    )


def _figures_cache(
    user: User, report: QuarterlyReturn | None, filters: ReportFilters | None
) -> dict[str, object] | None:
    """How the template keeps the figures' part of the page: under the figures' own cache
    key and calculation time, so new figures always get newly drawn HTML, for as long as
    the figures themselves are kept."""
    if report is None or filters is None:
        return None
    hospital_id = filters.hospital.pk if filters.hospital is not None else None
    seconds = caching.lifetime_of(report)
    return {
        "seconds": seconds,
        "kept_for": caching.in_words(seconds),
        "key": caching.figures_key(
            report.period, hospital_id, selectors.audience_of(user), version=report.data_version
        ),
        "calculated_at": report.generated_at.isoformat(),
    }


def _charts(report: QuarterlyReturn | None) -> dict[str, object]:
    if report is None:
        return {}
    breakdowns = [
        *report.referral_breakdowns,
        report.activities_by_type,
        report.outcomes,
        *report.equality,
    ]
    return {b.slug: bar_chart(b) for b in breakdowns if b.chart}


@require_POST
@recalculate_allowed
def recalculate(request: HttpRequest) -> HttpResponse:
    """Count the figures again now (the button under "Figures calculated at")."""
    user = signed_in_user(request)
    form = _filter_form(request.POST, user)
    filters = _chosen_filters(form)
    if filters is None:
        # Only an edited form gets here; the page explains what is wrong with it.
        return _page(request, user, form, None, None)
    services.recalculate_quarterly_return(
        period=filters.period, hospital=filters.hospital, actor=user, request=request
    )
    messages.success(request, "The figures have been calculated again.")
    query = _filter_query(request.POST)
    return redirect(reverse("reports:quarterly_return") + (f"?{query}" if query else ""))


def _export(request: HttpRequest, file_format: str) -> HttpResponse:
    user = signed_in_user(request)
    form = _filter_form(request.GET, user)
    filters = _chosen_filters(form)
    if filters is None:
        # The page explains what is wrong; a download link only gets here if someone edited it.
        return _page(request, user, form, None, None)
    # The same kept figures as the page, so a download matches what is on screen.
    report = selectors.cached_quarterly_return_for(user, filters.period, hospital=filters.hospital)
    services.record_export(report=report, file_format=file_format, actor=user, request=request)
    if file_format == "csv":
        response = HttpResponse(exports.as_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(exports.as_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=exports.filename(report, file_format)
    )
    return response


@reports_required
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@reports_required
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
