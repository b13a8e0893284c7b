"""Every figure of the quarterly return on the fixed world in conftest, worked out by hand."""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from imha.law import working_days_between
from imha.referrals.models import Referral
from imha.reports.figures import QuarterlyReturn
from imha.reports.periods import custom_period
from imha.reports.selectors import (
    age_band_conditions,
    born_on_or_before_for_age,
    median_of_counts,
    quarterly_return,
    response_days_counted,
)
from tests.conftest import london
from tests.reports.conftest import LONDON, NOW, PERIOD, World, make_referral, rows_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(world: World) -> QuarterlyReturn:
    return quarterly_return(world.period, now=world.now)


def breakdown(report: QuarterlyReturn, slug: str) -> dict[str, object]:
    found = [b for b in (*report.referral_breakdowns, *report.equality) if b.slug == slug]
    assert len(found) == 1, slug
    return rows_of(found[0])


def test_referrals_received_count_only_the_period(report):
    assert report.referrals_received.value == 7
    assert not report.is_suppressed


def test_referrals_by_source(report):
    assert breakdown(report, "source") == {
        "self": 2,
        "nearest_relative": 1,
        "responsible_clinician": 1,
        "amhp": 1,
        "other_professional": 1,
        "other": 1,
        "total": 7,
    }


def test_referrals_by_channel(report):
    assert breakdown(report, "channel") == {
        "online": 2,
        "phone": 3,
        "email": 1,
        "letter": 1,
        "in_person": 0,
        "other": 0,
        "automatic": 0,
        "total": 7,
    }


def test_referrals_by_statutory_flag(report):
    assert breakdown(report, "statutory") == {"True": 5, "False": 2, "total": 7}


def test_referrals_by_legal_status(report):
    assert breakdown(report, "legal_status") == {
        "s2": 1,
        "s3": 2,
        "s17a": 1,
        "s37": 1,
        "s37/41": 0,
        "other": 0,
        "informal": 1,
        "dont_know": 1,
        "total": 7,
    }


def test_referrals_by_eligibility(report):
    figures = breakdown(report, "eligibility")
    assert figures["detained"] == 4
    assert figures["cto"] == 1
    assert figures["not_qualifying"] == 1
    assert figures["unclear"] == 1
    assert figures["guardianship"] == 0
    assert figures["total"] == 7


def test_referrals_by_hospital(report, world):
    assert breakdown(report, "hospital") == {
        str(world.hospital_b.pk): 2,
        str(world.hospital_a.pk): 4,
        "": 1,
        "total": 7,
    }
    labels = [row.label for row in report.referral_breakdowns[-1].rows]
    assert labels == ["Other Vale Hospital", "Testing Fields Hospital", "No hospital given"]


def test_response_clock_outcomes(report):
    assert rows_of(report.response.outcomes) == {
        "in_time": 3,
        "late": 1,
        "overdue": 1,
        "waiting": 1,
        "withdrawn": 1,
        "total": 7,
    }


def test_share_answered_in_time_leaves_out_waiting_and_withdrawn(report):
    rate = report.response.answered_in_time
    assert (rate.part.value, rate.whole.value) == (3, 5)
    assert rate.display == "60.0%"


def test_median_response_time_in_working_days(report):
    # Answered referrals took 0, 2, 4 and 3 working days: the median is (2 + 3) / 2.
    median = report.response.median_working_days
    assert median.value == 2.5
    assert median.based_on.value == 4
    assert median.display == "2.5 working days"


def test_median_of_an_odd_number_is_the_middle_value(world):
    make_referral(london(2025, 6, 23, 10), responded_at=london(2025, 6, 23, 11))
    report = quarterly_return(world.period, now=world.now)
    # 0, 0, 2, 3, 4
    assert report.response.median_working_days.value == 2


def test_cases(report):
    assert report.cases.open_at_end.value == 3
    assert report.cases.opened.value == 3
    assert report.cases.closed.value == 1
    reasons = rows_of(report.cases_closed_by_reason)
    assert reasons["work_complete"] == 1
    assert reasons["no_contact"] == 0
    assert reasons["total"] == 1


