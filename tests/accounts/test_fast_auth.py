"""The person and authenticator behind each signed-in request, read with kept SQL.

`imha.accounts.backends` and `imha.accounts.middleware` replace two ORM lookups that run on
every signed-in request. These tests hold them to the security behaviour of the lookups they
replace, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts import middleware as kept_middleware
from imha.accounts.backends import KeptSqlModelBackend, _select_by_pk, kept_instance_by_pk
from imha.accounts.middleware import KeptSqlOTPMiddleware
from imha.accounts.models import Role, User
from imha.accounts.services import replace_recovery_codes
from tests.conftest import STAFF_PASSWORD

pytestmark = pytest.mark.django_db

KEPT_BACKEND = "imha.accounts.backends.KeptSqlModelBackend"
OLD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def unused_response(request: HttpRequest) -> HttpResponse:  # pragma: no cover - never called
    return HttpResponse()


def kept_device(persistent_id: str) -> Device | None:
    return KeptSqlOTPMiddleware(unused_response)._device_from_persistent_id(persistent_id)


def orm_device(persistent_id: str) -> Device | None:
    return OTPMiddleware(unused_response)._device_from_persistent_id(persistent_id)


def signed_in_by_session(user: User, device: Device, backend: str = KEPT_BACKEND) -> Client:
    """A client whose session says `user` passed both steps with `device`."""
    client = Client()
    client.force_login(user, backend=backend)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def sent_to_sign_in(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/sign-in/?")


def sent_to_second_factor(response: HttpResponse) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        "/sign-in/security-code/"
    )


@pytest.fixture
def advocate(make_user: Callable[..., User]) -> User:
    return make_user(Role.ADVOCATE, username="ada")


@pytest.fixture
def authenticator(advocate: User, enrolled_device: Callable[[User], TOTPDevice]) -> TOTPDevice:
    return enrolled_device(advocate)


@pytest.fixture
def verified(advocate: User, authenticator: TOTPDevice) -> Client:
    client = signed_in_by_session(advocate, authenticator)
    assert client.get("/staff/").status_code == 200
    return client


# Signing in through the real pages


def test_sign_in_through_the_pages_records_the_kept_sql_backend(verified_client):
    client = verified_client(Role.ADVOCATE)
    assert client.session[BACKEND_SESSION_KEY] == KEPT_BACKEND
    response = client.get("/staff/")
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert user.is_verified()
    assert isinstance(user.otp_device, TOTPDevice)
    assert user.otp_device.user_id == user.pk


def test_sign_in_with_a_recovery_code_reads_a_static_device(advocate, authenticator):
    code = replace_recovery_codes(advocate)[0]
    client = Client()
    client.post("/sign-in/", {"username": "ada", "password": STAFF_PASSWORD})
    assert client.post("/sign-in/security-code/", {"code": code}).status_code == 302
    response = client.get("/staff/")
    assert response.status_code == 200
    assert isinstance(response.wsgi_request.user.otp_device, StaticDevice)


def test_a_wrong_password_is_still_refused(advocate):
    response = Client().post("/sign-in/", {"username": "ada", "password": "not-the-password"})
    assert response.status_code == 400


# The person


def test_a_deactivated_person_is_signed_out_on_their_next_request(verified, advocate):
    User.objects.filter(pk=advocate.pk).update(is_active=False)
    response = verified.get("/staff/")
    assert sent_to_sign_in(response)
    assert not response.wsgi_request.user.is_authenticated


def test_a_deleted_person_is_signed_out_on_their_next_request(verified, advocate):
    advocate.delete()
    response = verified.get("/staff/")
    assert sent_to_sign_in(response)
    assert not response.wsgi_request.user.is_authenticated


def test_changing_the_password_ends_the_other_sessions_but_not_this_one(
    verified, advocate, authenticator
):
    other = signed_in_by_session(advocate, authenticator)
    assert other.get("/staff/").status_code == 200
    new_password = "another-long-password-73"
    changed = verified.post(
        "/account/password/",
        {
            "old_password": STAFF_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert changed.status_code == 302, changed.content
    assert verified.get("/staff/").status_code == 200
    # The session hash no longer matches, so Django empties the other session.
    assert sent_to_sign_in(other.get("/staff/"))
    assert SESSION_KEY not in other.session


def test_a_password_changed_elsewhere_ends_the_session(verified, advocate):
    advocate.set_password("changed-by-an-administrator-1")
    advocate.save()
    assert sent_to_sign_in(verified.get("/staff/"))


def test_get_user_refuses_the_inactive_and_the_missing(advocate):
    backend = KeptSqlModelBackend()
    assert backend.get_user(advocate.pk) == advocate
    assert backend.get_user(advocate.pk + 1000) is None
    assert backend.get_user(2**70) is None
    User.objects.filter(pk=advocate.pk).update(is_active=False)
    assert backend.get_user(advocate.pk) is None


def test_a_session_signed_in_with_the_old_backend_path_is_asked_to_sign_in_again(
    advocate, authenticator
):
    # Sessions begun before the change name Django's ModelBackend, which is no longer
    # listed: those people sign in again once, rather than every failed sign-in hashing
    # the password twice for ever.
    client = signed_in_by_session(advocate, authenticator, backend=OLD_BACKEND)
    assert client.session[BACKEND_SESSION_KEY] == OLD_BACKEND
    assert sent_to_sign_in(client.get("/staff/"))


def test_only_the_kept_sql_backend_is_listed(settings):
    # The first listed is the one sign-in (and force_login) records; a second would check
    # every wrong password again.
    assert settings.AUTHENTICATION_BACKENDS == [KEPT_BACKEND]


def test_the_kept_sql_middleware_replaces_django_otps(settings):
    assert "imha.accounts.middleware.KeptSqlOTPMiddleware" in settings.MIDDLEWARE
    assert "django_otp.middleware.OTPMiddleware" not in settings.MIDDLEWARE


# The authenticator


def test_a_device_of_someone_else_is_refused(verified, make_user, enrolled_device):
    someone_else = make_user(Role.ADVOCATE, username="bo")
    their_device = enrolled_device(someone_else)
    session = verified.session
    session[DEVICE_ID_SESSION_KEY] = their_device.persistent_id
    session.save()
    response = verified.get("/staff/")
    assert sent_to_second_factor(response)
    assert not response.wsgi_request.user.is_verified()
    assert DEVICE_ID_SESSION_KEY not in verified.session


def test_an_unconfirmed_device_is_refused(verified, authenticator):
    TOTPDevice.objects.filter(pk=authenticator.pk).update(confirmed=False)
    response = verified.get("/staff/")
    assert sent_to_second_factor(response)
    assert DEVICE_ID_SESSION_KEY not in verified.session


def test_a_deleted_device_is_refused(verified, authenticator):
    authenticator.delete()
    response = verified.get("/staff/")
    assert sent_to_second_factor(response)
    assert DEVICE_ID_SESSION_KEY not in verified.session


MALFORMED_PERSISTENT_IDS = [
    "garbage",
    "/",
    "otp_totp.totpdevice",
    "otp_totp.totpdevice/",
    "otp_totp.totpdevice/abc",
    "otp_totp.totpdevice/1.5",
    "otp_totp/1",
    "otp_totp.nosuchdevice/1",
    "no_such_app.totpdevice/1",
    "otp_totp.totpdevice/-1",
    f"otp_totp.totpdevice/{2**70}",
    f"otp_static.staticdevice/{-(2**70)}",
]


@pytest.mark.parametrize("persistent_id", MALFORMED_PERSISTENT_IDS)
def test_a_malformed_persistent_id_is_refused_without_an_error(verified, persistent_id):
    session = verified.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    response = verified.get("/staff/")
    assert sent_to_second_factor(response)
    assert kept_device(persistent_id) is None
    assert orm_device(persistent_id) is None


def test_a_model_that_is_not_a_device_is_refused_without_an_error(verified, advocate):
    # django-otp 1.7's own lookup fails with an AttributeError here.
    persistent_id = f"accounts.user/{advocate.pk}"
    session = verified.session
    session[DEVICE_ID_SESSION_KEY] = persistent_id
    session.save()
    assert sent_to_second_factor(verified.get("/staff/"))
    assert kept_device(persistent_id) is None


def persistent_ids_of(authenticator: TOTPDevice, recovery: StaticDevice) -> list[str]:
    return [
        authenticator.persistent_id,
        recovery.persistent_id,
        f"otp_totp.TOTPDevice/{authenticator.pk}",
        f" otp_totp.totpdevice/ {authenticator.pk} ",
        # The old form, a full import path, which django-otp still accepts.
        f"django_otp.plugins.otp_totp.models.TOTPDevice/{authenticator.pk}",
        f"otp_static.staticdevice/{recovery.pk + 1000}",
    ]


def test_devices_found_are_those_django_otp_finds(advocate, authenticator):
    replace_recovery_codes(advocate)
    recovery = StaticDevice.objects.get(user=advocate)
    for persistent_id in persistent_ids_of(authenticator, recovery):
        found = kept_device(persistent_id)
        expected = orm_device(persistent_id)
        assert found == expected, persistent_id
        assert type(found) is type(expected), persistent_id


def test_other_kinds_of_device_go_through_django_otp(monkeypatch, authenticator):
    monkeypatch.setattr(kept_middleware, "KEPT_SQL_DEVICE_CLASSES", frozenset())
    looked_up: list[str] = []
    original = Device.from_persistent_id.__func__  # type: ignore[attr-defined]

    def recording(cls, persistent_id, for_verify=False):
        looked_up.append(persistent_id)
        return original(cls, persistent_id, for_verify)

    monkeypatch.setattr(Device, "from_persistent_id", classmethod(recording))
    assert kept_device(authenticator.persistent_id) == authenticator
    assert looked_up == [authenticator.persistent_id]


# One query each, and the same values as the ORM's


def test_each_lookup_is_one_query(advocate, authenticator):
    replace_recovery_codes(advocate)
    recovery = StaticDevice.objects.get(user=advocate)
    lookups = [
        lambda: KeptSqlModelBackend().get_user(advocate.pk),
        lambda: KeptSqlModelBackend().get_user(advocate.pk + 1000),
        lambda: kept_device(authenticator.persistent_id),
        lambda: kept_device(recovery.persistent_id),
        lambda: kept_device(f"otp_totp.totpdevice/{authenticator.pk + 1000}"),
    ]
    for lookup in lookups:
        lookup()  # the SQL is built on first use
        built_before = _select_by_pk.cache_info().misses
        with CaptureQueriesContext(connection) as queries:
            lookup()
        assert len(queries) == 1
        assert _select_by_pk.cache_info().misses == built_before


def test_a_staff_page_reads_the_person_and_device_once_each(verified, advocate):
    verified.get("/staff/")
    with CaptureQueriesContext(connection) as queries:
        assert verified.get("/staff/").status_code == 200
    person_queries = [q for q in queries if '"accounts_user"' in q["sql"]]
    device_queries = [q for q in queries if '"otp_totp_totpdevice"' in q["sql"]]
    assert len(person_queries) == 1
    assert len(device_queries) == 1


def same_values(kept: object, from_orm: object) -> None:
    assert type(kept) is type(from_orm)
    for field in type(from_orm)._meta.concrete_fields:  # type: ignore[attr-defined]
        kept_value = getattr(kept, field.attname)
        orm_value = getattr(from_orm, field.attname)
        assert kept_value == orm_value, field.attname
        assert type(kept_value) is type(orm_value), field.attname
    assert kept._state.db == from_orm._state.db  # type: ignore[attr-defined]
    assert not kept._state.adding  # type: ignore[attr-defined]


def test_the_person_has_the_values_the_orm_gives(advocate):
    User.objects.filter(pk=advocate.pk).update(last_login=timezone.now(), is_staff=True)
    kept = KeptSqlModelBackend().get_user(advocate.pk)
    same_values(kept, User.objects.get(pk=advocate.pk))
    assert isinstance(kept, User)
    assert kept.is_active is True
    assert kept.is_staff is True
    assert kept.is_superuser is False
    assert isinstance(kept.last_login, datetime)
    assert timezone.is_aware(kept.last_login)
    assert isinstance(kept.date_joined, datetime)


def test_the_devices_have_the_values_the_orm_gives(advocate, authenticator):
    TOTPDevice.objects.filter(pk=authenticator.pk).update(
        throttling_failure_timestamp=timezone.now(), throttling_failure_count=2
    )
    replace_recovery_codes(advocate)
    recovery = StaticDevice.objects.get(user=advocate)
    kept_totp = kept_device(authenticator.persistent_id)
    same_values(kept_totp, TOTPDevice.objects.get(pk=authenticator.pk))
    assert isinstance(kept_totp, TOTPDevice)
    assert kept_totp.confirmed is True
    assert isinstance(kept_totp.throttling_failure_timestamp, datetime)
    assert isinstance(kept_totp.created_at, datetime)
    same_values(kept_device(recovery.persistent_id), StaticDevice.objects.get(pk=recovery.pk))


def test_a_kept_device_can_still_be_used_and_saved(advocate, authenticator):
    from tests.conftest import current_code

    device = kept_device(authenticator.persistent_id)
    assert isinstance(device, TOTPDevice)
    assert device.verify_token(current_code(device))
    authenticator.refresh_from_db()
    assert authenticator.last_t == device.last_t


def test_a_primary_key_that_is_not_a_number_fails_as_the_orm_does(advocate):
    with pytest.raises(ValueError):
        User.objects.filter(pk="not-a-number").first()
    with pytest.raises(ValueError):
        kept_instance_by_pk(User, "not-a-number")
    assert kept_instance_by_pk(User, str(advocate.pk)) == advocate
    assert kept_instance_by_pk(User, None) is None
