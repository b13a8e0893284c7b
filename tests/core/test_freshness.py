"""What is kept goes stale the moment the records behind it change (imha.core.freshness).

The quarterly return's kept figures are the oldest user of the data version, so most
changes here are checked through them, and through the apps' real service functions: if
one of them starts saving in a new way (a bulk insert, a queryset update) these tests still
say whether the figures notice. The changes are committed as far as a test can: the
callbacks Django runs after a commit are run (django_capture_on_commit_callbacks), and the
tests at the end commit for real, from another connection and with another cache.

Every table but the bookkeeping ones counts, so the token is also checked directly: writes
to tables the return never reads replace it, writes to each bookkeeping table and the
writes of an ordinary page view do not.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import cache
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from imha.accounts.models import Role, SignInAttempt, Team, User
from imha.audit import services as audit
from imha.audit.models import AuditAction
from imha.cases import retention
from imha.cases import services as case_services
from imha.cases.models import Activity, Case, CaseIssue, Client, IssueStatus
from imha.core import freshness
from imha.core.freshness import data_version, mark_data_changed, statement_changes_data
from imha.core.models import DataVersion
from imha.hospitals.models import Hospital, Ward
from imha.referrals import services as referral_services
from imha.referrals.models import Channel, Referral, ReferralStatus
from imha.referrals.tasks import sweep_referral_clock
from imha.reports import caching, selectors
from imha.reports.caching import Audience
from imha.reports.figures import QuarterlyReturn
from imha.reports.periods import ReportPeriod, custom_period
from imha.resources.models import Resource
from tests.conftest import current_code
from tests.reports.test_caching import DATA_TABLES, queries_on_the_data

pytestmark = pytest.mark.django_db

URL = "/reports/quarterly/"
VERSION_TABLE = DataVersion._meta.db_table
Committed = Callable[..., AbstractContextManager[list[Callable[[], None]]]]


def recent_period() -> ReportPeriod:
    """Last month and this one, whole months so commissioners may ask for it too: the
    services date what they record now."""
    today = timezone.localdate()
    first_of_last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    first_of_next_month = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
    return custom_period(first_of_last_month, first_of_next_month - timedelta(days=1))


def page_query(period: ReportPeriod) -> str:
    return f"period=custom&from_date={period.first_day:%d/%m/%Y}&to_date={period.last_day:%d/%m/%Y}"


class Counts:
    """Wraps selectors.quarterly_return to count how often the figures are really counted."""

    def __init__(self) -> None:
        self.runs = 0


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> Counts:
    spy = Counts()
    real = selectors.quarterly_return

    def counting(*args: Any, **kwargs: Any) -> QuarterlyReturn:
        spy.runs += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(selectors, "quarterly_return", counting)
    return spy


@pytest.fixture
def manager(make_user: Callable[..., User]) -> User:
    return make_user(Role.MANAGER, username="mandy")


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Committed) -> Callable[[], Any]:
    """Run what Django runs after a commit, as a real request's transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def new_referral(answers: dict[str, Any], committed: Callable[[], Any]) -> Callable[[], Referral]:
    def make() -> Referral:
        with committed():
            return referral_services.create_referral(
                fields=referral_services.referral_fields_from_answers(answers),
                channel=Channel.PHONE,
                received_at=timezone.now() - timedelta(minutes=5),
            )

    return make


def figures(user: User, period: ReportPeriod | None = None) -> QuarterlyReturn:
    return selectors.cached_quarterly_return_for(user, period or recent_period())


def response_row(report: QuarterlyReturn, key: str) -> int | None:
    [row] = [row for row in report.response.outcomes.rows if row.key == key]
    return row.figure.value


