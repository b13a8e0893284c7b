"""django-otp's middleware, with the session's authenticator loaded by kept SQL.

On every signed-in request django-otp loads the device that passed the second factor, by
the persistent id it keeps in the session ("otp_totp.totpdevice/12"). Through the ORM most
of that lookup's cost was building the same SQL again, so this project's two kinds of device
(authenticator apps and recovery codes) are read with SQL built once instead, as the person
is (see `imha.accounts.backends`).

Only the lookup changes. The persistent id is taken apart exactly as
`Device.from_persistent_id` does, so a malformed id, an unknown model, or an id that is not
a number or cannot exist is no device rather than an error (as is a model that is not a
device, where django-otp itself would fail); any other kind of device goes through
django-otp's own lookup. django-otp's middleware still refuses a device that belongs to
someone else or is not confirmed, and removes it from the session, in `_finalize_device`,
which this class leaves alone. The async path is django-otp's own.
"""

from __future__ import annotations

from contextlib import suppress

from django.apps import apps
from django_otp.middleware import OTPMiddleware
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.backends import kept_instance_by_pk

# The devices people here sign in with; any other kind is looked up by django-otp.
KEPT_SQL_DEVICE_CLASSES: frozenset[type[Device]] = frozenset({TOTPDevice, StaticDevice})


class KeptSqlOTPMiddleware(OTPMiddleware):
    def _device_from_persistent_id(self, persistent_id: str) -> Device | None:
        normalised = self._normalize_persistent_id(persistent_id)
        # The same steps, and the same errors meaning "no such device", as
        # Device.from_persistent_id.
        with suppress(ValueError, LookupError):
            model_label, device_id = normalised.rsplit("/", 1)
            app_label, model_name = model_label.split(".")
            device_class = apps.get_model(app_label, model_name)
            if device_class in KEPT_SQL_DEVICE_CLASSES:
                return kept_instance_by_pk(device_class, int(device_id))
            if issubclass(device_class, Device):
                return super()._device_from_persistent_id(persistent_id)
        # django-otp 1.7 fails with an AttributeError, a server error, when the id names a
        # model that is not a device; here that is no device, like any other bad id.
        return None
