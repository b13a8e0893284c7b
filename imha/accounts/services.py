"""Actions on staff accounts: sign-in throttling and two-factor enrolment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.models import SignInAttempt, User

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
# Recovery codes avoid letters and digits people confuse when reading from paper.
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def normalise_username(username: str) -> str:
    return username.strip().lower()


def sign_in_locked(username: str, ip_address: str | None) -> bool:
    """True when too many recent failures came for this username or from this address.

    Counting per username stops a slow guess at one account from many addresses; counting
    per address stops one machine trying many accounts.
    """
    window_start = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent_failures = SignInAttempt.objects.filter(succeeded=False, attempted_at__gte=window_start)
    by_user = Q(username=normalise_username(username))
    by_address = Q(ip_address=ip_address) if ip_address else Q(pk__in=[])
    limit = settings.LOGIN_FAILURE_LIMIT
    return (
        recent_failures.filter(by_user).count() >= limit
        or recent_failures.filter(by_address).count() >= limit
    )


def record_sign_in_attempt(username: str, ip_address: str | None, *, succeeded: bool) -> None:
    SignInAttempt.objects.create(
        username=normalise_username(username), ip_address=ip_address, succeeded=succeeded
    )


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator-app device for enrolment, created on first need.

    Reusing one pending device means reloading the enrolment page keeps the same QR code,
    so a person who already scanned it is not left with a stale entry in their app.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def new_recovery_code() -> str:
    raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


@transaction.atomic
def replace_recovery_codes(user: User) -> list[str]:
    """Issue a fresh set of one-use recovery codes, cancelling any earlier set."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@dataclass(frozen=True)
class EnrolmentResult:
    device: TOTPDevice
    recovery_codes: list[str]


@transaction.atomic
def confirm_totp_enrolment(user: User, device: TOTPDevice, code: str) -> EnrolmentResult | None:
    """Confirm the pending device if `code` is right; returns None when it is wrong."""
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(code.replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return EnrolmentResult(device=device, recovery_codes=replace_recovery_codes(user))


def verify_second_factor(user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts `code`: the authenticator app first, then a recovery code.

    A recovery code is spent when used (django-otp deletes the static token).
    """
    cleaned = code.strip().replace(" ", "")
    totp = confirmed_totp_device(user)
    if totp is not None and cleaned.isdigit() and totp.verify_token(cleaned):
        return totp
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(cleaned.lower()):
            return device
    return None


def remaining_recovery_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
