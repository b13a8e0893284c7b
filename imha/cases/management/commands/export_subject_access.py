from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imha.accounts.models import User
from imha.cases import subject_access
from imha.cases.models import Client


class Command(BaseCommand):
    help = (
        "Write everything held about one client (a subject access request, UK GDPR "
        "Article 15) to a folder: subject-access-<id>.json, the complete record, and "
        "subject-access-<id>.pdf, a plain-English summary. The export is recorded in the "
        "audit log. Attached files are listed, not copied: add them by hand."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client", type=int, required=True, help="The client's ID.")
        parser.add_argument(
            "--output", required=True, help="An existing folder to write the two files into."
        )
        parser.add_argument(
            "--actor",
            default="",
            help="Username of the member of staff asking for the export, for the audit log. "
            "Without it the log records the system.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["output"])
        if not folder.is_dir():
            raise CommandError(f"The folder {folder} does not exist.")
        if not os.access(folder, os.W_OK):
            raise CommandError(f"The folder {folder} cannot be written to.")
        client = Client.objects.filter(pk=options["client"]).first()
        if client is None:
            raise CommandError(f"There is no client with ID {options['client']}.")
        actor: User | None = None
        if options["actor"]:
            actor = User.objects.filter(username=options["actor"], is_active=True).first()
            if actor is None:
                raise CommandError(f"There is no active account called {options['actor']}.")

        export = subject_access.build_export(client, actor=actor)
        written: list[Path] = []
        try:
            for name, content in export.files():
                path = folder / name
                _write_private(path, content)
                written.append(path)
            subject_access.record_export(client, actor=actor, how="command line")
        except OSError as error:
            _remove(written)
            raise CommandError(f"Could not write the export to {folder}: {error}") from None
        except Exception:
            # Not recorded in the audit log, so no copy may be left behind either.
            _remove(written)
            raise
        for path in written:
            self.stdout.write(f"Wrote {path}")
        self.stdout.write(
            "The export is recorded in the audit log. Before sending it, add the files listed "
            "under files_to_add and check it for details of other people."
        )


def _write_private(path: Path, content: bytes) -> None:
    # Readable by the owner only: the files hold a person's health record.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when replacing an earlier export's file
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(content)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
