"""Actions on clients and cases. Each runs in one transaction and writes its audit entry."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from imha.accounts.models import User
from imha.audit import services as audit
from imha.audit.models import AuditAction
from imha.cases.matching import normalised_name
from imha.cases.models import Case, CaseStatus, Client
from imha.referrals.models import Referral, YesNo


def client_for_referral(referral: Referral) -> tuple[Client, bool]:
    """The existing client this referral is about, or a new one; True if new.

    An NHS number is the surest match. Otherwise name and date of birth must both match
    exactly one client: two people can share a name, so anything looser makes a new
    client, which staff can merge later, rather than attach a case to the wrong person.
    """
    if referral.nhs_number:
        by_nhs_number = Client.objects.filter(nhs_number=referral.nhs_number).first()
        if by_nhs_number is not None:
            return by_nhs_number, False
    if referral.date_of_birth is not None:
        by_name = list(
            Client.objects.filter(
                normalised_name=normalised_name(referral.first_name, referral.last_name),
                date_of_birth=referral.date_of_birth,
            )[:2]
        )
        if len(by_name) == 1:
            return by_name[0], False
    client = Client.objects.create(
        first_name=referral.first_name,
        last_name=referral.last_name,
        preferred_name=referral.preferred_name,
        date_of_birth=referral.date_of_birth,
        nhs_number=referral.nhs_number,
        phone=referral.person_phone,
        email=referral.person_email,
        safe_to_leave_message=(
            None
            if not referral.safe_to_leave_message
            else referral.safe_to_leave_message == YesNo.YES
        ),
        contact_notes=referral.contact_notes,
        interpreter_language=referral.interpreter_language,
        communication_needs=list(referral.communication_needs),
        access_needs=referral.access_needs,
    )
    return client, True


@transaction.atomic
def open_case_from_referral(
    *, referral: Referral, actor: User | None, request: HttpRequest | None = None
) -> Case:
    """Open a case for an accepted referral, finding or creating its client."""
    client, created = client_for_referral(referral)
    if created:
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            object_type="client",
            object_id=client.pk,
            summary=f"Client created from referral {referral.reference}",
            request=request,
        )
    case = Case.objects.create(
        client=client,
        referral=referral,
        status=CaseStatus.OPEN,
        opened_at=timezone.now(),
        hospital=referral.hospital,
        ward=referral.ward,
        legal_status_code=referral.legal_status_code,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        object_type="case",
        object_id=case.pk,
        summary=f"Case opened from referral {referral.reference}",
        request=request,
    )
    return case
