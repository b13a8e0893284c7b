"""The diary page and the private iCalendar feed (RFC 5545)."""

from __future__ import annotations

import re
from datetime import time, timedelta

import pytest
from django.test import Client

from imha.audit.models import AuditEvent
from imha.cases import services
from imha.cases.calendar import escape_text, fold
from imha.cases.models import ActivityKind, CalendarFeed
from tests.cases.conftest import FIXED_TODAY

pytestmark = pytest.mark.django_db


def unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def parse_events(body: str) -> list[dict[str, str]]:
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(body):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            events.append(current)
            current = None
        elif current is not None and line:
            name, _, value = line.partition(":")
            current[name] = value
    return events


@pytest.fixture
def feed_case(staff, make_case, ward):
    # Commas, a semicolon and a backslash in the place name all need escaping, and the
    # name is long enough to need folding.
    ward.name = "Heather Ward; the long corridor, past the garden, second door \\ left"
    ward.save()
    case = make_case(staff["ada"], first_name="Privatename")
    today = FIXED_TODAY
    services.record_activity(
        case=case,
        fields={
            "kind": ActivityKind.WARD_ROUND,
            "occurs_on": today + timedelta(days=2),
            "starts_at_time": time(10, 30),
            "duration_minutes": 45,
            "notes": "Health details that must never reach a calendar",
        },
        actor=staff["ada"],
    )
    services.record_activity(
        case=case,
        fields={"kind": ActivityKind.LETTER, "occurs_on": today + timedelta(days=3)},
        actor=staff["ada"],
    )
    return case


def feed_url(token: str) -> str:
    return f"/calendar/{token}.ics"


def test_feed_is_valid_icalendar(staff, feed_case, monkeypatch):
    monkeypatch.setattr("imha.cases.views.local_today", lambda: FIXED_TODAY)
    token = services.issue_calendar_feed(user=staff["ada"])
    response = Client().get(feed_url(token))  # no cookie, no sign-in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw: bytes = response.content
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\n") == raw.count(b"\r\n"), "every line ends with CRLF"
    for physical in raw.split(b"\r\n"):
        assert len(physical) <= 75, physical
    body = raw.decode("utf-8")
    lines = unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines[-2] == "END:VCALENDAR"
    events = parse_events(body)
    assert len(events) == 2
    uids = {event["UID"] for event in events}
    assert len(uids) == 2
    for event in events:
        assert re.fullmatch(r"\d{8}T\d{6}Z", event["DTSTAMP"])
        assert "Case C" in event["DESCRIPTION"]
        assert unescape(event["LOCATION"]).endswith(
            "Heather Ward; the long corridor, past the garden, second door \\ left"
        )
    timed = next(e for e in events if e["SUMMARY"].startswith("IMHA: ward round"))
    assert unescape(timed["SUMMARY"]) == f"IMHA: ward round ({feed_case.reference})"
    # 10:30 UK time in winter is 10:30 UTC; 45 minutes long.
    assert timed["DTSTART"] == "20261127T103000Z"
    assert timed["DTEND"] == "20261127T111500Z"
    all_day = next(e for e in events if e["SUMMARY"].startswith("IMHA: letter"))
    assert all_day["DTSTART;VALUE=DATE"] == "20261128"
    assert all_day["DTEND;VALUE=DATE"] == "20261129"
    assert "Privatename" not in body
    assert "Health details" not in body


def test_escaping_and_folding_rules():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    folded = fold("SUMMARY:" + "é" * 80)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == "SUMMARY:" + "é" * 80


def test_token_is_stored_hashed_and_can_be_revoked_or_replaced(staff, feed_case):
    first = services.issue_calendar_feed(user=staff["ada"])
    assert len(first) >= 43  # 32 random bytes
    stored = CalendarFeed.objects.get(user=staff["ada"])
    assert first not in stored.token_hash
    assert Client().get(feed_url(first)).status_code == 200

    second = services.issue_calendar_feed(user=staff["ada"])
    assert Client().get(feed_url(first)).status_code == 404
    assert Client().get(feed_url(second)).status_code == 200

    services.revoke_calendar_feed(user=staff["ada"])
    assert Client().get(feed_url(second)).status_code == 404
    assert Client().get(feed_url("not-a-real-token")).status_code == 404


def test_feed_stops_working_when_the_account_is_deactivated(staff, feed_case):
    token = services.issue_calendar_feed(user=staff["ada"])
    staff["ada"].is_active = False
    staff["ada"].save()
    assert Client().get(feed_url(token)).status_code == 404


def test_address_page_shows_the_address_once_and_turns_it_off(staff, sign_in):
    client = sign_in(staff["ada"])
    page = client.post("/staff/cases/diary/calendar-address/", {"action": "make"})
    assert page.status_code == 200
    address = re.search(rb"http://testserver(/calendar/[^<]+\.ics)", page.content)
    assert address is not None
    url = address.group(1).decode()
    assert Client().get(url).status_code == 200
    again = client.get("/staff/cases/diary/calendar-address/")
    assert url.encode() not in again.content
    client.post("/staff/cases/diary/calendar-address/", {"action": "turn_off"})
    assert Client().get(url).status_code == 404
    assert AuditEvent.objects.filter(object_type="calendar_feed").count() == 2


def test_diary_week_lists_the_advocates_activities(staff, feed_case, sign_in, fixed_today):
    html = sign_in(staff["ada"]).get("/staff/cases/diary/?week=2026-11-25").content.decode()
    assert "23 November to 29 November 2026" in html
    assert "Ward round" in html
    assert "10:30am" in html
    next_week = sign_in(staff["ada"]).get("/staff/cases/diary/?week=2026-12-02").content
    assert b"Ward round" not in next_week
