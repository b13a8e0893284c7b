"""Actions on referrals. Each runs in one transaction and writes its audit entry.

The order of events for a new referral is the point of this module: the referral and the
email it is owed are saved together first; the email is only attempted afterwards, by a
task, so a broken mail server can never lose a referral.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from imha.accounts.models import Role, User
from imha.audit import services as audit
from imha.audit.models import AuditAction
from imha.cases.matching import normalised_name, normalised_nhs_number
from imha.cases.models import Case
from imha.cases.services import open_case_from_referral
from imha.hospitals.models import Hospital
from imha.referrals import rules, selectors
from imha.referrals.emails import build_message
from imha.referrals.forms import SOMEWHERE_ELSE, asks_about_treatment
from imha.referrals.models import (
    OPEN_STATUSES,
    UNANSWERED_STATUSES,
    Channel,
    Consent,
    EmailKind,
    EmailStatus,
    OutgoingEmail,
    PublicSubmission,
    Referral,
    ReferralStatus,
    ReferrerType,
)

logger = logging.getLogger(__name__)

# Letters and digits that cannot be confused when read over the phone (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

# Public submissions allowed from one address in the window. Generous, because a whole
# hospital trust can share one address.
RATE_LIMIT_SUBMISSIONS = 20
RATE_LIMIT_WINDOW = timedelta(hours=1)

# Delays before each retry of a failed email; after the last one the email is marked as
# failed and shown to staff on the referral.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=15),
    timedelta(hours=1),
    timedelta(hours=4),
    timedelta(hours=12),
)
# A pending email whose retry time passed this long ago has lost its queued task (a worker
# crashed, or queueing failed); the sweep queues it again.
STALE_EMAIL_AFTER = timedelta(minutes=10)


class ReferralStateError(ValueError):
    """The action does not fit the referral's current status (someone else got there first)."""


# --- new referrals --------------------------------------------------------------------------


def random_reference() -> str:
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"R{code[:4]}-{code[4:]}"


def new_reference() -> str:
    """A reference no stored referral has. See `submit_public_referral` for the way that
    skips the look."""
    while True:
        reference = random_reference()
        if not Referral.objects.filter(reference=reference).exists():
            return reference


