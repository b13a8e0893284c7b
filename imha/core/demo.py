"""Demo data: obviously fictional hospitals and one sign-in for each role.

Used by `make run` through the `load_demo` command. Running it again changes nothing but
resetting the demo passwords, so the printed logins always work.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.module_loading import import_string

from imha.accounts.models import Role, User
from imha.hospitals.models import Hospital

DEMO_HOSPITALS = [
    ("Fictional Moor Hospital", "fictional-moor", "1 Nowhere Lane, Exampletown, EX0 0AB"),
    ("Imaginary Vale Mental Health Unit", "imaginary-vale", "2 Makebelieve Road, EX0 0AC"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    first_name: str
    last_name: str
    hospital_code: str | None = None


DEMO_LOGINS = [
    DemoLogin("intake", "demo-intake-pass", Role.INTAKE, "Ivy", "Intakeworker"),
    DemoLogin("advocate", "demo-advocate-pass", Role.ADVOCATE, "Ada", "Advocatesson"),
    DemoLogin("manager", "demo-manager-pass", Role.MANAGER, "Morgan", "Managerley"),
    DemoLogin("admin", "demo-admin-pass", Role.ADMINISTRATOR, "Alex", "Adminton"),
    DemoLogin(
        "hospital", "demo-hospital-pass", Role.HOSPITAL, "Harper", "Wardclerk", "fictional-moor"
    ),
    DemoLogin("commissioner", "demo-commissioner-pass", Role.COMMISSIONER, "Cam", "Fundsworth"),
]


# Each area adds its own demo records after the hospitals and logins exist. Listed here, in
# the order they depend on each other, rather than discovered, so the demo is predictable.
AREA_LOADERS = [
    "imha.hospitals.demo.load_demo_hospital_data",
    "imha.referrals.demo.load_demo_referrals",
    "imha.cases.demo.load_demo_cases",
    "imha.resources.demo.load_demo_library",
]


@transaction.atomic
def load_demo_data() -> list[DemoLogin]:
    hospitals = {}
    for name, code, address in DEMO_HOSPITALS:
        hospital, _ = Hospital.objects.update_or_create(
            code=code, defaults={"name": name, "address": address}
        )
        hospitals[code] = hospital
    for login in DEMO_LOGINS:
        user, _ = User.objects.update_or_create(
            username=login.username,
            defaults={
                "role": login.role,
                "first_name": login.first_name,
                "last_name": login.last_name,
                "email": f"{login.username}@imha.example.org",
                "hospital": hospitals[login.hospital_code] if login.hospital_code else None,
                "is_active": True,
            },
        )
        user.set_password(login.password)
        user.save(update_fields=["password"])
    for loader in AREA_LOADERS:
        import_string(loader)()
    return DEMO_LOGINS