def writes_to(queries: CaptureQueriesContext, tables: set[str]) -> list[str]:
    """The statements captured that wrote to any of `tables`."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and any(table in q["sql"] for table in tables)
    ]


# --- nothing changed: the cache still works -------------------------------------------------


def test_with_no_change_the_kept_figures_are_used(manager, counts, new_referral):
    new_referral()
    first = figures(manager)
    again = figures(manager)
    assert counts.runs == 1
    assert again == first


def test_a_cache_hit_reads_the_data_version_and_no_reported_table(
    verified_client, new_referral, counts
):
    new_referral()
    client = verified_client(Role.COMMISSIONER)
    query = page_query(recent_period())
    client.get(f"{URL}?{query}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{URL}?{query}")
    assert response.status_code == 200
    assert counts.runs == 1
    assert queries_on_the_data(queries) == []
    # Read for the figures' key, and again for the page's own when the page is one kept
    # until the data changes (imha.core.kept_pages) but was not kept this time.
    version_reads = [q for q in queries.captured_queries if VERSION_TABLE in q["sql"]]
    assert 1 <= len(version_reads) <= 2


def test_bookkeeping_writes_keep_the_figures(manager, counts, committed, new_referral):
    referral = new_referral()
    figures(manager)
    with committed():
        # An audit entry (and its seal after the commit) is a write, but bookkeeping.
        referral_services.record_detail_view(referral=referral, actor=manager, request=None)
    figures(manager)
    assert counts.runs == 1


def test_a_change_that_is_rolled_back_keeps_the_figures(manager, counts, new_referral):
    new_referral()
    figures(manager)
    before = data_version()

    class Undone(Exception):
        pass

    with pytest.raises(Undone), transaction.atomic():
        Referral.objects.update(first_name="Changed")
        raise Undone
    assert data_version() == before
    figures(manager)
    assert counts.runs == 1


# --- referrals ------------------------------------------------------------------------------


def test_a_new_referral_through_the_service_shows_at_once(manager, new_referral):
    assert figures(manager).referrals_received.value == 0
    new_referral()
    assert figures(manager).referrals_received.value == 1


def test_a_public_referral_shows_at_once(manager, answers, committed):
    assert figures(manager).referrals_received.value == 0
    with committed():
        referral_services.submit_public_referral(
            answers=answers, submission_token=str(uuid.uuid4()), ip_address="192.0.2.1"
        )
    report = figures(manager)
    assert report.referrals_received.value == 1
    [online] = [row for row in report.referral_breakdowns[1].rows if row.key == Channel.ONLINE]
    assert online.figure.value == 1


def test_a_response_shows_at_once(manager, committed, new_referral):
    referral = new_referral()
    assert response_row(figures(manager), "waiting") == 1
    with committed():
        referral_services.record_response(
            referral=referral, actor=manager, method="phone", note="", request=None
        )
    report = figures(manager)
    assert response_row(report, "waiting") == 0
    assert response_row(report, "in_time") == 1


@pytest.mark.parametrize(
    ("decision", "category"),
    [("decline", "in_time"), ("withdraw", "withdrawn")],
)
def test_a_decision_shows_at_once(manager, committed, new_referral, decision, category):
    referral = new_referral()
    assert response_row(figures(manager), category) == 0
    with committed():
        if decision == "decline":
            referral_services.decline_referral(
                referral=referral, actor=manager, reason="Not eligible", response_method="phone"
            )
        else:
            referral_services.withdraw_referral(
                referral=referral, actor=manager, reason="The person changed their mind"
            )
    assert response_row(figures(manager), category) == 1


# --- cases, activities, outcomes ------------------------------------------------------------


@pytest.fixture
def open_case(manager, committed, new_referral) -> Case:
    """A referral accepted through the service, which opens its case."""
    referral = new_referral()
    with committed():
        return referral_services.accept_referral(
            referral=referral, actor=manager, response_method="phone"
        )


def test_accepting_a_referral_opens_a_case_that_shows_at_once(manager, committed, new_referral):
    referral = new_referral()
    before = figures(manager)
    assert (before.cases.opened.value, before.people_supported.value) == (0, 0)
    with committed():
        referral_services.accept_referral(referral=referral, actor=manager, response_method="phone")
    after = figures(manager)
    assert after.cases.opened.value == 1
    assert after.cases.open_at_end.value == 1
    assert after.people_supported.value == 1


def test_a_case_opened_for_a_known_client_shows_at_once(manager, committed, open_case):
    assert figures(manager).cases.opened.value == 1
    with committed():
        case_services.open_case_for_client(client=open_case.client, actor=manager)
    assert figures(manager).cases.opened.value == 2


def test_closing_a_case_shows_at_once(manager, committed, open_case):
    assert figures(manager).cases.closed.value == 0
    with committed():
        case_services.close_case(case=open_case, reason="work_complete", note="", actor=manager)
    report = figures(manager)
    assert report.cases.closed.value == 1
    assert report.cases.open_at_end.value == 0


def test_an_activity_shows_at_once(manager, committed, open_case):
    assert figures(manager).activities_by_type.total.value == 0
    fields = {"kind": "visit", "occurs_on": timezone.localdate(), "duration_minutes": 45}
    with committed():
        case_services.record_activity(case=open_case, fields=fields, actor=manager)
    report = figures(manager)
    assert report.activities_by_type.total.value == 1
    assert report.advocate_time.minutes == 45


def test_changing_an_activity_shows_at_once(manager, committed, open_case):
    fields = {"kind": "visit", "occurs_on": timezone.localdate(), "duration_minutes": 45}
    with committed():
        activity = case_services.record_activity(case=open_case, fields=fields, actor=manager)
    assert figures(manager).advocate_time.minutes == 45
    with committed():
        case_services.update_activity(
            activity=activity, fields={"duration_minutes": 90}, actor=manager
        )
    assert figures(manager).advocate_time.minutes == 90


def test_outcomes_saved_in_bulk_show_at_once(manager, committed, open_case):
    # record_outcomes uses bulk_create, which sends no model signals.
    issue = CaseIssue.objects.get(case=open_case)
    assert figures(manager).outcomes.total.value == 0
    with committed():
        case_services.record_outcomes(
            issue=issue,
            outcomes=["tribunal_applied"],
            persons_words="",
            status=IssueStatus.OPEN,
            actor=manager,
        )
    assert figures(manager).outcomes.total.value == 1


def test_anonymising_a_client_with_queryset_updates_shows_at_once(manager, committed, open_case):
    # Retention clears the date of birth with QuerySet.update(), which sends no signals.
    def unknown_age(report: QuarterlyReturn) -> int | None:
        [row] = [row for row in report.equality[0].rows if row.key == "not_known"]
        return row.figure.value

    assert unknown_age(figures(manager)) == 0
    with committed():
        assert retention.anonymise_client(open_case.client, timezone.now())
    assert Client.objects.get(pk=open_case.client_id).date_of_birth is None
    assert unknown_age(figures(manager)) == 1


# --- deleting -------------------------------------------------------------------------------


def test_deleting_an_activity_shows_at_once(manager, committed, open_case):
    fields = {"kind": "visit", "occurs_on": timezone.localdate(), "duration_minutes": 45}
    with committed():
        activity = case_services.record_activity(case=open_case, fields=fields, actor=manager)
    assert figures(manager).activities_by_type.total.value == 1
    with committed():
        activity.delete()
    assert figures(manager).activities_by_type.total.value == 0


def test_deleting_a_hospital_in_the_admin_shows_at_once(
    verified_client, hospital, committed, counts
):
    # Hospitals can be deleted in the admin; each active one has a duty-to-inform row.
    spare = Hospital.objects.create(name="Spare Hospital", code="spare")
    client = verified_client(Role.ADMINISTRATOR)
    query = page_query(recent_period())
    before = client.get(f"{URL}?{query}").context["report"]
    assert "Spare Hospital" in [duty.name for duty in before.duty_to_inform]
    with committed():
        response = client.post(f"/admin/hospitals/hospital/{spare.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    after = client.get(f"{URL}?{query}").context["report"]
    assert "Spare Hospital" not in [duty.name for duty in after.duty_to_inform]
    assert counts.runs == 2


def test_a_queryset_delete_shows_at_once(manager, committed, open_case):
    fields = {"kind": "visit", "occurs_on": timezone.localdate(), "duration_minutes": 45}
    with committed():
        case_services.record_activity(case=open_case, fields=fields, actor=manager)
    assert figures(manager).activities_by_type.total.value == 1
    with committed():
        Activity.objects.filter(case=open_case).delete()
    assert figures(manager).activities_by_type.total.value == 0


# --- both audiences, the page, recalculating ------------------------------------------------


def test_the_commissioners_figures_go_stale_too(verified_client, new_referral):
    commissioner = verified_client(Role.COMMISSIONER)
    query = page_query(recent_period())
    assert commissioner.get(f"{URL}?{query}").context["report"].referrals_received.value == 0
    for _ in range(5):
        new_referral()
    report = commissioner.get(f"{URL}?{query}").context["report"]
    assert report.is_suppressed
    assert report.referrals_received.display == "5"


def test_the_page_and_downloads_show_the_changed_figures(verified_client, new_referral):
    client = verified_client(Role.MANAGER)
    query = page_query(recent_period())
    first = client.get(f"{URL}?{query}")
    new_referral()
    page = client.get(f"{URL}?{query}")
    assert page.context["report"].referrals_received.value == 1
    # The drawn tables are new too: they are kept under the figures' key and time.
    assert page.context["report"].generated_at > first.context["report"].generated_at
    assert "Referrals received" in page.content.decode()
    csv = client.get(f"{URL}export.csv?{query}").content.decode()
    assert "Referrals,Referrals received,1" in csv


def test_recalculated_figures_are_kept_under_the_current_version(
    verified_client, new_referral, counts
):
    new_referral()
    client = verified_client(Role.MANAGER)
    period = recent_period()
    fields = {
        "period": "custom",
        "from_date": f"{period.first_day:%d/%m/%Y}",
        "to_date": f"{period.last_day:%d/%m/%Y}",
    }
    assert client.post(f"{URL}recalculate/", fields).status_code == 302
    kept = caching.cached(period, None, Audience.EXACT)
    assert kept is not None and kept.data_version == data_version()
    client.get(f"{URL}?{page_query(period)}")
    assert counts.runs == 1  # the page used what the button counted


# --- tables the return does not read count too ----------------------------------------------


def add_a_case_note(manager: User, open_case: Case) -> None:
    case_services.add_note(case=open_case, text="Spoke to the ward.", actor=manager)


def add_a_resource(manager: User, open_case: Case) -> None:
    Resource.objects.create(
        title="Your rights on a section 3",
        slug="rights-section-3",
        summary="What a section 3 means for you.",
        audience="patients",
        topic="rights",
    )


def add_a_ward(manager: User, open_case: Case) -> None:
    Ward.objects.create(hospital=Hospital.objects.get(), name="Heather Ward")


def move_a_person_to_a_team(manager: User, open_case: Case) -> None:
    manager.team = Team.objects.create(name="East team", area="Fictional Fen")
    manager.save(update_fields=["team"])


def write_to_a_table_no_model_has(manager: User, open_case: Case) -> None:
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS scratch_rows (id integer)")
        cursor.execute("INSERT INTO scratch_rows (id) VALUES (1)")


@pytest.mark.parametrize(
    "change",
    [
        add_a_case_note,
        add_a_resource,
        add_a_ward,
        move_a_person_to_a_team,
        write_to_a_table_no_model_has,
    ],
)
def test_a_change_to_a_table_the_return_does_not_read_replaces_the_token(
    manager, committed, open_case, change
):
    before = data_version()
    with committed():
        change(manager, open_case)
    assert data_version() != before


def test_every_model_table_but_the_bookkeeping_ones_counts():
    bookkeeping = freshness.bookkeeping_tables()
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        sql = f'UPDATE "{table}" SET "id" = "id"'  # noqa: S608 (only matched, never run)
        assert statement_changes_data(sql) is (table not in bookkeeping), table


def test_the_bookkeeping_tables_are_exactly_these():
    assert freshness.bookkeeping_tables() == {
        "django_session",
        "audit_auditevent",
        "audit_auditchainhead",
        "accounts_signinattempt",
        "otp_totp_totpdevice",
        "otp_static_staticdevice",
        "otp_static_statictoken",
        "django_tasks_database_dbtaskresult",
        "django_migrations",
        "django_admin_log",
        VERSION_TABLE,
    }


def test_every_table_the_return_reads_is_watched():
    assert not set(DATA_TABLES) & freshness.bookkeeping_tables()
    for table in DATA_TABLES:
        assert statement_changes_data(f'DELETE FROM "{table}"')  # noqa: S608 (never run)


# --- bookkeeping writes keep the token ------------------------------------------------------


def save_a_session(user: User) -> None:
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session.create()
    session["_imha_renewed_at"] = 1
    session.save()
    session.delete()


def audit_and_seal(user: User) -> None:
    # Sealed by the callback that runs after the commit, which writes the chain head too.
    audit.record(actor=user, action=AuditAction.VIEW, object_type="case", object_id=1)


def record_sign_in_attempts(user: User) -> None:
    SignInAttempt.objects.create(username=user.username, ip_address="192.0.2.4", succeeded=False)
    SignInAttempt.objects.filter(username=user.username).delete()


def use_an_authenticator_code(user: User) -> None:
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    assert device.verify_token(current_code(device))  # stores the code's time step
    assert not device.verify_token("000000")  # counts a failure


def use_a_recovery_code(user: User) -> None:
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=f"code{n}") for n in range(3))
    assert device.verify_token("code1")  # spends it: the token is deleted


def queue_a_task(user: User) -> None:
    result = sweep_referral_clock.enqueue()
    model = apps.get_model("django_tasks_database", "DBTaskResult")
    model.objects.filter(pk=result.id).update(started_at=timezone.now())


def record_a_migration(user: User) -> None:
    recorder = MigrationRecorder(connection)
    recorder.record_applied("imha_freshness_test", "0001_nothing")
    recorder.record_unapplied("imha_freshness_test", "0001_nothing")


def log_an_admin_edit(user: User) -> None:
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=ADDITION,
    )


def touch_the_token_row(user: User) -> None:
    DataVersion.objects.filter(pk=DataVersion.SINGLETON_ID).update(changed_at=timezone.now())


BOOKKEEPING_WRITES: dict[str, Callable[[User], None]] = {
    "sessions": save_a_session,
    "audit": audit_and_seal,
    "accounts.SignInAttempt": record_sign_in_attempts,
    "otp_totp": use_an_authenticator_code,
    "otp_static": use_a_recovery_code,
    "django_tasks_database": queue_a_task,
    "migrations.Migration": record_a_migration,
    "admin.LogEntry": log_an_admin_edit,
    "core.DataVersion": touch_the_token_row,
}


def test_every_bookkeeping_entry_has_a_write_tested():
    assert set(BOOKKEEPING_WRITES) == set(freshness.BOOKKEEPING)


@pytest.mark.parametrize("label", BOOKKEEPING_WRITES)
def test_writes_to_a_bookkeeping_table_keep_the_token(manager, committed, label):
    before = data_version()
    with CaptureQueriesContext(connection) as queries, committed():
        BOOKKEEPING_WRITES[label](manager)
    # The write really happened, and to the tables of this entry.
    assert writes_to(queries, freshness.tables_of(label))
    assert data_version() == before


@pytest.mark.parametrize(
    ("page", "bookkeeping_written"),
    [
        # The caseload saves the session (renewed on every request here), nothing else.
        ("/staff/cases/mine/", {"django_session"}),
        # A case's page saves the session and audits the viewing, sealed after the commit.
        ("case", {"django_session", "audit_auditevent", "audit_auditchainhead"}),
    ],
)
def test_an_ordinary_page_view_keeps_the_token(
    verified_client, settings, committed, open_case, page, bookkeeping_written
):
    settings.SESSION_RENEW_INTERVAL_SECONDS = 0
    client = verified_client(Role.MANAGER)
    url = f"/staff/cases/{open_case.pk}/" if page == "case" else page
    assert client.get(url).status_code == 200
    before = data_version()
    with CaptureQueriesContext(connection) as queries, committed():
        assert client.get(url).status_code == 200
    for table in bookkeeping_written:
        assert writes_to(queries, {table}), table
    assert data_version() == before


# --- reading the token ----------------------------------------------------------------------


def test_reading_the_token_is_one_query():
    data_version()
    with CaptureQueriesContext(connection) as queries:
        data_version()
    [read] = queries.captured_queries
    assert read["sql"].startswith("SELECT") and VERSION_TABLE in read["sql"]


# --- one new version per transaction --------------------------------------------------------


def version_writes(queries: CaptureQueriesContext) -> int:
    return sum(
        VERSION_TABLE in q["sql"] and not q["sql"].startswith("SELECT")
        for q in queries.captured_queries
    )


def many_writes(open_case: Case) -> None:
    for day in range(3):
        Activity.objects.create(
            case=open_case, kind="visit", occurs_on=timezone.localdate() - timedelta(days=day)
        )
    Referral.objects.update(first_name="Changed")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL replaces it after commit")
def test_on_postgresql_many_writes_make_one_new_version_after_the_commit(
    django_capture_on_commit_callbacks, open_case
):
    before = data_version()
    with CaptureQueriesContext(connection) as queries:
        with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
            many_writes(open_case)
            # Nothing is written before the commit, so no lock is held until then.
            assert version_writes(queries) == 0
        for callback in callbacks:
            callback()
    assert version_writes(queries) == 1
    assert data_version() != before


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite replaces it in the transaction")
def test_on_sqlite_the_new_version_commits_with_the_change(open_case):
    before = data_version()
    with transaction.atomic():
        many_writes(open_case)
        # Already replaced, in the same transaction, so both commit together.
        assert data_version() != before


def write_in_a_savepoint_then_roll_it_back(open_case: Case) -> None:
    try:
        with transaction.atomic():
            Activity.objects.create(case=open_case, kind="visit", occurs_on=timezone.localdate())
            raise RuntimeError("undo the savepoint")
    except RuntimeError:
        pass


def test_a_write_in_a_savepoint_that_is_rolled_back_does_not_hide_a_later_one(
    django_capture_on_commit_callbacks, open_case
):
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write_in_a_savepoint_then_roll_it_back(open_case)
        Activity.objects.create(case=open_case, kind="phone_call", occurs_on=timezone.localdate())
    assert data_version() != before


def test_a_savepoint_rolled_back_with_all_the_writes_in_it_changes_nothing(
    django_capture_on_commit_callbacks, open_case
):
    before = data_version()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        write_in_a_savepoint_then_roll_it_back(open_case)
    assert data_version() == before


# --- which statements count -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sql", "changes"),
    [
        ('INSERT INTO "referrals_referral" ("reference") VALUES (%s) RETURNING "id"', True),
        ('UPDATE "cases_case" SET "status" = %s WHERE "cases_case"."id" = %s', True),
        ('DELETE FROM "cases_activity" WHERE "cases_activity"."id" IN (%s)', True),
        ('  update "public"."cases_client" set "date_of_birth" = NULL', True),
        ('INSERT OR REPLACE INTO "cases_issueoutcome" VALUES (1)', True),
        ('TRUNCATE "hospitals_qualifyingnotice", "django_session";', True),
        ('WITH x AS (SELECT 1) UPDATE "hospitals_hospital" SET "name" = %s', True),
        # Tables the return does not read count as well, and so do tables no model has.
        ('INSERT INTO "cases_casenote" ("text") VALUES (%s)', True),
        ('UPDATE "resources_resource" SET "title" = %s', True),
        ('UPDATE "cases_caseissue_x" SET "a" = 1', True),
        ("INSERT INTO new__cases_case SELECT * FROM cases_case", True),
        # Even a bookkeeping table, when the statement is of a kind that always counts.
        ('TRUNCATE "django_session"', True),
        # Bookkeeping tables, however they are named.
        ('UPDATE "django_session" SET "expire_date" = %s', False),
        ('  update "public"."django_session" set "expire_date" = %s', False),
        ('INSERT INTO "audit_auditevent" ("summary") VALUES (%s)', False),
        ("UPDATE audit_auditchainhead SET last_hash = last_hash WHERE id = %s RETURNING 1", False),
        ('DELETE FROM "accounts_signinattempt"', False),
        ('UPDATE "otp_totp_totpdevice" SET "last_t" = %s', False),
        ('DELETE FROM "otp_static_statictoken" WHERE "id" = %s', False),
        ('INSERT INTO "django_tasks_database_dbtaskresult" ("id") VALUES (%s)', False),
        ('INSERT INTO "django_migrations" ("app", "name") VALUES (%s, %s)', False),
        ('INSERT INTO "django_admin_log" ("action_flag") VALUES (%s)', False),
        ('INSERT INTO "core_dataversion" ("id", "token") VALUES (1, %s)', False),
        # Reading is not changing.
        ('SELECT COUNT(*) FROM "referrals_referral"', False),
        ('WITH x AS (SELECT * FROM "cases_case") SELECT 1', False),
        ('SELECT "id" FROM "cases_case" WHERE "status" = %s FOR UPDATE', False),
        (b"UPDATE cases_case SET status = 1", False),
    ],
)
def test_which_statements_change_the_data(sql, changes):
    assert statement_changes_data(sql) is changes


def test_replacing_the_token_on_its_own_is_not_a_change_to_the_data():
    # Counting it would replace the token again after every replacement, without end.
    assert not statement_changes_data(freshness.quick_mark_sql(connection, "0" * 32))


# --- really committed: another connection, and a cache shared between processes -------------


@pytest.fixture(params=["memory", "file"])
def cache_backend(request: pytest.FixtureRequest, settings: Any, tmp_path: Any) -> Iterator[str]:
    """The per-process memory cache (the default) and a cache shared between processes."""
    if request.param == "file":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(tmp_path / "cache"),
            }
        }
    cache.clear()
    yield request.param
    cache.clear()


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_by_another_connection_shows_at_once(
    cache_backend, manager, answers, counts
):
    """Another worker (here another thread, with its own connection) commits a referral: the
    figures this one kept are no longer used, whatever cache each of them keeps."""
    first = figures(manager)
    assert first.referrals_received.value == 0
    errors: list[BaseException] = []

    def other_worker() -> None:
        try:
            referral_services.submit_public_referral(
                answers=answers, submission_token=str(uuid.uuid4()), ip_address="192.0.2.9"
            )
        except BaseException as error:  # reported below, on the test's own thread
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    thread.join()
    assert errors == []
    assert figures(manager).referrals_received.value == 1
    assert counts.runs == 2


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_any_transaction_shows_at_once(manager, committed, new_referral):
    referral = new_referral()
    assert response_row(figures(manager), "withdrawn") == 0
    # Autocommit: the statement has committed when it returns, so the version changes then.
    Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.WITHDRAWN)
    assert response_row(figures(manager), "withdrawn") == 1


@pytest.mark.django_db(transaction=True)
def test_a_missing_version_row_is_created_again(manager):
    DataVersion.objects.all().delete()
    version = data_version()
    assert version
    assert data_version() == version
    mark_data_changed()
    assert data_version() != version


@pytest.mark.django_db(transaction=True)
def test_a_failed_version_change_leaves_the_connection_usable(
    manager, new_referral, monkeypatch, caplog
):
    # A token too long for its column makes the database refuse the change (PostgreSQL
    # checks the length; SQLite does not, so there it simply succeeds).
    monkeypatch.setattr(freshness, "_new_token", lambda: "x" * 64)
    referral = new_referral()
    # The referral stands, and the same connection goes on answering queries.
    assert Referral.objects.filter(pk=referral.pk).exists()
    assert Referral.objects.count() == 1
    if connection.vendor == "postgresql":
        assert "Could not mark the data as changed" in caplog.text
