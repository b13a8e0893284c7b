"""The quarterly return page and its downloads.

Managers and administrators see exact figures; commissioners see the same return with
small numbers suppressed, on screen and in every download (see imha.reports.suppression).
No page here shows or links to a client, case, referral or notice.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from imha.accounts.models import Role, User
from imha.core.access import signed_in_user, staff_required
from imha.reports import exports, selectors, services
from imha.reports.charts import bar_chart
from imha.reports.definitions import DEFINITIONS
from imha.reports.figures import QuarterlyReturn
from imha.reports.forms import ReportFilterForm, ReportFilters, default_filters

reports_required = staff_required(Role.COMMISSIONER, Role.MANAGER, Role.ADMINISTRATOR)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filter_form(request: HttpRequest, user: User) -> ReportFilterForm:
    # With no filters in the address the page shows the last complete quarter, so the form
    # stays unbound and shows those defaults instead of "required" errors.
    return ReportFilterForm(
        request.GET or None,
        today=timezone.localdate(),
        whole_months_only=not selectors.sees_exact_figures(user),
    )


def _chosen_filters(form: ReportFilterForm) -> ReportFilters | None:
    if not form.is_bound:
        return default_filters(form.today)
    return form.filters() if form.is_valid() else None


@reports_required
def quarterly_return(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = _filter_form(request, user)
    filters = _chosen_filters(form)
    report = None
    if filters is not None:
        report = selectors.quarterly_return_for(user, filters.period, hospital=filters.hospital)
    return render(
        request,
        "reports/quarterly_return.html",
        {
            "form": form,
            "report": report,
            "charts": _charts(report),
            "definitions": DEFINITIONS,
            "query": request.GET.urlencode(),
        },
        status=200 if filters is not None else 400,
    )


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


def _export(request: HttpRequest, file_format: str) -> HttpResponse:
    user = signed_in_user(request)
    form = _filter_form(request, user)
    filters = _chosen_filters(form)
    if filters is None:
        # The page explains what is wrong; a download link only gets here if someone edited it.
        return quarterly_return(request)
    report = selectors.quarterly_return_for(user, filters.period, hospital=filters.hospital)
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