def referral_fields_from_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Turn the form's answers into Referral field values.

    Both the public pages (answers kept in the session as JSON) and the staff form (cleaned
    data) come through here, so the two routes store the same things the same way.
    """
    referrer_type = answers["referrer_type"]
    about_self = referrer_type == ReferrerType.SELF
    location = str(answers.get("location") or "")
    hospital = None
    if location and location != SOMEWHERE_ELSE:
        hospital = Hospital.objects.filter(pk=int(location)).first()
    date_of_birth = answers.get("date_of_birth")
    if isinstance(date_of_birth, str) and date_of_birth:
        date_of_birth = date.fromisoformat(date_of_birth)
    help_with = list(answers.get("help_with") or [])
    needs = list(answers.get("communication_needs") or [])
    fields: dict[str, Any] = {
        "referrer_type": referrer_type,
        "first_name": answers["first_name"],
        "last_name": answers["last_name"],
        "preferred_name": answers.get("preferred_name", ""),
        "date_of_birth": date_of_birth or None,
        "nhs_number": normalised_nhs_number(answers.get("nhs_number", "")),
        "hospital": hospital,
        "ward": answers.get("ward", "") if hospital else "",
        "location_details": answers.get("location_details", "") if not hospital else "",
        "legal_status_answer": answers["legal_status_answer"],
        "legal_status_other": answers.get("legal_status_other", "")
        if answers["legal_status_answer"] == "other"
        else "",
        # Only kept when the question applies: an answer left over from before the status
        # was changed to a section (or typed on the staff form next to one) must not count.
        "treatment_considered": (answers.get("treatment_considered") or "")
        if asks_about_treatment(answers)
        else "",
        "help_with": help_with,
        "help_other": answers.get("help_other", "") if "other" in help_with else "",
        "more_information": answers.get("more_information", ""),
        "communication_needs": needs,
        "interpreter_language": answers.get("interpreter_language", "")
        if "interpreter" in needs
        else "",
        "access_needs": answers.get("access_needs", "") if "other" in needs else "",
        # Someone asking for help themself has, by asking, agreed to it.
        "consent": Consent.YES if about_self else answers["consent"],
        "contact_method": answers.get("contact_method", ""),
        "person_phone": answers.get("person_phone", ""),
        "person_email": answers.get("person_email", ""),
        "safe_to_leave_message": answers.get("safe_to_leave_message", ""),
        "contact_notes": answers.get("contact_notes", ""),
    }
    if about_self:
        fields.update(
            referrer_name=f"{fields['first_name']} {fields['last_name']}",
            referrer_phone=fields["person_phone"],
            referrer_email=fields["person_email"],
        )
    else:
        for name in (
            "referrer_name",
            "referrer_role",
            "referrer_organisation",
            "referrer_phone",
            "referrer_email",
        ):
            fields[name] = answers.get(name, "")
    return fields


# No savepoint: every caller that recovers from an error (a duplicate submission token, say)
# wraps this call in its own atomic block, and the savepoint would cost two extra round trips
# on every referral.
@transaction.atomic(savepoint=False)
def create_referral(
    *,
    fields: dict[str, Any],
    channel: str,
    received_at: datetime,
    submission_token: str | None = None,
    recorded_by: User | None = None,
    request: HttpRequest | None = None,
    reference: str | None = None,
) -> Referral:
    """Store a referral with its deadline, eligibility snapshot and flags.

    `reference` is for fixed demo data, and for callers that handle a clash with the unique
    constraint themselves (`submit_public_referral`); otherwise a new random one is chosen
    after looking that it is free.
    """
    clock = rules.response_clock(received_at)
    legal_status_code = rules.resolve_legal_status(
        fields["legal_status_answer"], fields.get("legal_status_other", "")
    )
    decision = rules.assess_eligibility(
        legal_status_code=legal_status_code,
        date_of_birth=fields.get("date_of_birth"),
        in_hospital=True if fields.get("hospital") else None,
        treatment=fields.get("treatment_considered", ""),
        on=clock.received_at.date(),
    )
    duplicate = (
        selectors.open_referrals_matching(
            first_name=fields["first_name"],
            last_name=fields["last_name"],
            date_of_birth=fields.get("date_of_birth"),
            nhs_number=fields.get("nhs_number", ""),
        ).exists()
        or selectors.open_cases_matching(
            first_name=fields["first_name"],
            last_name=fields["last_name"],
            date_of_birth=fields.get("date_of_birth"),
            nhs_number=fields.get("nhs_number", ""),
        ).exists()
    )
    referral = Referral(
        **fields,
        reference=reference or new_reference(),
        channel=channel,
        recorded_by=recorded_by,
        received_at=received_at,
        counted_as_received_on=clock.counted_as_received_on,
        respond_by=clock.due_at,
        normalised_name=normalised_name(fields["first_name"], fields["last_name"]),
        legal_status_code=legal_status_code,
        eligibility=rules.eligibility_snapshot(decision),
        eligibility_category=decision.category.value,
        is_statutory=rules.referrer_is_statutory(fields["referrer_type"], decision),
        possible_duplicate=duplicate,
    )
    if submission_token:
        referral.submission_token = submission_token
    # Field checks only: the two check constraints concern decisions and responses, which a
    # new referral cannot have yet, and the database enforces them anyway. Checking them here
    # would cost four queries per referral.
    referral.full_clean(
        exclude=["submission_token", "reference", "hospital"], validate_constraints=False
    )
    referral.save()
    audit.record(
        actor=recorded_by,
        action=AuditAction.CREATE,
        object_type="referral",
        object_id=referral.pk,
        summary=f"Referral {referral.reference} received ({referral.get_channel_display()})",
        request=request,
    )
    if referral.acknowledgement_address:
        # The referral was stored a moment ago, so it cannot owe this email already: create
        # the row outright rather than look for it first.
        acknowledgement = OutgoingEmail.objects.create(
            referral=referral,
            kind=EmailKind.ACKNOWLEDGEMENT,
            recipient=referral.acknowledgement_address,
        )
        enqueue_send_after_commit(acknowledgement)
    return referral


def address_hash(ip_address: str | None) -> str:
    # Keyed, so the stored value cannot be reversed by hashing every possible address.
    key = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(key, (ip_address or "unknown").encode("utf-8"), hashlib.sha256).hexdigest()


def public_submissions_exhausted(ip_address: str | None, now: datetime | None = None) -> bool:
    """True when this address has sent as many referrals as the window allows."""
    since = (now or timezone.now()) - RATE_LIMIT_WINDOW
    recent = PublicSubmission.objects.filter(
        address_hash=address_hash(ip_address), submitted_at__gte=since
    )
    limit = getattr(settings, "IMHA_PUBLIC_REFERRALS_PER_HOUR", RATE_LIMIT_SUBMISSIONS)
    return recent.count() >= limit


@dataclass(frozen=True)
class Submission:
    referral: Referral
    created: bool


def reference_sent_with(submission_token: str) -> str | None:
    """The reference of the referral already stored from this form, if it was sent before."""
    # Only the reference, and no ORDER BY: the token is unique, and the whole row (some fifty
    # columns) would cost more to build than the query costs to run.
    found = Referral.objects.filter(submission_token=submission_token).order_by()
    return next(iter(found.values_list("reference", flat=True)[:1]), None)


def submit_public_referral(
    *,
    answers: dict[str, Any],
    submission_token: str,
    ip_address: str | None,
    request: HttpRequest | None = None,
) -> Submission:
    """Store a referral from the public form, once per token however often it is sent.

    The unique constraints decide, rather than a look beforehand: a token already used, or
    (very rarely) a random reference already taken, makes the insert fail and the whole
    transaction, rate-limit row and all, roll back. The public view looks for the token
    first anyway (`reference_sent_with`), so a repeated Send never gets this far, and a
    new referral is saved without two extra queries.
    """
    retries_left = 1
    while True:
        try:
            with transaction.atomic():
                PublicSubmission.objects.create(address_hash=address_hash(ip_address))
                referral = create_referral(
                    fields=referral_fields_from_answers(answers),
                    channel=Channel.ONLINE,
                    received_at=timezone.now(),
                    submission_token=submission_token,
                    request=request,
                    reference=random_reference(),
                )
        except IntegrityError:
            # The same submission was stored before, or two copies arrived together and
            # the other one won.
            winner = Referral.objects.filter(submission_token=submission_token).first()
            if winner is not None:
                return Submission(winner, created=False)
            if not retries_left:
                raise
            # Otherwise the random reference was taken (about one chance in a million once
            # a million referrals are stored): nothing was kept, so try another.
            retries_left -= 1
            continue
        return Submission(referral, created=True)


# --- emails ---------------------------------------------------------------------------------


def queue_email(referral: Referral, kind: str, recipient: str) -> OutgoingEmail:
    """Note that an email is owed, and send it once the current transaction commits."""
    email, _ = OutgoingEmail.objects.get_or_create(
        referral=referral, kind=kind, recipient=recipient
    )
    enqueue_send_after_commit(email)
    return email


def enqueue_send_after_commit(email: OutgoingEmail, run_after: datetime | None = None) -> None:
    # Imported here because the task module imports this one.
    from imha.referrals.tasks import send_referral_email

    def enqueue() -> None:
        task = send_referral_email.using(run_after=run_after) if run_after else send_referral_email
        task.enqueue(email.pk)

    # After commit, so no worker (or an immediate backend) can try to send before the
    # referral is stored. robust: a queue failure leaves the row pending for the sweep.
    transaction.on_commit(enqueue, robust=True)


def retry_delay(attempts: int) -> timedelta | None:
    """How long to wait after the `attempts`-th failure, or None to give up."""
    return RETRY_DELAYS[attempts - 1] if attempts <= len(RETRY_DELAYS) else None


@transaction.atomic
def send_outgoing_email(email_id: int, now: datetime | None = None) -> str:
    """Try to send one owed email; on failure, note why and schedule the next try.

    The row stays locked while the mail server is talked to (20 seconds at most), so a
    retry queued by the sweep at the same moment waits and then finds it already sent.
    """
    email = OutgoingEmail.objects.select_for_update().select_related("referral").get(pk=email_id)
    if email.status != EmailStatus.PENDING:
        return email.status
    moment = now or timezone.now()
    try:
        build_message(email).send()
    except Exception as error:
        # Whatever went wrong in the mail system, the email is retried rather than lost.
        email.attempts += 1
        email.last_error = f"{type(error).__name__}: {error}"[:300]
        delay = retry_delay(email.attempts)
        if delay is None:
            email.status = EmailStatus.FAILED
            logger.error("Gave up sending email %s after %s tries", email.pk, email.attempts)
        else:
            email.next_attempt_at = moment + delay
            enqueue_send_after_commit(email, run_after=email.next_attempt_at)
        summary = f"{email.get_kind_display()} could not be sent (try {email.attempts})"
    else:
        email.attempts += 1
        email.status = EmailStatus.SENT
        email.sent_at = moment
        email.last_error = ""
        summary = f"{email.get_kind_display()} sent"
    email.save()
    audit.record(
        actor=None,
        action=AuditAction.UPDATE,
        object_type="referral",
        object_id=email.referral_id,
        summary=summary,
    )
    return email.status


class EmailResendError(ValueError):
    """The email is not one that failed for good (it was sent, or is already being retried)."""


@transaction.atomic
def resend_failed_email(
    *, email: OutgoingEmail, actor: User, request: HttpRequest | None = None
) -> OutgoingEmail:
    """Try again an email that was given up on, with a fresh set of retries.

    The row is locked and its status checked, so a double click, or two people pressing
    the button at once, queues it once: the second finds it pending and is refused.
    The earlier error is kept on the row until a send succeeds, so staff can still see
    what went wrong while it waits.
    """
    current = OutgoingEmail.objects.select_for_update().get(pk=email.pk)
    if current.status != EmailStatus.FAILED:
        raise EmailResendError(
            "This email is already waiting to send."
            if current.status == EmailStatus.PENDING
            else "This email has already been sent."
        )
    current.status = EmailStatus.PENDING
    # Back to no tries, so a new failure is retried on the usual schedule instead of being
    # given up on at once.
    current.attempts = 0
    current.next_attempt_at = timezone.now()
    current.save(update_fields=["status", "attempts", "next_attempt_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="referral",
        object_id=current.referral_id,
        summary=f"{current.get_kind_display()} queued to send again",
        request=request,
    )
    enqueue_send_after_commit(current)
    return current


# --- the response clock ---------------------------------------------------------------------


def breach_alert_recipients() -> list[str]:
    managers = (
        User.objects.filter(role=Role.MANAGER, is_active=True)
        .exclude(email="")
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
    # With no manager email on file the alert still goes somewhere someone reads.
    return list(managers) or [str(settings.IMHA_SERVICE["email"])]


def alert_response_breaches(now: datetime | None = None) -> int:
    """Alert managers about each referral that has passed its deadline unanswered, once.

    Each referral is claimed with a conditional update, so two sweeps running at the same
    moment cannot both alert it; the claim and the queued emails commit together.
    """
    moment = now or timezone.now()
    late = Referral.objects.filter(
        status__in=UNANSWERED_STATUSES, respond_by__lt=moment, breach_alerted_at__isnull=True
    ).values_list("pk", flat=True)
    alerted = 0
    recipients = breach_alert_recipients()
    for pk in list(late):
        with transaction.atomic():
            claimed = Referral.objects.filter(
                pk=pk, status__in=UNANSWERED_STATUSES, breach_alerted_at__isnull=True
            ).update(breach_alerted_at=moment)
            if not claimed:
                continue
            referral = Referral.objects.get(pk=pk)
            for recipient in recipients:
                queue_email(referral, EmailKind.BREACH_ALERT, recipient)
            audit.record(
                actor=None,
                action=AuditAction.UPDATE,
                object_type="referral",
                object_id=pk,
                summary=f"Referral {referral.reference} passed its response deadline; "
                "managers alerted",
            )
            alerted += 1
    return alerted


def requeue_stale_emails(now: datetime | None = None) -> int:
    moment = now or timezone.now()
    stale = OutgoingEmail.objects.filter(
        status=EmailStatus.PENDING, next_attempt_at__lt=moment - STALE_EMAIL_AFTER
    )
    count = 0
    for email in stale:
        with transaction.atomic():
            # Pushing the time forward stops the next sweep queueing it a second time.
            OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=moment)
            enqueue_send_after_commit(email)
        count += 1
    return count


def prune_public_submissions(now: datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - RATE_LIMIT_WINDOW * 24
    deleted, _ = PublicSubmission.objects.filter(submitted_at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class SweepResult:
    breaches_alerted: int
    emails_requeued: int
    submissions_pruned: int


def sweep(now: datetime | None = None) -> SweepResult:
    """Everything the clock needs done regularly. Safe to run as often as you like."""
    return SweepResult(
        breaches_alerted=alert_response_breaches(now),
        emails_requeued=requeue_stale_emails(now),
        submissions_pruned=prune_public_submissions(now),
    )


# --- staff actions --------------------------------------------------------------------------


def locked(referral: Referral, allowed: tuple[str, ...]) -> Referral:
    """The referral's row, locked for this transaction, if its status allows the action."""
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status not in allowed:
        raise ReferralStateError(
            f"Referral {current.reference} is now {current.get_status_display().lower()}."
        )
    return current


