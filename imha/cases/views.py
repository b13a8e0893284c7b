"""Pages for case work: caseloads, allocation, the case and client records, and the forms
advocates fill in during the day. Each looks its case up through the visibility rules in
`selectors.cases_visible_to`, so a case outside them is "not found" whatever its ID."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from imha.accounts.models import Role, User
from imha.cases import calendar, rows, selectors, services, subject_access
from imha.cases.attachments import CONTENT_TYPES
from imha.cases.deadlines import local_today
from imha.cases.forms import (
    ActivityForm,
    AllocationForm,
    AttachmentForm,
    CaseDetailsForm,
    ClientForm,
    CloseCaseForm,
    EndStatusForm,
    FindClientForm,
    IssueForm,
    LegalStatusForm,
    MergeClientsForm,
    NoteForm,
    OutcomeForm,
    RecordsRequestForm,
    error_for,
)
from imha.cases.models import (
    Activity,
    Attachment,
    AttachmentKind,
    Case,
    CaseIssue,
    CaseStatus,
    Client,
    LegalStatusPeriod,
    RecordsRequest,
)
from imha.core import paging
from imha.core.access import signed_in_user, staff_required
from imha.core.kept_pages import kept_page
from imha.law.periods import shift_months

# Who may do what. Intake workers can read the cases that came from their referrals;
# hospital users, commissioners and administrators reach no case page at all.
CAN_VIEW = selectors.CASE_ROLES
CAN_WORK = (Role.ADVOCATE, Role.MANAGER)
CAN_ALLOCATE = (Role.MANAGER,)
# A subject access export is the whole record at once, so only managers may produce one.
CAN_EXPORT = (Role.MANAGER,)
CASES_PER_PAGE = 50
# The oldest cases waiting are shown first; a backlog longer than this is worked in turns.
ALLOCATION_PAGE_SIZE = 100
# The case list counts its cases up to this many (20 pages). Counting a manager's list of
# every case ever opened, 100,000 of them, cost more database time than the page itself.
CASE_LIST_COUNT_LIMIT = 1000


def visible_case(request: HttpRequest, case_id: int) -> Case:
    try:
        return selectors.case_for_detail(signed_in_user(request), case_id)
    except Case.DoesNotExist:
        raise Http404("No such case.") from None


def open_case_or_message(request: HttpRequest, case: Case) -> HttpResponse | None:
    if case.status == CaseStatus.CLOSED:
        messages.error(request, "This case is closed, so it cannot be changed.")
        return redirect("cases:case_detail", case_id=case.pk)
    return None


def form_page(
    request: HttpRequest,
    *,
    case: Case | None,
    form: Any,
    heading: str,
    button: str,
    back_url: str,
    warning: str = "",
    caption: str = "",
) -> HttpResponse:
    return render(
        request,
        "cases/form.html",
        {
            "case": case,
            "form": form,
            "heading": heading,
            "button": button,
            "back_url": back_url,
            "warning": warning,
            "caption": caption or (f"{case.client}, case {case.reference}" if case else ""),
        },
        status=400 if form.errors else 200,
    )


def case_url(case: Case) -> str:
    return reverse("cases:case_detail", args=[case.pk])


# --- lists ------------------------------------------------------------------------------------


def caseload_page(
    request: HttpRequest, cases: QuerySet[Case], kept_as: Hashable, context: dict[str, Any]
) -> HttpResponse:
    today = local_today()
    caseload = selectors.caseload(cases, today, kept_as=kept_as)
    page, pagination = paging.paginated(
        request.GET,
        paging.KnownCountPaginator(caseload.cases, CASES_PER_PAGE, count=caseload.total),
        of="open cases",
        fragment="#open-cases",
    )
    return render(
        request,
        "cases/caseload.html",
        {
            **context,
            "caseload": caseload,
            "page": page,
            "rows": rows.caseload_rows(page.object_list),
            "pagination": pagination,
            "today": today,
            "days": selectors.UPCOMING_DAYS,
        },
    )


@require_GET
@staff_required(*CAN_VIEW)
@kept_page
def my_caseload(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return caseload_page(
        request,
        selectors.my_cases(user),
        ("mine", *selectors.visibility_key(user)),
        {"heading": "My cases" if user.role == Role.INTAKE else "My caseload", "current": "mine"},
    )


@require_GET
@staff_required(*CAN_WORK)
@kept_page
def team_caseload(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return caseload_page(
        request,
        selectors.team_cases(user),
        ("team", *selectors.visibility_key(user)),
        {
            "heading": f"{user.team} cases" if user.team_id else "Team cases",
            "current": "team",
            "show_advocate": True,
            "no_team": user.team_id is None,
        },
    )


@require_GET
@staff_required(*CAN_VIEW)
@kept_page
def case_list(request: HttpRequest) -> HttpResponse:
    """Cases the person can see, newest first. A list of up to `CASE_LIST_COUNT_LIMIT`
    cases is counted and gets numbered page links; a longer one (a manager's, of every
    case the service has had) is not counted on each request, and gets "Previous" and
    "Next" links instead, as the referral inbox's longest tab does."""
    user = signed_in_user(request)
    status = request.GET.get("status") or None
    cases = selectors.case_list(user, status)
    requested = paging.requested_page_in(request.GET)
    number, last = paging.capped_page_number(
        requested,
        paging.count_up_to(cases, CASE_LIST_COUNT_LIMIT),
        limit=CASE_LIST_COUNT_LIMIT,
        per_page=CASES_PER_PAGE,
    )
    found, has_next = selectors.case_list_rows(
        cases,
        (number - 1) * CASES_PER_PAGE,
        CASES_PER_PAGE,
        # Only a status the list filters by names it: anything else lists every case.
        kept_as=(*selectors.visibility_key(user), status if status in CaseStatus.values else None),
    )
    return render(
        request,
        "cases/case_list.html",
        {
            "rows": found,
            "pagination": paging.pagination(
                request.GET,
                requested,
                number=number,
                last=last,
                has_next=has_next,
                of="cases",
                empty=not found,
            ),
            "status": status,
            "statuses": CaseStatus.choices,
            "current": "all",
        },
    )


