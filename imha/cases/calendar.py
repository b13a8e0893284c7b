"""An advocate's diary as an iCalendar feed (RFC 5545), for their phone or Outlook.

The feed is fetched by calendar programs that cannot sign in, so it is reached by a long
random token instead. Because such an address can leak (forwarded, synced to a personal
phone), an event says only what kind of appointment it is, the case reference and where:
never the person's name or anything about their health.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from imha.accounts.models import User
from imha.cases.models import Activity, ActivityKind, CalendarFeed
from imha.cases.selectors import CASE_ROLES
from imha.cases.services import feed_token_hash

CRLF = "\r\n"
MAX_LINE_OCTETS = 75
FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 366

CALENDAR_LABELS = {
    ActivityKind.VISIT: "visit",
    ActivityKind.PHONE_CALL: "phone call",
    ActivityKind.WARD_ROUND: "ward round",
    ActivityKind.CPA_REVIEW: "CPA review",
    ActivityKind.TRIBUNAL_HEARING: "tribunal hearing",
    ActivityKind.MANAGERS_HEARING: "hospital managers' hearing",
    ActivityKind.PROFESSIONAL_MEETING: "meeting with a professional",
    ActivityKind.LETTER: "letter",
    ActivityKind.CONCERN: "concern or complaint",
}


def feed_owner(token: str) -> User | None:
    """The active case worker whose feed this token opens, or None."""
    if not token or len(token) > 200:
        return None
    wanted = feed_token_hash(token)
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=wanted).first()
    # The lookup is by hash, so timing says nothing about the token; the comparison is
    # constant-time anyway, so a future change to the lookup cannot open a timing leak.
    if feed is None or not hmac.compare_digest(feed.token_hash, wanted):
        return None
    if not feed.user.has_role(*CASE_ROLES):
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user


def escape_text(value: str) -> str:
    """TEXT escaping from RFC 5545 section 3.3.11."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into lines of at most 75 octets (section 3.1), never inside a
    UTF-8 character; continuation lines start with one space."""
    parts: list[str] = []
    current = ""
    current_octets = 0
    limit = MAX_LINE_OCTETS
    for char in line:
        size = len(char.encode("utf-8"))
        if current_octets + size > limit:
            parts.append(current)
            current = " "
            current_octets = 1
        current += char
        current_octets += size
    parts.append(current)
    return CRLF.join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def event_lines(activity: Activity, *, domain: str) -> list[str]:
    case = activity.case
    summary = f"IMHA: {CALENDAR_LABELS[ActivityKind(activity.kind)]} ({case.reference})"
    lines = [
        "BEGIN:VEVENT",
        f"UID:imha-activity-{activity.pk}@{domain}",
        f"DTSTAMP:{_utc(activity.updated_at)}",
    ]
    starts_at = activity.starts_at
    if starts_at is None:
        lines.append(f"DTSTART;VALUE=DATE:{_day(activity.occurs_on)}")
        lines.append(f"DTEND;VALUE=DATE:{_day(activity.occurs_on + timedelta(days=1))}")
    else:
        # A booked time with no length still needs an end; half an hour is a placeholder
        # that shows in a diary without blocking the rest of the day.
        minutes = activity.duration_minutes or 30
        lines.append(f"DTSTART:{_utc(starts_at)}")
        lines.append(f"DTEND:{_utc(starts_at + timedelta(minutes=minutes))}")
    lines.append(f"SUMMARY:{escape_text(summary)}")
    lines.append(f"LOCATION:{escape_text(case.location)}")
    lines.append(f"DESCRIPTION:{escape_text(f'Case {case.reference}')}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(activities: Iterable[Activity], *, domain: str, name: str) -> str:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//imha//Case work diary//EN",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for activity in activities:
        lines.extend(event_lines(activity, domain=domain))
    lines.append("END:VCALENDAR")
    return CRLF.join(fold(line) for line in lines) + CRLF


def feed_window(today: date) -> tuple[date, date]:
    return today - timedelta(days=FEED_PAST_DAYS), today + timedelta(days=FEED_FUTURE_DAYS)
