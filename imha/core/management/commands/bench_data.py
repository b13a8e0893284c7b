"""Generate a benchmark data set and report query counts; used by `make bench`.

Each app can add its own data by providing `imha/<app>/benchdata.py` with:

    def generate(*, clients: int, activities: int, staff: dict[str, list[User]]) -> None
    STAFF_PAGES: list[tuple[str, str, str]]   # (name, path, role) pages to load

The command prints one JSON document on stdout for scripts/bench.py. Never run it against a
real service: it adds hundreds of accounts with a published password.
"""

from __future__ import annotations

import importlib
import json
from types import ModuleType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.models import Role, User
from imha.hospitals.models import Hospital

APPS_WITH_DATA = ["hospitals", "referrals", "cases", "resources", "reports"]
STAFF_PER_ROLE = 60
SMALL_SHARE = 0.001
CORE_STAFF_PAGES: list[tuple[str, str, str]] = [("staff dashboard", "/staff/", Role.ADVOCATE.value)]


def bench_modules() -> list[ModuleType]:
    modules = []
    for app in APPS_WITH_DATA:
        try:
            modules.append(importlib.import_module(f"imha.{app}.benchdata"))
        except ModuleNotFoundError as error:
            if error.name not in {f"imha.{app}", f"imha.{app}.benchdata"}:
                raise
    return modules


class Command(BaseCommand):
    help = "Generate fictional benchmark data and report per-page query counts as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--clients", type=int, default=100_000)
        parser.add_argument("--activities", type=int, default=1_000_000)
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--describe-only",
            action="store_true",
            help="Generate nothing: describe data made by an earlier run and count queries.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DATABASES["default"]["NAME"] in {"imha", "postgres"}:
            raise CommandError("Refusing to generate benchmark data in a production-named DB.")
        modules = bench_modules()
        pages = list(CORE_STAFF_PAGES)
        for module in modules:
            pages.extend(getattr(module, "STAFF_PAGES", []))
        if options["describe_only"]:
            # Re-running the load against data already generated saves minutes per run while
            # tuning; the counts at the small size cannot be measured again, so only the
            # full-size count is reported.
            staff = self.existing_staff()
            counts_large = self.query_counts(pages, staff)
            self.write_description(
                staff, pages, {name: {"large": count} for name, count in counts_large.items()}
            )
            return
        staff = self.make_staff(options["password"])

        small = {
            "clients": max(1, int(options["clients"] * SMALL_SHARE)),
            "activities": max(1, int(options["activities"] * SMALL_SHARE)),
        }
        for module in modules:
            module.generate(staff=staff, **small)
        counts_small = self.query_counts(pages, staff)
        rest = {
            "clients": options["clients"] - small["clients"],
            "activities": options["activities"] - small["activities"],
        }
        for module in modules:
            module.generate(staff=staff, **rest)
        counts_large = self.query_counts(pages, staff)
        self.write_description(
            staff,
            pages,
            {
                name: {"small": counts_small[name], "large": counts_large[name]}
                for name in counts_small
            },
        )

    def write_description(
        self,
        staff: dict[str, list[User]],
        pages: list[tuple[str, str, str]],
        query_counts: dict[str, dict[str, int]],
    ) -> None:
        self.stdout.write(
            json.dumps(
                {
                    "staff": {
                        role: [
                            {"username": user.username, "totp_key": self.totp_key(user)}
                            for user in users
                        ]
                        for role, users in staff.items()
                    },
                    "staff_pages": pages,
                    "hospital_id": Hospital.objects.get(code="bench-general").pk,
                    "checker_result_url": (
                        "/check-if-you-can-get-an-imha/result/"
                        "?where=england&situation=detained&section=3"
                    ),
                    "query_counts": query_counts,
                }
            )
        )

    def make_staff(self, password: str) -> dict[str, list[User]]:
        hospital, _ = Hospital.objects.get_or_create(
            code="bench-general", defaults={"name": "Benchmark General (fictional)"}
        )
        staff: dict[str, list[User]] = {}
        template = User(username="template")
        template.set_password(password)
        for role in (Role.INTAKE, Role.ADVOCATE, Role.MANAGER, Role.HOSPITAL, Role.COMMISSIONER):
            users = [
                User(
                    username=f"bench-{role}-{number}",
                    password=template.password,
                    role=role,
                    first_name="Bench",
                    last_name=f"{role.title()} {number}",
                    hospital=hospital if role == Role.HOSPITAL else None,
                )
                for number in range(STAFF_PER_ROLE)
            ]
            User.objects.bulk_create(users)
            created = list(
                User.objects.filter(role=role, username__startswith="bench-").order_by("pk")
            )
            TOTPDevice.objects.bulk_create(
                TOTPDevice(user=user, name="Authenticator app", confirmed=True) for user in created
            )
            staff[role] = created
        return staff

    @staticmethod
    def existing_staff() -> dict[str, list[User]]:
        staff: dict[str, list[User]] = {
            role: list(User.objects.filter(role=role, username__startswith="bench-").order_by("pk"))
            for role in (Role.INTAKE, Role.ADVOCATE, Role.MANAGER, Role.HOSPITAL, Role.COMMISSIONER)
        }
        if not all(staff.values()):
            raise CommandError("No benchmark data here yet: run without --describe-only first.")
        return staff

    @staticmethod
    def totp_key(user: User) -> str:
        return str(TOTPDevice.objects.get(user=user).key)

    @staticmethod
    def query_counts(
        pages: list[tuple[str, str, str]], staff: dict[str, list[User]]
    ) -> dict[str, int]:
        counts = {}
        for name, path, role in pages:
            user = staff[role][0]
            client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0])
            client.force_login(user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
            session.save()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            if response.status_code != 200:
                raise CommandError(f"{name} ({path}) gave {response.status_code} to {role}")
            counts[name] = len(queries)
        return counts