@transaction.atomic
def create_staff_referral(
    *,
    cleaned: dict[str, Any],
    received_at: datetime,
    actor: User,
    submission_token: str,
    request: HttpRequest | None,
) -> Submission:
    """Store a referral taken by phone, email or letter; saving the form twice stores one."""
    existing = Referral.objects.filter(submission_token=submission_token).first()
    if existing is not None:
        return Submission(existing, created=False)
    referral = create_referral(
        fields=referral_fields_from_answers(cleaned),
        channel=cleaned["channel"],
        received_at=received_at,
        submission_token=submission_token,
        recorded_by=actor,
        request=request,
    )
    return Submission(referral, created=True)


@transaction.atomic
def pick_up_referral(*, referral: Referral, actor: User, request: HttpRequest | None) -> Referral:
    current = locked(referral, (ReferralStatus.NEW,))
    current.status = ReferralStatus.AWAITING_RESPONSE
    current.picked_up_by = actor
    current.picked_up_at = timezone.now()
    current.save(update_fields=["status", "picked_up_by", "picked_up_at", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="referral",
        object_id=current.pk,
        summary=f"Picked up referral {current.reference}",
        request=request,
    )
    return current


def stop_clock(referral: Referral, *, actor: User, method: str, note: str) -> None:
    referral.responded_at = timezone.now()
    referral.responded_by = actor
    referral.response_method = method
    referral.response_note = note


@transaction.atomic
def record_response(
    *, referral: Referral, actor: User, method: str, note: str, request: HttpRequest | None
) -> Referral:
    current = locked(referral, UNANSWERED_STATUSES)
    stop_clock(current, actor=actor, method=method, note=note)
    current.status = ReferralStatus.RESPONDED
    current.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="referral",
        object_id=current.pk,
        summary=f"Recorded the response to referral {current.reference}",
        request=request,
    )
    return current


