from __future__ import annotations

import pytest
from django.db import IntegrityError
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.models import Role, SignInAttempt, User
from imha.accounts.views import RECOVERY_CODES_SESSION_KEY
from tests.conftest import STAFF_PASSWORD, current_code

pytestmark = pytest.mark.django_db


def password_step(client: Client, username: str, password: str = STAFF_PASSWORD, **extra):
    return client.post("/sign-in/", {"username": username, "password": password, **extra})


def test_wrong_password_gives_one_message_for_username_and_password(make_user):
    make_user(Role.ADVOCATE, username="ada")
    client = Client()
    wrong_password = password_step(client, "ada", "not-the-password")
    unknown_user = password_step(client, "nobody-here", "not-the-password")
    for response in (wrong_password, unknown_user):
        assert response.status_code == 400
        assert "Enter a correct username and password" in response.content.decode()
    assert SignInAttempt.objects.filter(succeeded=False).count() == 2


def test_empty_form_says_what_is_missing_and_keeps_what_was_typed(db):
    response = Client().post("/sign-in/", {"username": "typed-name", "password": ""})
    page = response.content.decode()
    assert "Enter your password" in page
    assert 'value="typed-name"' in page
    assert "govuk-error-summary" in page


def test_password_alone_does_not_open_staff_pages(make_user):
    make_user(Role.MANAGER, username="morgan")
    client = Client()
    response = password_step(client, "morgan")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/security-code/")
    staff = client.get("/staff/")
    assert staff.status_code == 302
    assert staff["Location"].startswith("/sign-in/security-code/")


def test_first_sign_in_enrols_authenticator_then_shows_recovery_codes_once(make_user, settings):
    # django-otp makes a person wait longer after each wrong code; switched off here so the
    # right code can follow a wrong one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = make_user(Role.INTAKE, username="ivy")
    client = Client()
    password_step(client, "ivy")
    response = client.get("/sign-in/security-code/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/set-up-authenticator/")

    enrol_page = client.get(response["Location"])
    assert enrol_page.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in enrol_page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # Reloading keeps the same pending device, so a scanned QR code stays valid.
    client.get("/sign-in/set-up-authenticator/")
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post("/sign-in/set-up-authenticator/", {"code": "000000"})
    if current_code(device) != "000000":
        assert wrong.status_code == 400
        assert "That code is not right" in wrong.content.decode()

    done = client.post("/sign-in/set-up-authenticator/", {"code": current_code(device)})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed

    codes_page = client.get(done["Location"])
    page = codes_page.content.decode()
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10
    assert all(code in page for code in codes)
    assert RECOVERY_CODES_SESSION_KEY not in client.session
    # Shown once only: a second visit sends the person to their account page instead.
    again = client.get("/account/recovery-codes/")
    assert again.status_code == 302
    assert again["Location"] == "/account/"
    assert client.get("/staff/").status_code == 200


def test_enrolment_code_must_be_six_digits(make_user):
    make_user(Role.INTAKE, username="ivy")
    client = Client()
    password_step(client, "ivy")
    response = client.post("/sign-in/set-up-authenticator/", {"code": "12ab"})
    assert response.status_code == 400
    assert "The code must be 6 digits" in response.content.decode()


def test_enrolled_person_cannot_enrol_a_second_app(make_user, enrolled_device):
    user = make_user(Role.ADVOCATE, username="ada")
    enrolled_device(user)
    client = Client()
    password_step(client, "ada")
    response = client.get("/sign-in/set-up-authenticator/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/security-code/")
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_security_code_signs_in_and_replayed_code_fails(make_user, enrolled_device):
    user = make_user(Role.ADVOCATE, username="ada")
    device = enrolled_device(user)
    code = current_code(device)
    client = Client()
    password_step(client, "ada")
    response = client.post("/sign-in/security-code/", {"code": code})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200

    other = Client()
    password_step(other, "ada")
    replay = other.post("/sign-in/security-code/", {"code": code})
    assert replay.status_code == 400
    assert "already been used" in replay.content.decode()


def test_recovery_code_works_once(make_user, enrolled_device):
    from imha.accounts.services import replace_recovery_codes

    user = make_user(Role.ADVOCATE, username="ada")
    enrolled_device(user)
    code = replace_recovery_codes(user)[0]
    first = Client()
    password_step(first, "ada")
    assert first.post("/sign-in/security-code/", {"code": code.upper()}).status_code == 302
    assert first.get("/staff/").status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9

    second = Client()
    password_step(second, "ada")
    assert second.post("/sign-in/security-code/", {"code": code}).status_code == 400


def test_new_recovery_codes_cancel_the_old_set(verified_client):
    client = verified_client(Role.ADVOCATE)
    user = User.objects.get(username="advocate-user")
    client.post("/account/recovery-codes/new/")
    old = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    page = client.get("/account/recovery-codes/").content.decode()
    assert all(code in page for code in old)
    client.post("/account/recovery-codes/new/")
    new = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(new) == 10
    assert not old & new


