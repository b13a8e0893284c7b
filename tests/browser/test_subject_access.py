"""The subject access confirmation page in Chromium, checked with axe-core, and the download
it starts."""

from __future__ import annotations

import io
import zipfile

import pytest

from imha.accounts.models import Role
from imha.cases import services
from imha.cases.models import Client as Person
from tests.browser.conftest import axe_violations, describe_violations

pytestmark = pytest.mark.django_db(transaction=True)


def test_manager_reaches_the_export_page_and_downloads_the_zip(signed_in_page):
    page = signed_in_page(Role.MANAGER, first_name="Mina")
    person = Person.objects.create(first_name="Rowan", last_name="Example")
    services.open_case_for_client(client=person, actor=page.signed_in_user)

    page.goto(f"/staff/clients/{person.pk}/")
    page.get_by_role("link", name="Export everything we hold (subject access request)").click()
    page.wait_for_url(f"**/staff/clients/{person.pk}/subject-access/")
    violations = axe_violations(page)
    assert violations == [], describe_violations(violations)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download the export (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename == f"subject-access-{person.pk}.zip"
    with open(download.path(), "rb") as stream:
        names = zipfile.ZipFile(io.BytesIO(stream.read())).namelist()
    assert sorted(names) == [f"subject-access-{person.pk}.json", f"subject-access-{person.pk}.pdf"]
