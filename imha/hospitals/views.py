"""Pages for hospital Mental Health Act offices, and the service's view of their figures.

Hospital users reach only their own hospital's patients (the selectors refuse anything
else with a 404). Service staff see aggregate figures only.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header

from imha.accounts.models import Role, User
from imha.core import paging
from imha.core.access import signed_in_user, staff_required
from imha.core.kept_pages import kept_page
from imha.core.routes import address_maker
from imha.hospitals import importing, selectors, services
from imha.hospitals.forms import (
    DischargeForm,
    ImportForm,
    InformationForm,
    NoticeForm,
    StatusChangeForm,
)
from imha.hospitals.models import Hospital

hospital_user_required = staff_required(Role.HOSPITAL)
# Service staff who work with hospitals. Commissioners get aggregates through reports;
# administrators manage accounts and reference data, not the service's work.
service_staff_required = staff_required(Role.MANAGER, Role.ADVOCATE, Role.INTAKE)

# The most urgent first: a short page is quick to read and quick to serve.
ACTIONS_PER_PAGE = 25


def _today() -> date:
    return timezone.localdate()


def _users_hospital(user: User) -> Hospital:
    if user.hospital is None:  # the database refuses this for hospital users; belt and braces
        raise Http404
    return user.hospital


@hospital_user_required
@kept_page
def dashboard(request: HttpRequest) -> HttpResponse:
    hospital = selectors.dashboard_hospital(signed_in_user(request))
    today = _today()
    notice_url = address_maker("hospitals:notice_detail")
    listed = selectors.needing_action(hospital, today)
    page, pagination = paging.paginated(
        request.GET,
        paging.KnownCountPaginator(listed.rows, ACTIONS_PER_PAGE, count=listed.total),
        of="patients who need telling or reminding",
        fragment="#needing-action",
    )
    return render(
        request,
        "hospitals/duty_to_inform.html",
        {
            "hospital": hospital,
            "today": today,
            "wards": selectors.ward_summaries(hospital, today),
            "page": page,
            "pagination": pagination,
            "needing_action": [selectors.action_row(row, today, notice_url) for row in page],
        },
    )


@hospital_user_required
def notice_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    show = request.GET.get("show", "current")
    if show not in ("current", "discharged", "all"):
        show = "current"
    page, pagination = paging.paginated(
        request.GET, Paginator(selectors.notices_list(user, show=show), 50), of="patients"
    )
    return render(
        request,
        "hospitals/notice_list.html",
        {
            "hospital": _users_hospital(user),
            "page": page,
            "pagination": pagination,
            "show": show,
            "today": _today(),
        },
    )


@hospital_user_required
def notice_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    hospital = _users_hospital(user)
    form = NoticeForm(request.POST or None, hospital=hospital, today=_today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = services.create_notice(
            hospital=hospital,
            details=services.NoticeDetails(
                patient_name=data["patient_name"],
                status=data["status"],
                started_on=data["started_on"],
                ward=data["ward"],
                responsible_clinician=data["responsible_clinician"],
                hospital_number=data["hospital_number"],
                nhs_number=data["nhs_number"],
                date_of_birth=data["date_of_birth"],
                declined_referral=data.get("declined_referral", False),
            ),
            actor=user,
            request=request,
        )
        messages.success(request, "The patient has been recorded.")
        return redirect("hospitals:notice_detail", notice_id=notice.pk)
    return render(
        request,
        "hospitals/notice_form.html",
        {"form": form, "hospital": hospital},
        status=400 if form.errors else 200,
    )


@hospital_user_required
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = signed_in_user(request)
    notice = selectors.notice_for(user, notice_id)
    services.record_notice_viewed(notice, actor=user, request=request)
    today = _today()
    schedule = services.schedule_for(notice)
    return render(
        request,
        "hospitals/notice_detail.html",
        {
            "notice": notice,
            "today": today,
            "log": selectors.information_log(notice),
            "history": selectors.status_history(notice),
            "upcoming": [r for r in schedule if r.due_on >= today][:6],
            "first_information_overdue": notice.first_information_overdue(today),
        },
    )


@hospital_user_required
def information_new(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = signed_in_user(request)
    notice = selectors.notice_for(user, notice_id)
    form = InformationForm(request.POST or None, notice=notice, today=_today())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = services.record_information(
            notice,
            details=services.InformationDetails(
                given_on=data["given_on"],
                method=data["method"],
                given_by=data["given_by"],
                understood=data["understood"],
                wants_advocate=data["wants_advocate"],
                large_print=data["large_print"],
            ),
            actor=user,
            request=request,
        )
        messages.success(
            request,
            "Saved. Download the written information below to print it for the patient."
            if entry.written_information
            else "Saved.",
        )
        return redirect("hospitals:notice_detail", notice_id=notice.pk)
    return render(
        request,
        "hospitals/information_form.html",
        {"form": form, "notice": notice},
        status=400 if form.errors else 200,
    )


@hospital_user_required
def written_information(request: HttpRequest, notice_id: int, entry_id: int) -> HttpResponse:
    user = signed_in_user(request)
    entry = selectors.information_entry_for(user, notice_id, entry_id)
    if not entry.written_information:
        raise Http404
    services.record_written_information_downloaded(entry, actor=user, request=request)
    # The leaflets are a few tens of kilobytes, so they are read whole rather than streamed,
    # which keeps the view an ordinary HttpResponse like every other staff page.
    with entry.written_information.open("rb") as stored:
        response = HttpResponse(stored.read(), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"imha-written-information-{entry.given_on:%Y-%m-%d}.pdf"
    )
    return response


@hospital_user_required
def status_change(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = signed_in_user(request)
    notice = selectors.notice_for(user, notice_id)
    if not notice.is_open:
        messages.info(request, "This patient has been discharged, so their status cannot change.")
        return redirect("hospitals:notice_detail", notice_id=notice.pk)
    form = StatusChangeForm(request.POST or None, notice=notice, today=_today())
    if request.method == "POST" and form.is_valid():
        services.change_status(
            notice,
            status=form.cleaned_data["status"],
            started_on=form.cleaned_data["started_on"],
            actor=user,
            request=request,
        )
        messages.success(request, "The change of status has been recorded.")
        return redirect("hospitals:notice_detail", notice_id=notice.pk)
    return render(
        request,
        "hospitals/status_form.html",
        {"form": form, "notice": notice},
        status=400 if form.errors else 200,
    )


@hospital_user_required
def discharge(request: HttpRequest, notice_id: int) -> HttpResponse:
    user = signed_in_user(request)
    notice = selectors.notice_for(user, notice_id)
    if not notice.is_open:
        messages.info(request, "This patient's discharge is already recorded.")
        return redirect("hospitals:notice_detail", notice_id=notice.pk)
    form = DischargeForm(request.POST or None, notice=notice, today=_today())
    if request.method == "POST" and form.is_valid():
        services.record_discharge(
            notice, discharged_on=form.cleaned_data["discharged_on"], actor=user, request=request
        )
        messages.success(request, "Discharge recorded. Reminders for this patient have stopped.")
        return redirect("hospitals:notice_detail", notice_id=notice.pk)
    return render(
        request,
        "hospitals/discharge_form.html",
        {"form": form, "notice": notice},
        status=400 if form.errors else 200,
    )


@hospital_user_required
def import_notices(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    hospital = _users_hospital(user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = importing.import_notices(
                hospital=hospital,
                upload=form.cleaned_data["file"],
                actor=user,
                today=_today(),
                request=request,
            )
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
    return render(
        request,
        "hospitals/import.html",
        {
            "form": form,
            "hospital": hospital,
            "result": result,
            "columns": importing.ALL_COLUMNS,
            "required_columns": importing.REQUIRED_COLUMNS,
        },
        status=400 if form.errors else 200,
    )


@hospital_user_required
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importing.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="imha-patients-template.csv"'
    return response


@service_staff_required
@kept_page
def compliance(request: HttpRequest) -> HttpResponse:
    today = _today()
    return render(
        request,
        "hospitals/compliance.html",
        {
            "rows": selectors.compliance_by_hospital(today),
            "today": today,
            "period_days": selectors.COMPLIANCE_PERIOD_DAYS,
        },
    )


@service_staff_required
def hospital_wards(request: HttpRequest, code: str) -> HttpResponse:
    hospital = selectors.hospital_by_code(code)
    today = _today()
    return render(
        request,
        "hospitals/hospital_wards.html",
        {"hospital": hospital, "today": today, "wards": selectors.ward_summaries(hospital, today)},
    )