def test_repeated_failures_lock_the_username(make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(Role.ADVOCATE, username="ada")
    for attempt in range(3):
        client = Client(REMOTE_ADDR=f"192.0.2.{attempt + 1}")
        assert password_step(client, "ada", "guess").status_code == 400
    # Even the right password is refused while locked, from a fresh address.
    locked = password_step(Client(REMOTE_ADDR="198.51.100.7"), "ADA ")
    assert locked.status_code == 429
    assert "too many attempts" in locked.content.decode()
    assert not SignInAttempt.objects.filter(succeeded=True).exists()


def test_repeated_failures_lock_the_address(make_user, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    make_user(Role.ADVOCATE, username="ada")
    client = Client(REMOTE_ADDR="203.0.113.9")
    for name in ("one", "two", "three"):
        password_step(client, name, "guess")
    assert password_step(client, "ada").status_code == 429
    assert password_step(Client(REMOTE_ADDR="203.0.113.10"), "ada").status_code == 302


def test_lock_lifts_after_the_window(make_user, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.LOGIN_FAILURE_LIMIT = 2
    make_user(Role.ADVOCATE, username="ada")
    client = Client()
    password_step(client, "ada", "guess")
    password_step(client, "ada", "guess")
    assert password_step(client, "ada").status_code == 429
    SignInAttempt.objects.update(
        attempted_at=timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS + 1)
    )
    assert password_step(client, "ada").status_code == 302


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"],
)
def test_next_cannot_send_people_off_site(make_user, enrolled_device, next_url):
    user = make_user(Role.ADVOCATE, username="ada")
    device = enrolled_device(user)
    client = Client()
    client.post("/sign-in/", {"username": "ada", "password": STAFF_PASSWORD, "next": next_url})
    response = client.post(
        "/sign-in/security-code/", {"code": current_code(device), "next": next_url}
    )
    assert response["Location"] == "/staff/"


def test_next_within_the_site_is_followed(make_user, enrolled_device):
    user = make_user(Role.ADVOCATE, username="ada")
    device = enrolled_device(user)
    client = Client()
    first = client.get("/account/")
    assert first.status_code == 302
    assert "next=%2Faccount%2F" in first["Location"]
    client.post("/sign-in/", {"username": "ada", "password": STAFF_PASSWORD, "next": "/account/"})
    response = client.post(
        "/sign-in/security-code/", {"code": current_code(device), "next": "/account/"}
    )
    assert response["Location"] == "/account/"


def test_sign_out_needs_post_and_ends_the_session(verified_client):
    client = verified_client(Role.ADVOCATE)
    assert client.get("/sign-out/").status_code == 405
    assert client.get("/staff/").status_code == 200
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302


def test_inactive_person_cannot_sign_in(make_user):
    make_user(Role.ADVOCATE, username="ada", is_active=False)
    assert password_step(Client(), "ada").status_code == 400


def test_use_keeps_the_session_alive_with_one_write_a_minute(verified_client):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from imha.core.middleware import SlidingSessionMiddleware

    client = verified_client(Role.ADVOCATE)
    session = Session.objects.get()
    # Within the minute: no write, the expiry stays where it was.
    pinned = timezone.now() + timedelta(minutes=5)
    Session.objects.update(expire_date=pinned)
    assert client.get("/staff/").status_code == 200
    assert Session.objects.get().expire_date == pinned
    # A minute on: the next page renews the session for the full idle timeout.
    store = client.session
    store[SlidingSessionMiddleware.REFRESH_KEY] -= 61
    store.save()
    Session.objects.update(expire_date=pinned)
    assert client.get("/staff/").status_code == 200
    renewed = Session.objects.get(session_key=session.session_key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)


def test_expired_session_is_signed_out(verified_client):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = verified_client(Role.ADVOCATE)
    Session.objects.update(expire_date=timezone.now())
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_password_rules_refuse_short_and_common_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short1", "password1234", "123456789012"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("heron-lantern-quarry-91")


def test_hospital_users_need_a_hospital_and_others_must_not_have_one(hospital):
    with pytest.raises(IntegrityError):
        User.objects.create_user(username="h", password="x", role=Role.HOSPITAL)


def test_non_hospital_roles_cannot_be_tied_to_a_hospital(hospital):
    with pytest.raises(IntegrityError):
        User.objects.create_user(username="a", password="x", role=Role.ADVOCATE, hospital=hospital)


def test_createsuperuser_makes_an_administrator(db):
    user = User.objects.create_superuser("first-admin", "a@example.org", "x" * 16)
    assert user.role == Role.ADMINISTRATOR
    assert user.is_staff


def test_password_change_applies_the_rules_and_keeps_the_session(verified_client):
    from imha.audit.models import AuditEvent

    client = verified_client(Role.ADVOCATE)
    weak = client.post(
        "/account/password/",
        {"old_password": STAFF_PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert weak.status_code == 400
    assert "too short" in weak.content.decode()
    new_password = "heron-lantern-quarry-91"
    done = client.post(
        "/account/password/",
        {
            "old_password": STAFF_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert done.status_code == 302
    assert client.get("/staff/").status_code == 200
    assert User.objects.get(username="advocate-user").check_password(new_password)
    assert AuditEvent.objects.filter(summary="changed their password").count() == 1