def test_activities_and_advocate_time(report):
    figures = rows_of(report.activities_by_type)
    assert figures == {
        "visit": 1,
        "phone_call": 1,
        "ward_round": 1,
        "cpa_review": 1,
        "tribunal_hearing": 1,
        "managers_hearing": 1,
        "professional_meeting": 0,
        "letter": 0,
        "concern": 0,
        "total": 6,
    }
    assert report.advocate_time.minutes == 510
    assert report.advocate_time.display == "8 hours 30 minutes"
    minutes = {time.label: time.minutes for time in report.minutes_by_type}
    assert minutes["Visit in private"] == 60
    assert minutes["First-tier Tribunal hearing"] == 180


def test_hearings_supported(report):
    hearings = {row.key: row.figure.value for row in report.hearings_supported}
    assert hearings == {"tribunal_hearing": 1, "managers_hearing": 1}


def test_outcomes(report):
    figures = rows_of(report.outcomes)
    assert figures["tribunal_applied"] == 1
    assert figures["person_felt_heard"] == 1
    assert figures["concern_resolved"] == 1
    assert figures["right_exercised"] == 0
    assert figures["total"] == 3


def test_equality_counts_each_person_once(report):
    assert report.people_supported.value == 3
    assert breakdown(report, "equality_sex") == {
        "female": 1,
        "male": 1,
        "prefer_not_to_say": 1,
        "not_known": 0,
        "total": 3,
    }
    ethnicity = breakdown(report, "equality_ethnicity")
    assert ethnicity["white_british"] == 1
    assert ethnicity["asian_indian"] == 1
    assert ethnicity["prefer_not_to_say"] == 1
    disability = breakdown(report, "equality_disability")
    assert disability["yes_a_little"] == 1
    assert disability["not_known"] == 2
    language = breakdown(report, "equality_first_language")
    assert language["english"] == 1
    assert language["not_known"] == 2


def test_age_bands_on_the_last_day(report):
    ages = breakdown(report, "equality_age")
    assert ages["under_18"] == 1  # 17th birthday on 30 June
    assert ages["35_44"] == 1
    assert ages["75_plus"] == 1
    assert ages["not_known"] == 0
    assert ages["total"] == 3


def test_duty_to_inform_by_hospital(report):
    rows = {row.name: row for row in report.duty_to_inform}
    assert set(rows) == {"Other Vale Hospital", "Testing Fields Hospital"}  # inactive one left out
    fields = rows["Testing Fields Hospital"]
    assert fields.became_qualifying.value == 3
    assert fields.deadline_reached.value == 2
    assert fields.told_verbally_in_time.display == "100.0%"
    assert fields.given_in_writing_in_time.display == "50.0%"
    vale = rows["Other Vale Hospital"]
    assert (vale.became_qualifying.value, vale.deadline_reached.value) == (1, 1)
    assert vale.told_verbally_in_time.display == "0.0%"


def test_one_hospital(world):
    report = quarterly_return(world.period, hospital=world.hospital_a, now=world.now)
    assert report.referrals_received.value == 4  # r1, r2, r5, r7
    assert rows_of(report.response.outcomes)["in_time"] == 3
    assert report.cases.open_at_end.value == 1  # c1 (c5 has no hospital)
    assert report.cases.opened.value == 1  # c2
    assert report.activities_by_type.total.value == 3  # on c1 and c2
    assert report.outcomes.total.value == 2
    assert report.people_supported.value == 2  # Ann and Ben
    assert [row.name for row in report.duty_to_inform] == ["Testing Fields Hospital"]
    assert report.area_label == "Testing Fields Hospital"


def test_activities_after_today_are_plans_not_work(world):
    today = NOW.date()
    period = custom_period(date(2025, 6, 1), date(2025, 9, 30))
    report = quarterly_return(period, now=NOW)
    before = report.activities_by_type.total.value
    from imha.cases.models import Activity

    Activity.objects.create(
        case=world.cases["c1"],
        kind="visit",
        occurs_on=today + timedelta(days=3),
        duration_minutes=60,
    )
    assert quarterly_return(period, now=NOW).activities_by_type.total.value == before


