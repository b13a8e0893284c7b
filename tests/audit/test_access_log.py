"""The access log search: who may use it, what each filter finds, paging, the CSV download
and that using it is itself recorded."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from imha.accounts.models import Role
from imha.audit import services as audit
from imha.audit import views
from imha.audit.models import AuditAction, AuditEvent
from imha.audit.selectors import AccessLogFilter, search_access_log

pytestmark = pytest.mark.django_db

URL = "/staff/access-log/"


def entry(**fields: object) -> AuditEvent:
    defaults: dict[str, object] = {
        "occurred_at": datetime(2026, 11, 20, 12, 0, tzinfo=UTC),
        "actor_username": "sam.advocate",
        "actor_role": Role.ADVOCATE,
        "action": AuditAction.VIEW,
        "object_type": "case",
        "object_id": "17",
        "summary": "Opened the case",
    }
    return AuditEvent.objects.create(**{**defaults, **fields})


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMINISTRATOR])
def test_managers_and_administrators_open_the_access_log(verified_client, role):
    entry(summary="Opened case seventeen")
    page = verified_client(role).get(URL)
    assert page.status_code == 200
    assert "Opened case seventeen" in page.content.decode()


@pytest.mark.parametrize("role", [Role.ADVOCATE, Role.INTAKE, Role.HOSPITAL, Role.COMMISSIONER])
def test_other_roles_are_refused_the_log_and_its_download(verified_client, role):
    client = verified_client(role)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "export.csv").status_code == 403


def test_each_filter_narrows_the_list():
    wanted = entry(actor_username="kit", object_type="referral", object_id="9")
    entry(actor_username="kit", object_type="case", object_id="9")
    entry(actor_username="lee", object_type="referral", object_id="9")
    entry(actor_username="kit", object_type="referral", object_id="10")
    entry(actor_username="kit", object_type="referral", object_id="9", action=AuditAction.UPDATE)
    found = search_access_log(
        AccessLogFilter(person="kit", action="view", record_type="referral", record_id="9")
    )
    assert list(found) == [wanted]


def test_dates_are_whole_days_in_england():
    # 31 May 2026 00:30 in London is 30 May 23:30 UTC (British Summer Time).
    just_inside = entry(occurred_at=datetime(2026, 5, 30, 23, 30, tzinfo=UTC))
    entry(occurred_at=datetime(2026, 5, 30, 22, 59, tzinfo=UTC))  # 30 May, 23:59 in London
    last_moment = entry(occurred_at=datetime(2026, 5, 31, 22, 59, tzinfo=UTC))
    entry(occurred_at=datetime(2026, 5, 31, 23, 0, tzinfo=UTC))  # 1 June in London
    from datetime import date

    found = search_access_log(AccessLogFilter(start=date(2026, 5, 31), end=date(2026, 5, 31)))
    assert set(found) == {just_inside, last_moment}


def test_the_page_filters_by_what_was_typed(verified_client):
    entry(actor_username="kit", summary="Kit's view")
    entry(actor_username="lee", summary="Lee's view")
    page = verified_client(Role.MANAGER).get(URL, {"person": "kit", "start": "20/11/2026"})
    text = page.content.decode()
    assert "Kit&#x27;s view" in text
    assert "Lee&#x27;s view" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "31/02/2026"}, "Enter the start date as day/month/year, like 1/11/2026"),
        ({"end": "yesterday"}, "Enter the end date as day/month/year, like 30/11/2026"),
        (
            {"start": "10/11/2026", "end": "9/11/2026"},
            "The end date must be the same as or after the start date",
        ),
        ({"action": "rewrite"}, "Select a valid choice."),
    ],
)
def test_bad_search_input_gets_a_clear_message_and_keeps_what_was_typed(
    verified_client, query, message
):
    page = verified_client(Role.MANAGER).get(URL, {**query, "person": "kit"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "There is a problem" in text
    assert message in text
    assert 'value="kit"' in text


def test_pages_of_results_go_back_in_time(verified_client):
    for number in range(views.ACCESS_LOG_PAGE_SIZE + 3):
        entry(object_id=str(number), occurred_at=datetime(2026, 11, 1, 9, number, tzinfo=UTC))
    client = verified_client(Role.MANAGER)
    first = client.get(URL, {"record_type": "case"}).content.decode()
    # Not counted, so "Previous" and "Next" blocks, each naming the page it leads to.
    assert 'aria-label="Pages of access log entries"' in first
    assert "govuk-pagination--block" in first
    assert 'href="?record_type=case&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert first.count('<tr class="govuk-table__row">') == views.ACCESS_LOG_PAGE_SIZE + 1
    second = client.get(URL, {"record_type": "case", "page": "2"}).content.decode()
    # The three oldest entries, plus the header row; the filter is kept in the links.
    assert second.count('<tr class="govuk-table__row">') == 4
    assert 'href="?record_type=case" rel="prev"' in second
    assert 'rel="next"' not in second
    nonsense = client.get(URL, {"record_type": "case", "page": "-4"}).content.decode()
    assert "“-4” is not a page number, so this is the first page." in nonsense
    assert 'rel="next"' in nonsense and 'rel="prev"' not in nonsense


def test_a_page_past_the_end_of_the_results_says_so(verified_client):
    entry(object_id="1", occurred_at=datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    response = verified_client(Role.MANAGER).get(URL, {"record_type": "case", "page": "9"})
    text = response.content.decode()
    assert "There is no page 9 in this list." in text
    assert 'href="?record_type=case">Go to the first page</a>' in text
    assert "Nothing matches this search." not in text
    assert 'rel="prev"' not in text


def test_a_bad_page_number_with_no_results_still_says_nothing_matches(verified_client):
    response = verified_client(Role.MANAGER).get(URL, {"person": "nobody", "page": "x"})
    text = response.content.decode()
    assert "“x” is not a page number, so this is the first page." in text
    assert "Nothing matches this search." in text


def test_a_search_is_itself_recorded(verified_client):
    client = verified_client(Role.MANAGER)
    client.get(URL, {"person": "kit", "record_type": "case"})
    logged = AuditEvent.objects.filter(object_type="audit_log").get()
    assert logged.actor_username == "manager-user"
    assert logged.action == AuditAction.VIEW
    assert logged.summary == "Searched the access log: person=kit, type=case"


def test_the_csv_holds_the_matching_entries_safely(verified_client):
    entry(actor_username="kit", summary='=HYPERLINK("http://example.org")', object_id="5")
    entry(actor_username="lee", summary="Not wanted")
    response = verified_client(Role.MANAGER).get(URL + "export.csv", {"person": "kit"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="access-log-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["When (UTC)", "Username", "Role", "Action"]
    assert len(rows) == 2
    assert rows[1][1] == "kit"
    assert rows[1][6].startswith("'=")  # a spreadsheet shows it as text, never runs it
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert exported.summary == "Searched the access log: person=kit (1 rows as CSV)"


def test_a_download_too_big_to_read_asks_for_a_narrower_search(verified_client, monkeypatch):
    monkeypatch.setattr(views, "EXPORT_LIMIT", 2)
    for number in range(3):
        entry(object_id=str(number))
    response = verified_client(Role.MANAGER).get(URL + "export.csv")
    assert response.status_code == 400
    assert "More than 2 entries match" in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_log_says_when_entries_are_waiting_to_be_sealed(verified_client):
    client = verified_client(Role.MANAGER)
    audit.seal_pending()
    entry()
    assert "1 of the newest entries are still being added" in client.get(URL).content.decode()


def test_the_dashboard_offers_the_log_to_managers_only(verified_client):
    assert URL in verified_client(Role.MANAGER).get("/staff/").content.decode()
    assert URL not in verified_client(Role.ADVOCATE).get("/staff/").content.decode()


def test_kinds_of_record_are_named_in_plain_words_and_unknown_kinds_as_stored(verified_client):
    entry(object_type="qualifying_notice", object_id="4")
    entry(object_type="story_consent", object_id="8")
    text = verified_client(Role.MANAGER).get(URL).content.decode()
    assert "Qualifying-patient notice 4" in text
    assert "story_consent 8" in text