@transaction.atomic
def decide(
    *,
    referral: Referral,
    actor: User,
    status: str,
    reason: str,
    response_method: str | None,
    request: HttpRequest | None,
) -> Referral:
    current = locked(referral, OPEN_STATUSES)
    if current.clock_running and status != ReferralStatus.WITHDRAWN:
        # Telling the referrer the outcome is a response, so it stops the clock too.
        if not response_method:
            raise ReferralStateError("Say how you told the referrer.")
        stop_clock(current, actor=actor, method=response_method, note="")
    current.status = status
    current.decided_at = timezone.now()
    current.decided_by = actor
    current.outcome_reason = reason
    current.full_clean(exclude=["submission_token", "reference", "hospital"])
    current.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="referral",
        object_id=current.pk,
        summary=f"Referral {current.reference} {current.get_status_display().lower()}",
        request=request,
    )
    return current


@transaction.atomic
def accept_referral(
    *,
    referral: Referral,
    actor: User,
    response_method: str | None,
    note: str = "",
    request: HttpRequest | None = None,
) -> Case:
    accepted = decide(
        referral=referral,
        actor=actor,
        status=ReferralStatus.ACCEPTED,
        reason=note,
        response_method=response_method,
        request=request,
    )
    return open_case_from_referral(referral=accepted, actor=actor, request=request)


@transaction.atomic
def decline_referral(
    *,
    referral: Referral,
    actor: User,
    reason: str,
    response_method: str | None,
    request: HttpRequest | None = None,
) -> Referral:
    if not reason.strip():
        raise ReferralStateError("Give a reason for declining the referral.")
    return decide(
        referral=referral,
        actor=actor,
        status=ReferralStatus.DECLINED,
        reason=reason,
        response_method=response_method,
        request=request,
    )


@transaction.atomic
def withdraw_referral(
    *, referral: Referral, actor: User, reason: str, request: HttpRequest | None = None
) -> Referral:
    return decide(
        referral=referral,
        actor=actor,
        status=ReferralStatus.WITHDRAWN,
        reason=reason,
        response_method=None,
        request=request,
    )


def record_detail_view(*, referral: Referral, actor: User, request: HttpRequest) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type="referral",
        object_id=referral.pk,
        summary=f"Viewed referral {referral.reference}",
        request=request,
    )
