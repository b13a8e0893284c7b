"""What each figure in the quarterly return means, in the words shown on the page and in the
spreadsheet, so the two can never disagree."""

from __future__ import annotations

DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "Period",
        "Whole days in UK time, from the first day to the last day. The financial year "
        "starts on 1 April: quarter 1 is April to June, quarter 2 July to September, "
        "quarter 3 October to December and quarter 4 January to March.",
    ),
    (
        "Hospital",
        "With a hospital chosen, referrals and cases are those recorded at that hospital, "
        "activities and outcomes those on its cases, and people supported those with a case "
        "there.",
    ),
    (
        "Referrals received",
        "Referrals that arrived during the period, however they reached us.",
    ),
    (
        "Answered within the deadline",
        "Of the referrals received in the period that needed an answer by now (answered, "
        "or not answered and past their deadline), the share answered on or before their "
        "deadline. The deadline is 5pm on the third working day after the day the referral "
        "counts as received. Referrals still within their deadline, and those withdrawn "
        "before an answer, are left out.",
    ),
    (
        "Median response time",
        "Counted in working days (Monday to Friday, not bank holidays): the working days "
        "after the day the referral counts as received, up to and including the day it was "
        "answered. An answer on the same day (or before it) is 0 working days, the next "
        "working day is 1. "
        "A referral that arrives after 5pm, at a weekend or on a bank holiday counts as "
        "received on the next working day. The median is the middle value of all referrals "
        "received in the period and answered so far (halfway between the two middle values "
        "when there is an even number).",
    ),
    (
        "Open cases",
        "Cases opened before the end of the period and not closed by then (cases on hold "
        "count as open).",
    ),
    ("New cases", "Cases opened during the period."),
    ("Closed cases", "Cases closed during the period."),
    (
        "Activities and advocate time",
        "Activities dated in the period, up to today (later ones are plans). Advocate time is "
        "the minutes recorded against them.",
    ),
    (
        "Hearings supported",
        "First-tier Tribunal hearings and hospital managers' hearings an advocate attended "
        "in the period, from the activities.",
    ),
    (
        "Outcomes",
        "Outcomes recorded in the period against the service's fixed list. One issue can have "
        "more than one outcome.",
    ),
    (
        "People supported (equality monitoring)",
        "People with a case open at any time in the period, each counted once. Age is on the "
        "last day of the period. 'Prefer not to say' means the person chose not to answer; "
        "'not known' means they have not been asked yet.",
    ),
    (
        "Duty to inform",
        "Patients who became qualifying at each hospital during the period and whose "
        "hospital's deadline for first telling them about IMHAs has passed; the share told "
        "verbally, and given the information in writing, on or before that deadline.",
    ),
    (
        "Small numbers",
        "Commissioners see suppressed figures. A count from 1 to 4 is shown as <5. When a "
        "table's total would let one <5 be worked out from the other rows, the smallest other "
        "row is hidden too and shown as [c]. Percentages, medians and times that could give a "
        "small number away are not shown. Zero is always shown as 0.",
    ),
)
