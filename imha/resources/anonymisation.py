"""What must be true before an "Advocacy in action" story is shown to the public.

The person publishing confirms each item of the checklist themselves; nothing here can judge
whether a detail identifies someone. This module adds a few mechanical checks on top, for
mistakes a computer can spot: an unmarked changed name, the real name left in, exact dates.
"""

from __future__ import annotations

import re

from imha.resources.models import ANONYMISATION_CHECKS, Story, StoryConsent

MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
EXACT_DATE_PATTERNS = (
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS})\b", re.IGNORECASE),
    re.compile(rf"\b(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?\b", re.IGNORECASE),
)
# Parts of a real name shorter than this ("Jo", "Al") match too many ordinary words.
SHORTEST_NAME_PART = 3


def story_text(story: Story) -> str:
    return "\n".join([story.title, story.summary, story.body])


def found_exact_dates(text: str) -> list[str]:
    return [match.group(0) for pattern in EXACT_DATE_PATTERNS for match in pattern.finditer(text)]


def real_name_parts_in(text: str, real_name: str) -> list[str]:
    parts = [
        part for part in re.findall(r"[^\W\d_]+", real_name) if len(part) >= SHORTEST_NAME_PART
    ]
    return [
        part for part in parts if re.search(rf"\b{re.escape(part)}\b", text, flags=re.IGNORECASE)
    ]


def changed_name_problem(story: Story) -> str | None:
    name = story.changed_name.strip()
    if not name.endswith("*") or len(name) < 2:
        return "Mark the changed name with * at the end, for example Sam*"
    if name not in story.body:
        return f"Use the changed name, {name}, in the story so readers know it is not real"
    return None


def publishing_problems(story: Story, consent: StoryConsent | None) -> list[str]:
    """Everything stopping this story being published, in words for the person publishing.

    An empty list means it may be published.
    """
    problems = []
    if consent is None:
        problems.append("Record the person's consent before publishing the story")
    elif consent.is_withdrawn:
        problems.append("Consent was withdrawn, so the story cannot be published")
    unticked = [label for field, label in ANONYMISATION_CHECKS if not getattr(story, field)]
    if unticked:
        problems.append(
            "Confirm every item in the anonymisation checklist. Not yet confirmed: "
            + "; ".join(unticked)
        )
    name_problem = changed_name_problem(story)
    if name_problem:
        problems.append(name_problem)
    text = story_text(story)
    if consent is not None:
        left_in = real_name_parts_in(text, consent.given_by)
        if left_in:
            problems.append(
                "The story contains the real name of the person who gave consent: "
                + ", ".join(sorted(set(left_in)))
            )
    dates = found_exact_dates(text)
    if dates:
        problems.append(
            "The story contains an exact date ("
            + ", ".join(dates)
            + "). Use a general time, such as 'last spring', instead"
        )
    return problems
