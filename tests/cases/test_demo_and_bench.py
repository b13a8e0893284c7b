"""Demo cases load once; benchmark data is made in bulk and its pages stay cheap."""

from __future__ import annotations

import pytest

from imha.accounts.models import Role, User
from imha.cases import benchdata, stored_deadlines
from imha.cases.demo import DEMO_CASES, DEMO_TEAM, load_demo_cases
from imha.cases.models import Activity, Case, CaseDeadline, Client, LegalStatusPeriod
from imha.core.demo import load_demo_data
from imha.hospitals.demo import load_demo_hospital_data

pytestmark = pytest.mark.django_db


def test_demo_cases_load_once_and_share_a_team():
    load_demo_data()
    load_demo_hospital_data()
    load_demo_cases()  # the demo loader may already have run it: either way, once only
    assert load_demo_cases() == []
    for spec in DEMO_CASES:
        assert (
            Client.objects.filter(first_name=spec.first_name, last_name=spec.last_name).count() == 1
        )
    advocate = User.objects.get(username="advocate")
    manager = User.objects.get(username="manager")
    assert advocate.team is not None and advocate.team == manager.team
    assert advocate.team.name == DEMO_TEAM
    assert Case.objects.filter(allocated_advocate__isnull=True).exists()
    assert Case.objects.filter(status="closed", client__last_name="Notreal").count() == 1
    assert Activity.objects.filter(advocate=advocate).exists()


def test_benchmark_data_is_generated_in_bulk(make_user):
    advocates = [make_user(Role.ADVOCATE, f"bench-advocate-{n}") for n in range(3)]
    staff = {Role.ADVOCATE.value: advocates}
    benchdata.generate(clients=30, activities=100, staff=staff)
    benchdata.generate(clients=20, activities=50, staff=staff)
    assert Client.objects.count() == 50
    assert Case.objects.count() == 50
    assert LegalStatusPeriod.objects.count() == 50
    assert Activity.objects.count() == 150
    assert set(Case.objects.values_list("allocated_advocate", flat=True)) == {
        a.pk for a in advocates
    }
    assert all(path.startswith("/staff/cases/") for _, path, _ in benchdata.STAFF_PAGES)


def test_benchmark_open_cases_have_their_statutory_dates_stored(make_user):
    advocates = [make_user(Role.ADVOCATE, f"bench-advocate-{n}") for n in range(2)]
    # Enough cases that some are open (8% are).
    benchdata.generate(clients=300, activities=10, staff={Role.ADVOCATE.value: advocates})
    open_cases = Case.objects.filter(status="open")
    assert open_cases.exists()
    assert not open_cases.filter(deadlines_stored_until=None).exists()
    assert not Case.objects.filter(status="closed").exclude(deadlines_stored_until=None).exists()
    assert not CaseDeadline.objects.filter(case__status="closed").exists()

    def rows() -> list[tuple]:
        return sorted(CaseDeadline.objects.values_list("case_id", "due_on", "kind", "point"))

    made = rows()
    assert made
    # Exactly what the services would have stored.
    stored_deadlines.rebuild(open_cases.values_list("pk", flat=True))
    assert rows() == made