@require_GET
@staff_required(*CAN_ALLOCATE)
@kept_page
def allocation(request: HttpRequest) -> HttpResponse:
    unallocated = rows.waiting_rows(selectors.longest_waiting(ALLOCATION_PAGE_SIZE))
    advocates = rows.advocate_rows(selectors.advocate_caseload_rows())
    return render(
        request,
        "cases/allocation.html",
        {
            "unallocated": unallocated,
            "waiting_count": len(unallocated)
            if len(unallocated) < ALLOCATION_PAGE_SIZE
            else selectors.unallocated_cases().count(),
            "advocates": advocates,
            "advocate_options": rows.advocate_options(advocates) if unallocated else "",
            "current": "allocation",
        },
    )


# --- the case ---------------------------------------------------------------------------------


@require_GET
@staff_required(*CAN_VIEW)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = visible_case(request, case_id)
    services.record_case_view(case=case, actor=user, request=request)
    today = local_today()
    return render(
        request,
        "cases/case_detail.html",
        {
            "detail": selectors.case_detail(user, case, today),
            "case": case,
            "today": today,
            "can_work": user.has_role(*CAN_WORK) and case.status != CaseStatus.CLOSED,
            "can_allocate": user.has_role(*CAN_ALLOCATE) and case.status != CaseStatus.CLOSED,
        },
    )


