"""Pages for referrals: the public form, and the staff inbox, intake and actions."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from imha.accounts.models import Role
from imha.audit.services import request_ip
from imha.core import paging
from imha.core.access import signed_in_user, staff_required
from imha.core.kept_pages import kept_page
from imha.referrals import selectors, services
from imha.referrals.forms import DecisionForm, RecordResponseForm, StaffReferralForm
from imha.referrals.journey import (
    SENT_SESSION_KEY,
    STEPS_BY_SLUG,
    Journey,
    Step,
    answer_summary,
)
from imha.referrals.models import EmailStatus, OutgoingEmail, Referral, ReferralStatus

# Who may do what. Hospital users and commissioners are in neither list, so every referral
# page refuses them.
CAN_VIEW = (Role.INTAKE, Role.MANAGER, Role.ADVOCATE)
CAN_ACT = (Role.INTAKE, Role.MANAGER)

# The hidden field that people never see but form-filling robots do.
HONEYPOT_FIELD = "website"


# --- the public form ------------------------------------------------------------------------


def start(request: HttpRequest) -> HttpResponse:
    journey = Journey(request.session)
    first = journey.first_incomplete() if journey.completed else None
    return render(
        request,
        "referrals/start.html",
        {"resume_url": question_url(first) if first else None},
    )


def question_url(step: Step, change: bool = False) -> str:
    url = reverse("referrals:public_question", args=[step.slug])
    return f"{url}?change=1" if change else url


def next_page(journey: Journey, step: Step, changing: bool) -> str:
    """After a page: back to the summary when changing an answer, else the next page.

    A changed answer can make another page apply (say, someone now referring another
    person rather than themself, or now saying they are not detained), so any unanswered
    page comes first. It keeps the "change" mark, so once it is answered the person goes
    back to the summary rather than through every page they had already answered.
    """
    incomplete = journey.first_incomplete()
    if changing:
        return (
            question_url(incomplete, change=True)
            if incomplete
            else reverse("referrals:public_check_answers")
        )
    steps = journey.applicable_steps()
    following = steps[steps.index(step) + 1 :]
    if following:
        return question_url(following[0])
    return question_url(incomplete) if incomplete else reverse("referrals:public_check_answers")


@require_http_methods(["GET", "POST"])
def question(request: HttpRequest, slug: str) -> HttpResponse:
    step = STEPS_BY_SLUG.get(slug)
    if step is None:
        raise Http404("No such question.")
    journey = Journey(request.session)
    if not step.applies(journey.answers) or not journey.can_visit(step):
        first = journey.first_incomplete()
        return redirect(question_url(first) if first else reverse("referrals:public_check_answers"))
    changing = request.GET.get("change") == "1"
    form = journey.form_for(step, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        journey.record(step, form.session_answers())
        return redirect(next_page(journey, step, changing))
    previous = journey.previous(step)
    if changing and previous is not None and not journey.is_complete():
        # A page that a change has just made apply: the summary would only send the person
        # straight back here, so go back to the page whose answer they changed.
        back_url = question_url(previous, change=True)
    elif changing:
        back_url = reverse("referrals:public_check_answers")
    elif previous:
        back_url = question_url(previous)
    else:
        back_url = reverse("referrals:public_start")
    return render(
        request,
        "referrals/question.html",
        {"form": form, "step": step, "back_url": back_url},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def check_answers(request: HttpRequest) -> HttpResponse:
    journey = Journey(request.session)
    if request.method == "POST":
        token = valid_token(request.POST.get("submission_token", ""))
        already_sent = services.reference_sent_with(token) if token else None
        if already_sent is not None:
            # The same form sent again (double click, refresh, back then send): one referral.
            request.session[SENT_SESSION_KEY] = already_sent
            return redirect("referrals:public_confirmation")
        if request.POST.get(HONEYPOT_FIELD):
            return render(request, "referrals/not_sent.html", status=400)
        if not journey.is_complete() or token != journey.token:
            return redirect("referrals:public_check_answers")
        ip_address = request_ip(request)
        if services.public_submissions_exhausted(ip_address):
            return render(request, "referrals/too_many.html", status=429)
        submission = services.submit_public_referral(
            answers=journey.answers,
            submission_token=token,
            ip_address=ip_address,
            request=request,
        )
        request.session[SENT_SESSION_KEY] = submission.referral.reference
        journey.clear()
        return redirect("referrals:public_confirmation")
    first = journey.first_incomplete()
    if first is not None:
        return redirect(question_url(first))
    journey.save()  # keeps the token stable between showing this page and sending it
    return render(
        request,
        "referrals/check_answers.html",
        {
            "sections": answer_summary(journey),
            "token": journey.token,
            "honeypot_field": HONEYPOT_FIELD,
            "back_url": question_url(journey.applicable_steps()[-1]),
        },
    )


def valid_token(raw: str) -> str | None:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


def confirmation(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SENT_SESSION_KEY)
    if not reference:
        return redirect("referrals:public_start")
    return render(request, "referrals/confirmation.html", {"reference": reference})


# --- staff pages ----------------------------------------------------------------------------


@staff_required(*CAN_VIEW)
@kept_page
def inbox(request: HttpRequest) -> HttpResponse:
    try:
        view = selectors.InboxView(
            request.GET.get("show", selectors.InboxView.NEEDS_RESPONSE.value)
        )
    except ValueError:
        raise Http404("No such list.") from None
    requested = paging.requested_page_in(request.GET)
    counts = selectors.inbox_counts()
    page = selectors.inbox_page(view, requested.number, counts=counts)
    return render(
        request,
        "referrals/staff/inbox.html",
        {
            "view": view,
            "page": page,
            "tabs": inbox_tabs(view, counts),
            "pagination": paging.pagination(
                request.GET,
                requested,
                number=page.number,
                last=page.last_number,
                has_next=page.has_next,
                of="referrals",
                empty=not page.rows,
            ),
            "can_act": signed_in_user(request).has_role(*CAN_ACT),
        },
    )


@dataclass(frozen=True)
class InboxTab:
    value: str
    label: str
    count: int | None  # None for tabs too large to count on every request
    active: bool


def inbox_tabs(
    current: selectors.InboxView, counts: dict[selectors.InboxView, int]
) -> list[InboxTab]:
    return [
        InboxTab(view.value, view.label, counts.get(view), view is current)
        for view in selectors.InboxView
    ]


@staff_required(*CAN_ACT)
def log_referral(request: HttpRequest) -> HttpResponse:
    form = StaffReferralForm(request.POST if request.method == "POST" else None)
    token = valid_token(request.POST.get("submission_token", "")) or str(uuid.uuid4())
    if request.method == "POST" and form.is_valid():
        submission = services.create_staff_referral(
            cleaned=form.cleaned_data,
            received_at=form.cleaned_data["received_at"],
            actor=signed_in_user(request),
            submission_token=token,
            request=request,
        )
        if submission.created:
            messages.success(request, f"Referral {submission.referral.reference} logged.")
        return redirect("referrals:detail", reference=submission.referral.reference)
    return render(
        request,
        "referrals/log.html",
        {"form": form, "token": token, "sections": StaffReferralForm.SECTIONS},
        status=400 if form.errors else 200,
    )


def staff_referral(reference: str) -> Referral:
    try:
        return selectors.referral_for_staff(reference)
    except Referral.DoesNotExist:
        raise Http404("No such referral.") from None


@staff_required(*CAN_VIEW)
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    user = signed_in_user(request)
    referral = staff_referral(reference)
    services.record_detail_view(referral=referral, actor=user, request=request)
    matching_referrals, matching_cases = selectors.duplicates_of(referral)
    emails = selectors.emails_for(referral)
    return render(
        request,
        "referrals/staff/detail.html",
        {
            "referral": referral,
            "clock": selectors.clock_state(referral, timezone.now()),
            "status_colour": selectors.status_tag_colour(referral.status),
            "matching_referrals": matching_referrals,
            "matching_cases": matching_cases,
            "emails": emails,
            "has_failed_email": any(email.status == EmailStatus.FAILED for email in emails),
            "can_act": user.has_role(*CAN_ACT),
            "case": getattr(referral, "case", None),
        },
    )


@require_POST
@staff_required(*CAN_ACT)
def pick_up(request: HttpRequest, reference: str) -> HttpResponse:
    referral = get_object_or_404(Referral, reference=reference)
    try:
        services.pick_up_referral(referral=referral, actor=signed_in_user(request), request=request)
        messages.success(request, "You have picked up this referral.")
    except services.ReferralStateError as error:
        messages.error(request, str(error))
    return redirect("referrals:detail", reference=reference)


@require_POST
@staff_required(*CAN_ACT)
def send_email_again(request: HttpRequest, reference: str, email_id: int) -> HttpResponse:
    email = get_object_or_404(OutgoingEmail, pk=email_id, referral__reference=reference)
    try:
        services.resend_failed_email(email=email, actor=signed_in_user(request), request=request)
        messages.success(request, f"{email.get_kind_display()} will be sent again.")
    except services.EmailResendError as error:
        messages.error(request, str(error))
    return redirect("referrals:detail", reference=reference)


@staff_required(*CAN_ACT)
def record_response(request: HttpRequest, reference: str) -> HttpResponse:
    referral = get_object_or_404(Referral, reference=reference)
    if not referral.clock_running:
        messages.error(request, "A response has already been recorded for this referral.")
        return redirect("referrals:detail", reference=reference)
    form = RecordResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_response(
                referral=referral,
                actor=signed_in_user(request),
                method=form.cleaned_data["response_method"],
                note=form.cleaned_data["response_note"],
                request=request,
            )
            messages.success(request, "Response recorded. The clock has stopped.")
        except services.ReferralStateError as error:
            messages.error(request, str(error))
        return redirect("referrals:detail", reference=reference)
    return render(
        request,
        "referrals/action.html",
        {
            "referral": referral,
            "form": form,
            "heading": "Record the response",
            "button": "Record response",
        },
        status=400 if form.errors else 200,
    )


@dataclass(frozen=True)
class Outcome:
    status: str
    heading: str
    button: str
    reason_label: str
    reason_required_message: str | None


OUTCOMES = {
    "accept": Outcome(
        ReferralStatus.ACCEPTED,
        "Accept the referral and open a case",
        "Accept and open a case",
        "Note (optional)",
        None,
    ),
    "decline": Outcome(
        ReferralStatus.DECLINED,
        "Decline the referral",
        "Decline referral",
        "Why are you declining it?",
        "Enter why you are declining this referral",
    ),
    "withdraw": Outcome(
        ReferralStatus.WITHDRAWN,
        "Mark the referral as withdrawn",
        "Mark as withdrawn",
        "Why was it withdrawn? (optional)",
        None,
    ),
}


@staff_required(*CAN_ACT)
def decide(request: HttpRequest, reference: str, outcome_name: str) -> HttpResponse:
    outcome = OUTCOMES[outcome_name]
    referral = get_object_or_404(Referral, reference=reference)
    if not referral.is_open:
        messages.error(
            request, f"This referral is already {referral.get_status_display().lower()}."
        )
        return redirect("referrals:detail", reference=reference)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        needs_response=referral.clock_running and outcome.status != ReferralStatus.WITHDRAWN,
        reason_label=outcome.reason_label,
        reason_required_message=outcome.reason_required_message,
    )
    if request.method == "POST" and form.is_valid():
        user = signed_in_user(request)
        reason = form.cleaned_data["outcome_reason"]
        method = form.cleaned_data.get("response_method")
        try:
            if outcome.status == ReferralStatus.ACCEPTED:
                services.accept_referral(
                    referral=referral,
                    actor=user,
                    response_method=method,
                    note=reason,
                    request=request,
                )
                messages.success(request, "Referral accepted. A case has been opened.")
            elif outcome.status == ReferralStatus.DECLINED:
                services.decline_referral(
                    referral=referral,
                    actor=user,
                    reason=reason,
                    response_method=method,
                    request=request,
                )
                messages.success(request, "Referral declined.")
            else:
                services.withdraw_referral(
                    referral=referral, actor=user, reason=reason, request=request
                )
                messages.success(request, "Referral marked as withdrawn.")
        except services.ReferralStateError as error:
            messages.error(request, str(error))
        return redirect("referrals:detail", reference=reference)
    return render(
        request,
        "referrals/action.html",
        {
            "referral": referral,
            "form": form,
            "heading": outcome.heading,
            "button": outcome.button,
            "warning": outcome.status == ReferralStatus.DECLINED,
        },
        status=400 if form.errors else 200,
    )
