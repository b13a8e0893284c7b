from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imha.core.demo import load_demo_data


class Command(BaseCommand):
    help = "Load fictional demo hospitals and one staff login per role (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Load even though DEBUG is off (for a demo server, never for real data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_without_debug"]:
            # Demo logins have published passwords; refuse to create them on a real service.
            raise CommandError(
                "Refusing to load demo logins with DEBUG off. "
                "Use --allow-without-debug only on a demo server."
            )
        logins = load_demo_data()
        self.stdout.write("Demo logins (first sign-in asks you to set up an authenticator app):")
        for login in logins:
            where = f" at {login.hospital_code}" if login.hospital_code else ""
            self.stdout.write(f"  {login.role:<14} {login.username:<13} {login.password}{where}")