@staff_required(*CAN_ALLOCATE)
def case_allocate(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    initial = {"advocate": case.allocated_advocate_id}
    form = AllocationForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.allocate_case(
                case=case,
                advocate=form.cleaned_data["advocate"],
                actor=signed_in_user(request),
                request=request,
            )
        except services.CaseStateError as error:
            messages.error(request, str(error))
            return redirect("cases:case_detail", case_id=case.pk)
        advocate = form.cleaned_data["advocate"]
        messages.success(
            request,
            f"Case {case.reference} allocated to {advocate.get_full_name() or advocate}.",
        )
        if request.POST.get("from") == "allocation":
            return redirect("cases:allocation")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Reallocate the case" if case.allocated_advocate_id else "Allocate the case",
        button="Allocate",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def case_edit(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    initial = {
        "status": case.status,
        "hospital": case.hospital_id,
        "hospital_ward": case.hospital_ward_id,
        "ward": case.ward,
        "community_location": case.community_location,
    }
    form = CaseDetailsForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.update_case_details(
            case=case, fields=form.cleaned_data, actor=signed_in_user(request), request=request
        )
        messages.success(request, "Case details saved.")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Where they are and case status",
        button="Save",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    form = CloseCaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.close_case(
            case=case,
            reason=form.cleaned_data["closure_reason"],
            note=form.cleaned_data["closure_note"],
            actor=signed_in_user(request),
            request=request,
        )
        messages.success(request, f"Case {case.reference} closed.")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Close the case",
        button="Close case",
        back_url=case_url(case),
        warning="Once closed, the case cannot be changed. Record any outcomes first.",
    )


@staff_required(*CAN_WORK)
def legal_status_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    form = LegalStatusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.add_legal_status_period(
            case=case, fields=form.cleaned_data, actor=signed_in_user(request), request=request
        )
        messages.success(request, "Legal status recorded.")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Record a Mental Health Act status",
        button="Save status",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def legal_status_end(request: HttpRequest, case_id: int, period_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    period = get_object_or_404(LegalStatusPeriod, pk=period_id, case=case)
    form = EndStatusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.end_legal_status_period(
                period=period,
                ended_on=form.cleaned_data["ended_on"],
                actor=signed_in_user(request),
                request=request,
            )
        except services.CaseStateError as error:
            form.add_error("ended_on", str(error))
        else:
            messages.success(request, "Status ended.")
            return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading=f"End {period.title}",
        button="Save",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def issue_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    form = IssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.add_issue(
            case=case,
            topic=form.cleaned_data["topic"],
            description=form.cleaned_data["description"],
            actor=signed_in_user(request),
            request=request,
        )
        messages.success(request, "Issue added.")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Add an issue",
        button="Add issue",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def issue_outcome(request: HttpRequest, case_id: int, issue_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    issue = get_object_or_404(CaseIssue, pk=issue_id, case=case)
    initial = {
        "status": issue.status,
        "outcomes": list(issue.outcomes.values_list("outcome", flat=True)),
    }
    form = OutcomeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.record_outcomes(
            issue=issue,
            outcomes=form.cleaned_data["outcomes"],
            persons_words=form.cleaned_data["persons_words"],
            status=form.cleaned_data["status"],
            actor=signed_in_user(request),
            request=request,
        )
        messages.success(request, "Outcomes saved.")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading=f"Outcomes: {issue.get_topic_display()}",
        button="Save outcomes",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def activity_form(
    request: HttpRequest, case_id: int, activity_id: int | None = None
) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    activity = get_object_or_404(Activity, pk=activity_id, case=case) if activity_id else None
    initial = (
        {name: getattr(activity, name) for name in services.ACTIVITY_FIELDS} if activity else {}
    )
    form = ActivityForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = signed_in_user(request)
        if activity is None:
            services.record_activity(
                case=case, fields=form.cleaned_data, actor=user, request=request
            )
            messages.success(request, "Activity recorded.")
        else:
            services.update_activity(
                activity=activity, fields=form.cleaned_data, actor=user, request=request
            )
            messages.success(request, "Activity saved.")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Change the activity" if activity else "Record an activity",
        button="Save activity",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def records_request_form(
    request: HttpRequest, case_id: int, request_id: int | None = None
) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    existing = get_object_or_404(RecordsRequest, pk=request_id, case=case) if request_id else None
    initial = (
        {name: getattr(existing, name) for name in services.RECORDS_REQUEST_FIELDS}
        if existing
        else {"asked_on": local_today()}
    )
    form = RecordsRequestForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.save_records_request(
            case=case,
            fields=form.cleaned_data,
            actor=signed_in_user(request),
            existing=existing,
            request=request,
        )
        messages.success(request, "Records request saved.")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Change the records request" if existing else "Ask to see records",
        button="Save",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def note_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    form = NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.add_note(
            case=case,
            text=form.cleaned_data["text"],
            actor=signed_in_user(request),
            request=request,
        )
        messages.success(request, "Note added.")
        return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Add a note",
        button="Add note",
        back_url=case_url(case),
    )


@staff_required(*CAN_WORK)
def attachment_new(request: HttpRequest, case_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    if (closed := open_case_or_message(request, case)) is not None:
        return closed
    form = AttachmentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_attachment(
                case=case,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                actor=signed_in_user(request),
                request=request,
            )
        except ValidationError as error:
            error_for(form, "file", error)
        else:
            messages.success(request, "File attached.")
            return redirect("cases:case_detail", case_id=case.pk)
    return form_page(
        request,
        case=case,
        form=form,
        heading="Attach a file",
        button="Upload file",
        back_url=case_url(case),
    )


@require_GET
@staff_required(*CAN_VIEW)
def attachment_download(request: HttpRequest, case_id: int, attachment_id: int) -> HttpResponse:
    case = visible_case(request, case_id)
    attachment = get_object_or_404(Attachment, pk=attachment_id, case=case)
    services.record_attachment_download(
        attachment=attachment, actor=signed_in_user(request), request=request
    )
    # Files are at most 10 MB, so reading one whole keeps the view simple.
    with attachment.file.open("rb") as stored:
        body = stored.read()
    response = HttpResponse(body, content_type=CONTENT_TYPES[AttachmentKind(attachment.kind)])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=attachment.original_name
    )
    # Never let a browser guess a different type and render the file as a page.
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


# --- clients ----------------------------------------------------------------------------------


def visible_client(request: HttpRequest, client_id: int) -> Client:
    try:
        return selectors.client_for_detail(signed_in_user(request), client_id)
    except Client.DoesNotExist:
        raise Http404("No such client.") from None


@require_GET
@staff_required(*CAN_VIEW)
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    user = signed_in_user(request)
    try:
        client = selectors.client_for_detail(user, client_id)
    except Client.DoesNotExist:
        # Old links, bookmarks and audit entries still name a record retired by a merge.
        kept = selectors.kept_client_for(user, client_id)
        if kept is None:
            raise Http404("No such client.") from None
        messages.info(
            request,
            f"Client {client_id} was a duplicate and has been merged into this record, "
            f"client {kept.pk}.",
        )
        return redirect("cases:client_detail", client_id=kept.pk)
    services.record_client_view(client=client, actor=user, request=request)
    return render(
        request,
        "cases/client_detail.html",
        {
            "client": client,
            "cases": selectors.cases_of_client(user, client),
            "can_work": user.has_role(*CAN_WORK) and client.anonymised_at is None,
            "can_merge": user.has_role(*CAN_MERGE) and client.anonymised_at is None,
            "today": local_today(),
        },
    )


@staff_required(*CAN_WORK)
def client_edit(request: HttpRequest, client_id: int) -> HttpResponse:
    client = visible_client(request, client_id)
    if client.anonymised_at is not None:
        raise Http404("This person's details were removed under the retention policy.")
    form = ClientForm(
        request.POST if request.method == "POST" else None, initial=ClientForm.initial_for(client)
    )
    if request.method == "POST" and form.is_valid():
        services.update_client(
            client=client, fields=form.cleaned_data, actor=signed_in_user(request), request=request
        )
        messages.success(request, "Details saved.")
        return redirect("cases:client_detail", client_id=client.pk)
    return form_page(
        request,
        case=None,
        form=form,
        heading="Personal details and equality monitoring",
        button="Save details",
        back_url=reverse("cases:client_detail", args=[client.pk]),
        caption=str(client),
    )


@require_POST
@staff_required(*CAN_WORK)
def client_new_case(request: HttpRequest, client_id: int) -> HttpResponse:
    client = visible_client(request, client_id)
    if client.anonymised_at is not None:
        raise Http404("This person's details were removed under the retention policy.")
    case = services.open_case_for_client(
        client=client, actor=signed_in_user(request), request=request
    )
    messages.success(request, f"Case {case.reference} opened.")
    return redirect("cases:case_detail", case_id=case.pk)


@require_http_methods(["GET", "POST"])
@staff_required(*CAN_EXPORT)
def client_subject_access(request: HttpRequest, client_id: int) -> HttpResponse:
    """A subject access request (UK GDPR Article 15): a page saying what the export holds,
    and a button that downloads it as a ZIP of the full JSON record and a PDF summary."""
    client = visible_client(request, client_id)
    if request.method != "POST":
        return render(request, "cases/subject_access.html", {"client": client})
    user = signed_in_user(request)
    export = subject_access.build_export(client, actor=user)
    body = export.zip_bytes()
    # Recorded only once the files exist, so a failure above leaves no false entry.
    subject_access.record_export(client, actor=user, request=request, how="downloaded")
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=export.zip_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    # The whole record of a person's health care: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


# --- merging duplicate records -------------------------------------------------------------

# Merging rewrites whose record every case is on, across teams, and a wrong merge puts one
# person's health record in front of whoever works with another. Only managers see every
# case, so only they can check both records in full; intake workers, who make most
# duplicates from referrals, see only the cases from their own referrals and otherwise only
# read, so they ask a manager.
CAN_MERGE = (Role.MANAGER,)


def client_for_merge(request: HttpRequest, client_id: int) -> Client:
    """A current record the person may see or, so the page can say it was already merged,
    a retired one whose kept record they may see; otherwise 404."""
    user = signed_in_user(request)
    try:
        return selectors.client_for_detail(user, client_id)
    except Client.DoesNotExist:
        if selectors.kept_client_for(user, client_id) is None:
            raise Http404("No such client.") from None
        return Client.objects.get(pk=client_id)


@require_GET
@staff_required(*CAN_MERGE)
def client_merge(request: HttpRequest, client_id: int) -> HttpResponse:
    """Find the other record, by its number or from the list of likely duplicates. This
    record is the one kept; the confirmation page can swap them."""
    user = signed_in_user(request)
    client = visible_client(request, client_id)
    form = FindClientForm(request.GET if "number" in request.GET else None)
    if form.is_bound and form.is_valid():
        number: int = form.cleaned_data["number"]
        kept = selectors.kept_client_for(user, number)
        if number == client.pk:
            form.add_error("number", services.MERGE_INTO_ITSELF)
        elif kept is not None:
            form.add_error(
                "number",
                f"Client {number} has already been merged into client {kept.pk}"
                + (", this record" if kept.pk == client.pk else f". Enter {kept.pk} instead"),
            )
        elif not selectors.clients_visible_to(user).filter(pk=number).exists():
            form.add_error("number", f"There is no client {number}. Check the number")
        else:
            return redirect("cases:client_merge_confirm", client_id=client.pk, other_id=number)
    return render(
        request,
        "cases/client_merge.html",
        {
            "client": client,
            "form": form,
            "case_count": selectors.client_case_count(client),
            "duplicates": selectors.likely_duplicates(user, client),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@staff_required(*CAN_MERGE)
def client_merge_confirm(request: HttpRequest, client_id: int, other_id: int) -> HttpResponse:
    """Both records side by side, what the merge will do, and the button. `client_id` is
    kept and `other_id` retired."""
    keep = client_for_merge(request, client_id)
    duplicate = client_for_merge(request, other_id)
    refusal = services.merge_refusal(keep, duplicate)
    birth_dates_differ = services.dates_of_birth_differ(keep, duplicate)
    form = MergeClientsForm(
        request.POST if request.method == "POST" else None,
        dates_of_birth_differ=birth_dates_differ,
    )
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            merged = services.merge_clients(
                keep=keep,
                duplicate=duplicate,
                same_person_confirmed=form.cleaned_data.get("same_person", False),
                actor=signed_in_user(request),
                request=request,
            )
        except services.MergeRefused as error:
            if str(error) == services.DIFFERENT_DATES_OF_BIRTH and "same_person" in form.fields:
                form.add_error("same_person", str(error))
            else:
                refusal = str(error)
        else:
            moved = len(merged.moved_case_ids)
            filled = len(merged.filled_fields)
            messages.success(
                request,
                f"Client {merged.retired.pk} has been merged into this record. "
                f"{moved} {'case' if moved == 1 else 'cases'} moved here"
                + (
                    f" and {filled} missing {'detail' if filled == 1 else 'details'} filled in."
                    if filled
                    else "."
                ),
            )
            return redirect("cases:client_detail", client_id=merged.kept.pk)
    after, filled_fields = services.merged_details(keep, duplicate)
    return render(
        request,
        "cases/client_merge_confirm.html",
        {
            "keep": keep,
            "duplicate": duplicate,
            "after": after,
            "filled": [services.MERGE_FIELD_LABELS[name] for name in filled_fields],
            "keep_cases": selectors.client_case_count(keep),
            "duplicate_cases": selectors.client_case_count(duplicate),
            "refusal": refusal,
            "birth_dates_differ": birth_dates_differ,
            "form": form,
        },
        status=400 if (refusal and request.method == "POST") or form.errors else 200,
    )


# --- the diary ----------------------------------------------------------------------------------


def week_start(raw: str | None, today: date) -> date:
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        day = today
    monday = day - timedelta(days=day.weekday())
    # The page links the weeks either side, and Python's calendar stops at the years 1 and
    # 9999: a week at its very edge would fail to draw, so it is treated like any bad week.
    if not date.min + timedelta(days=7) <= monday <= date.max - timedelta(days=13):
        return today - timedelta(days=today.weekday())
    return monday


@require_GET
@staff_required(*CAN_WORK)
@kept_page
def diary(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    today = local_today()
    monday = week_start(request.GET.get("week"), today)
    sunday = monday + timedelta(days=6)
    activities = selectors.activities_between(user, monday, sunday)
    days = [
        {
            "date": monday + timedelta(days=offset),
            "activities": [a for a in activities if a.occurs_on == monday + timedelta(days=offset)],
        }
        for offset in range(7)
    ]
    return render(
        request,
        "cases/diary.html",
        {
            "days": days,
            "monday": monday,
            "sunday": sunday,
            "previous_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            # A week can span two months: the Month link opens the one holding today when
            # this is the current week, so it never jumps away from today.
            "month_of_week": today if monday <= today <= sunday else monday,
            "today": today,
            "current": "diary",
        },
    )


# The years the month view will show. Wide enough for any real diary, and narrow enough
# that the months either side always exist (Python's calendar stops at the year 9999).
DIARY_FIRST_YEAR = 1900
DIARY_LAST_YEAR = 2200


def month_start(raw: str | None, today: date) -> tuple[date, str]:
    """The first day of the month the address asks for (`YYYY-MM`), and what to tell the
    reader when it asks for one that cannot be shown: they get the current month and a
    note, never an error."""
    this_month = today.replace(day=1)
    text = (raw or "").strip()
    if not text:
        return this_month, ""
    typed = text if len(text) <= paging.TYPED_SHOWN else f"{text[: paging.TYPED_SHOWN]}…"
    year_text, dash, month_text = text.partition("-")
    # str.isdigit also accepts digits from other scripts, which int() would then read.
    if not (
        dash
        and len(year_text) == 4
        and len(month_text) == 2
        and (year_text + month_text).isascii()
        and (year_text + month_text).isdigit()
        and 1 <= int(month_text) <= 12
    ):
        return this_month, f"“{typed}” is not a month, so this is the current month."
    if not DIARY_FIRST_YEAR <= int(year_text) <= DIARY_LAST_YEAR:
        return this_month, (
            f"The diary shows months from {DIARY_FIRST_YEAR} to {DIARY_LAST_YEAR}, "
            f"so “{typed}” cannot be shown. This is the current month."
        )
    return date(int(year_text), int(month_text), 1), ""


def month_weeks(
    first: date, last: date, activities: list[Activity], today: date
) -> list[dict[str, Any]]:
    """The month as Monday-to-Sunday weeks cut to the month, each holding only the days
    that have something booked, and today. Empty days are left out so that a screen
    reader does not read out thirty days of nothing."""
    by_day: dict[date, list[Activity]] = {}
    for activity in activities:
        by_day.setdefault(activity.occurs_on, []).append(activity)
    weeks = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        week_first = max(monday, first)
        week_last = min(monday + timedelta(days=6), last)
        in_week = [week_first + timedelta(days=n) for n in range((week_last - week_first).days + 1)]
        days = [
            {"date": day, "activities": by_day.get(day, []), "is_today": day == today}
            for day in in_week
            if day in by_day or day == today
        ]
        weeks.append({"monday": monday, "first": week_first, "last": week_last, "days": days})
        monday += timedelta(days=7)
    return weeks


@require_GET
@staff_required(*CAN_WORK)
@kept_page
def diary_month(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    today = local_today()
    first, note = month_start(request.GET.get("month"), today)
    last = shift_months(first, 1) - timedelta(days=1)
    # One query for the whole month, however much is booked.
    activities = selectors.activities_between(user, first, last)
    previous_month = shift_months(first, -1)
    next_month = shift_months(first, 1)
    return render(
        request,
        "cases/diary_month.html",
        {
            "first": first,
            "last": last,
            "weeks": month_weeks(first, last, activities, today),
            "activity_count": len(activities),
            "day_count": len({activity.occurs_on for activity in activities}),
            "note": note,
            "previous_month": previous_month if previous_month.year >= DIARY_FIRST_YEAR else None,
            "next_month": next_month if next_month.year <= DIARY_LAST_YEAR else None,
            "is_this_month": first == today.replace(day=1),
            # The Week link opens the week holding today in the current month; otherwise
            # the week holding the 4th, which is the first with most of its days in the month.
            "week_of_month": today if first <= today <= last else first.replace(day=4),
            "today": today,
            "current": "diary",
        },
    )


@staff_required(*CAN_WORK)
def diary_feed_settings(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    new_address = ""
    if request.method == "POST":
        if request.POST.get("action") == "turn_off":
            services.revoke_calendar_feed(user=user, request=request)
            messages.success(request, "Your calendar address has been turned off.")
            return redirect("cases:diary_feed_settings")
        token = services.issue_calendar_feed(user=user, request=request)
        new_address = request.build_absolute_uri(reverse("cases:calendar_feed", args=[token]))
    has_feed = hasattr(user, "calendar_feed") and user.calendar_feed is not None
    return render(
        request,
        "cases/diary_feed.html",
        {"new_address": new_address, "has_feed": has_feed or bool(new_address), "current": "diary"},
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private calendar address. No sign-in (calendar programs cannot): the token is the
    key, and an unknown or turned-off token is simply not found."""
    owner: User | None = calendar.feed_owner(token)
    if owner is None:
        raise Http404("No such calendar.")
    start, end = calendar.feed_window(local_today())
    body = calendar.calendar_text(
        selectors.activities_between(owner, start, end),
        domain=request.get_host().split(":")[0] or "imha",
        name="IMHA diary",
    )
    response = HttpResponse(body.encode("utf-8"), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
