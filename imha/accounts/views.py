"""Staff sign-in: password, then a second factor, every time.

A person is signed in to Django after the password step, but every staff page (and the
admin) also demands `is_verified()`, which only the second-factor step sets. New staff are
taken to enrolment until they have an authenticator app set up.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from imha.accounts import services
from imha.accounts.forms import EnrolmentCodeForm, SecurityCodeForm, SignInForm
from imha.accounts.models import User
from imha.audit import services as audit
from imha.audit.models import AuditAction
from imha.core.access import second_factor_passed, signed_in_user, staff_required

RECOVERY_CODES_SESSION_KEY = "imha_new_recovery_codes"


def safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}"


@sensitive_post_parameters("password")
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, reverse("core:staff_home"))
    form = SignInForm(request.POST or None)
    locked = False
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        ip_address = audit.request_ip(request)
        if services.sign_in_locked(username, ip_address):
            locked = True
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            services.record_sign_in_attempt(username, ip_address, succeeded=user is not None)
            if user is not None:
                login(request, user)
                return redirect(with_next(reverse("accounts:second_factor"), next_url))
            audit.record(
                actor=None,
                action=AuditAction.SIGN_IN_FAILED,
                object_type="account",
                object_id=services.normalise_username(username)[:64],
                request=request,
            )
            # One message for a wrong username or a wrong password, so the page does not
            # reveal which usernames exist.
            form.add_error(None, "Enter a correct username and password")
    status = 429 if locked else (400 if request.method == "POST" else 200)
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": next_url, "locked": locked},
        status=status,
    )


@never_cache
def second_factor(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user: User = request.user
    next_url = safe_next(request, reverse("core:staff_home"))
    if second_factor_passed(user):
        return redirect(next_url)
    if services.confirmed_totp_device(user) is None:
        return redirect(with_next(reverse("accounts:enrol"), next_url))
    form = SecurityCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_second_factor(user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            audit.record(
                actor=user,
                action=AuditAction.SIGN_IN,
                object_type="account",
                object_id=user.pk,
                summary="with a recovery code"
                if device.name == services.RECOVERY_DEVICE_NAME
                else "",
                request=request,
            )
            if services.remaining_recovery_codes(user) <= 2:
                messages.warning(
                    request,
                    "You have few recovery codes left. Make a new set from your account page.",
                )
            return redirect(next_url)
        form.add_error(
            "code",
            "The security code is not right, or it has already been used. "
            "Wait a few seconds, then try again",
        )
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


def qr_code_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    buffer = io.BytesIO()
    image.save(buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f"data:image/svg+xml;base64,{encoded}"


@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("accounts:login")
    user: User = request.user
    next_url = safe_next(request, reverse("core:staff_home"))
    if services.confirmed_totp_device(user) is not None:
        # Enrolling a second app would let anyone holding a password replace the factor.
        return redirect(with_next(reverse("accounts:second_factor"), next_url))
    device = services.pending_totp_device(user)
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.confirm_totp_enrolment(user, device, form.cleaned_data["code"])
        if result is not None:
            otp_login(request, result.device)
            audit.record(
                actor=user,
                action=AuditAction.SIGN_IN,
                object_type="account",
                object_id=user.pk,
                summary="set up an authenticator app",
                request=request,
            )
            request.session[RECOVERY_CODES_SESSION_KEY] = result.recovery_codes
            return redirect(with_next(reverse("accounts:recovery_codes"), next_url))
        form.add_error(
            "code",
            "That code is not right. Check the time on your phone is correct, "
            "wait a few seconds, then try again",
        )
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return render(
        request,
        "accounts/enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": qr_code_data_uri(device.config_url),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
        status=400 if form.errors else 200,
    )


@staff_required()
def recovery_codes(request: HttpRequest) -> HttpResponse:
    # Shown once: the codes leave the session as soon as they are displayed.
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:account")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": safe_next(request, reverse("core:staff_home"))},
    )


@staff_required()
def account(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(
        request,
        "accounts/account.html",
        {"remaining_codes": services.remaining_recovery_codes(user)},
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@staff_required()
def change_password(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        # Changing the password rotates the session hash; keep this session signed in.
        update_session_auth_hash(request, user)
        audit.record(
            actor=user,
            action=AuditAction.UPDATE,
            object_type="account",
            object_id=user.pk,
            summary="changed their password",
            request=request,
        )
        messages.success(request, "Your password has been changed.")
        return redirect("accounts:account")
    return render(
        request,
        "accounts/change_password.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required()
def new_recovery_codes(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    request.session[RECOVERY_CODES_SESSION_KEY] = services.replace_recovery_codes(user)
    return redirect("accounts:recovery_codes")


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(
            actor=request.user,
            action=AuditAction.SIGN_OUT,
            object_type="account",
            object_id=request.user.pk,
            request=request,
        )
    logout(request)
    messages.success(request, "You have signed out.")
    return redirect("resources:home")