def test_empty_period_has_zeros_and_no_median(world):
    report = quarterly_return(custom_period(date(2024, 1, 1), date(2024, 1, 31)), now=NOW)
    assert report.referrals_received.value == 0
    assert report.response.answered_in_time.display == "None due"
    assert report.response.median_working_days.display == "None yet"


# --- working days counted in the database agree with imha.law ------------------------------


RESPONSE_PAIRS = [
    # (received, answered) around weekends, Easter, May bank holidays and Christmas.
    (datetime(2025, 4, 17, 10), datetime(2025, 4, 17, 16)),
    (datetime(2025, 4, 17, 10), datetime(2025, 4, 22, 9)),
    (datetime(2025, 4, 18, 10), datetime(2025, 4, 25, 12)),
    (datetime(2025, 5, 2, 18), datetime(2025, 5, 6, 9)),
    (datetime(2025, 5, 23, 12), datetime(2025, 5, 27, 23, 30)),
    (datetime(2025, 12, 23, 12), datetime(2026, 1, 2, 10)),
    (datetime(2025, 12, 24, 17, 30), datetime(2025, 12, 29, 10)),
    (datetime(2026, 3, 27, 9), datetime(2026, 4, 10, 9)),
    (datetime(2025, 6, 27, 9), datetime(2025, 7, 1, 0, 30)),  # just after midnight BST
    (datetime(2025, 10, 24, 9), datetime(2025, 10, 27, 0, 30)),  # after the clocks go back
    (datetime(2025, 6, 28, 10), datetime(2025, 6, 28, 11)),  # Saturday: before the clock starts
]


def test_working_days_taken_match_the_rules_engine(db):
    for received, answered in RESPONSE_PAIRS:
        make_referral(received.replace(tzinfo=LONDON), responded_at=answered.replace(tzinfo=LONDON))
    # An unanswered referral takes no part.
    make_referral(london(2025, 6, 2, 9))
    expected: Counter[int] = Counter()
    for referral in Referral.objects.filter(responded_at__isnull=False):
        answered_on = referral.responded_at.astimezone(LONDON).date()
        expected[max(0, working_days_between(referral.counted_as_received_on, answered_on))] += 1
    counted = response_days_counted(Referral.objects.all())
    assert counted == expected
    assert sum(counted.values()) == len(RESPONSE_PAIRS)


def test_referrals_answered_on_the_same_pair_of_days_are_counted_together(db):
    for _ in range(3):
        make_referral(london(2025, 4, 17, 10), responded_at=london(2025, 4, 23, 9))
    assert response_days_counted(Referral.objects.all()) == Counter({2: 3})


@pytest.mark.parametrize(
    ("counted", "median"),
    [
        ({}, None),
        ({4: 1}, 4.0),
        ({0: 1, 2: 1, 3: 1, 4: 1}, 2.5),
        ({0: 2, 2: 1, 3: 1, 4: 1}, 2.0),
        ({1: 5, 9: 5}, 5.0),
        ({1: 5, 9: 4}, 1.0),
        ({7: 2, 1: 1}, 7.0),
    ],
)
def test_median_of_counts_is_the_middle_value_or_halfway_between_two(counted, median):
    assert median_of_counts(Counter(counted)) == median
    values = sorted(Counter(counted).elements())
    if values:
        assert median == statistics.median(values)


def test_age_band_thresholds_handle_29_february():
    assert born_on_or_before_for_age(18, date(2028, 2, 29)) == date(2010, 2, 28)
    assert born_on_or_before_for_age(4, date(2028, 2, 29)) == date(2024, 2, 29)
    assert born_on_or_before_for_age(18, date(2026, 2, 28)) == date(2008, 2, 28)
    bands = [band for band, _condition in age_band_conditions(PERIOD.last_day)]
    assert bands[0] == "under_18" and bands[-1] == "not_known"
