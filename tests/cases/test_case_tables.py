"""The caseload's and case list's table rows are written in Python (imha.cases.templatetags.
case_tables) for speed. They must be exactly what the template loops they replaced drew,
escaping included: here each tag is compared with that loop, on values full of characters
that HTML gives a meaning to."""

from __future__ import annotations

from datetime import date

import pytest
from django.template import Context, engines
from django.utils.safestring import SafeString

from imha.cases import rows
from imha.cases.models import CaseStatus
from imha.cases.templatetags.case_tables import (
    activity_rows,
    advocate_rows,
    case_list_rows,
    caseload_case_rows,
    csrf_input,
    deadline_rows,
    waiting_rows,
)

HOSTILE = '<b>O\'Brien & "Sons"</b>'

# The loops as cases/caseload.html and cases/case_list.html had them.
DEADLINE_LOOP = """      {% for item in items %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell imha-nowrap">{{ item.day }}</td>
          <td class="govuk-table__cell">{{ item.what }}</td>
          <td class="govuk-table__cell"><a class="govuk-link" href="{{ item.url }}">{{ item.person }}<span class="govuk-visually-hidden">, case</span> ({{ item.reference }})</a></td>
        </tr>
      {% endfor %}
"""  # noqa: E501
ACTIVITY_LOOP = """      {% for activity in items %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell imha-nowrap">{{ activity.day }}{% if activity.time %}, {{ activity.time }}{% endif %}</td>
          <td class="govuk-table__cell">{{ activity.kind }}</td>
          <td class="govuk-table__cell"><a class="govuk-link" href="{{ activity.url }}">{{ activity.person }} ({{ activity.reference }})</a></td>
        </tr>
      {% endfor %}
"""  # noqa: E501
CASELOAD_LOOP = """      {% for case in items %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{{ case.url }}">{{ case.person }}</a></td>
          <td class="govuk-table__cell">{{ case.reference }}</td>
          <td class="govuk-table__cell">{{ case.location }}</td>
          <td class="govuk-table__cell">{{ case.legal_status }}</td>
          {% if show_advocate %}<td class="govuk-table__cell">{{ case.advocate }}</td>{% endif %}
          <td class="govuk-table__cell">{{ case.status_tag }}</td>
        </tr>
      {% endfor %}
"""  # noqa: E501
CASE_LIST_LOOP = """      {% for case in items %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{{ case.url }}">{{ case.person }}</a></td>
          <td class="govuk-table__cell">{{ case.reference }}</td>
          <td class="govuk-table__cell">{{ case.opened }}</td>
          <td class="govuk-table__cell">{{ case.advocate }}</td>
          <td class="govuk-table__cell">{{ case.status_tag }}</td>
        </tr>
      {% endfor %}
"""  # noqa: E501

WAITING_LOOP = """      {% for case in items %}
        <tr class="govuk-table__row">
          <td class="govuk-table__cell"><a class="govuk-link" href="{{ case.url }}">{{ case.person }}</a> ({{ case.reference }})</td>
          <td class="govuk-table__cell">{{ case.opened }}</td>
          <td class="govuk-table__cell">{{ case.location }}</td>
          <td class="govuk-table__cell">
            <form method="post" action="{{ case.allocate_url }}" class="imha-inline-form">
              {% csrf_token %}
              <input type="hidden" name="from" value="allocation">
              <label class="govuk-label govuk-visually-hidden" for="advocate-{{ case.pk }}">Advocate for {{ case.person }}</label>
              <select class="govuk-select" id="advocate-{{ case.pk }}" name="advocate">
                <option value="">Choose an advocate</option>
                {{ advocate_options }}
              </select>
              <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0" data-module="govuk-button">Allocate<span class="govuk-visually-hidden"> {{ case.reference }}</span></button>
            </form>
          </td>
        </tr>
      {% endfor %}
"""  # noqa: E501
ADVOCATE_LOOP = """    {% for advocate in items %}
      <tr class="govuk-table__row">
        <td class="govuk-table__cell">{{ advocate.name }}</td>
        <td class="govuk-table__cell">{{ advocate.team|default:"No team" }}</td>
        <td class="govuk-table__cell govuk-table__cell--numeric" data-open-cases="{{ advocate.username }}">{{ advocate.open_cases }}</td>
      </tr>
    {% empty %}
      <tr class="govuk-table__row"><td class="govuk-table__cell" colspan="3">No active advocates.</td></tr>
    {% endfor %}
"""  # noqa: E501


def looped(loop: str, **context: object) -> str:
    return engines["django"].from_string(loop).render(context)


def tagged(html: SafeString) -> str:
    # The tag stands where the loop's opening line stood, after the same indent.
    return f"      {html}\n"


def link(n: int) -> rows.CaseLink:
    return {"url": f"/staff/cases/{n}/?a=1&b=<2>", "person": f"{HOSTILE} {n}", "reference": f"C{n}"}


def deadline(n: int) -> rows.DeadlineRow:
    return {**link(n), "due_on": date(2026, 12, n), "day": f"Wed {n} <Dec>", "what": HOSTILE}


def activity(n: int, time: str) -> rows.ActivityRow:
    return {**link(n), "day": f"Thu {n} Dec & co", "time": time, "kind": HOSTILE}


def caseload_row(n: int, status: str) -> rows.CaseloadRow:
    return {
        **link(n),
        "location": f"{HOSTILE} Ward",
        "legal_status": "Section 2 <assessment>",
        "advocate": HOSTILE,
        "status_tag": rows.status_tag(status),
    }


def case_list_row(n: int, status: str) -> rows.CaseListRow:
    return {
        **link(n),
        "opened": "1 Dec 2026 & <later>",
        "advocate": HOSTILE,
        "status_tag": rows.status_tag(status),
    }


@pytest.mark.parametrize("count", [0, 1, 3])
def test_deadline_rows_are_what_the_loop_drew(count: int) -> None:
    items = [deadline(n) for n in range(1, count + 1)]
    assert tagged(deadline_rows(items)) == looped(DEADLINE_LOOP, items=items)


def test_activity_rows_are_what_the_loop_drew_with_and_without_a_time() -> None:
    items = [activity(1, "10am"), activity(2, ""), activity(3, "2:30pm <late>")]
    assert tagged(activity_rows(items)) == looped(ACTIVITY_LOOP, items=items)


@pytest.mark.parametrize("show_advocate", [True, False, ""])
def test_caseload_case_rows_are_what_the_loop_drew(show_advocate: bool | str) -> None:
    # "" is what the template passes when the view sets no `show_advocate` at all.
    items = [caseload_row(n, status) for n, status in enumerate(CaseStatus.values, start=1)]
    expected = looped(CASELOAD_LOOP, items=items, show_advocate=show_advocate)
    assert tagged(caseload_case_rows(items, show_advocate)) == expected
    assert HOSTILE not in expected
    # The person, where they are, and (on team pages) the advocate, each escaped.
    cells = 3 if show_advocate else 2
    assert expected.count(">&lt;b&gt;O&#x27;Brien &amp; &quot;Sons&quot;") == cells * len(items)


def test_case_list_rows_are_what_the_loop_drew() -> None:
    items = [case_list_row(n, status) for n, status in enumerate(CaseStatus.values, start=1)]
    expected = looped(CASE_LIST_LOOP, items=items)
    assert tagged(case_list_rows(items)) == expected
    # The status tag is HTML and is not escaped again; everything else is.
    assert '<strong class="govuk-tag' in expected
    assert "&lt;b&gt;" in expected and "<b>" not in expected


def waiting_row(n: int) -> rows.WaitingRow:
    return {
        **link(n),
        "pk": n,
        "allocate_url": f"/staff/cases/{n}/allocate/?x=<1>&y=2",
        "opened": "25 Nov 2026 & <soon>",
        "location": f"{HOSTILE} Ward",
    }


def tag_context(**values: object) -> Context:
    context = Context(values)
    context.template = engines["django"].from_string("").template  # as when a page renders
    return context


@pytest.mark.parametrize("token", ["masked-token-<1>", None])
def test_waiting_rows_are_what_the_loop_drew(token: str | None) -> None:
    options = rows.advocate_options(
        [{"pk": 7, "username": "kit", "name": HOSTILE, "team": "", "open_cases": 3}]
    )
    items = [waiting_row(n) for n in (1, 2)]
    values = {"items": items, "advocate_options": options}
    if token is not None:
        values["csrf_token"] = token
    expected = looped(WAITING_LOOP, **values)
    assert tagged(waiting_rows(tag_context(**values), items)) == expected
    assert ('name="csrfmiddlewaretoken"' in expected) is (token == "masked-token-<1>")
    assert expected.count('<option value="7">') == len(items)


def test_a_page_rendered_without_a_request_token_gets_no_token_field() -> None:
    # "NOTPROVIDED" is what Django's context processor gives when there is no request token;
    # its own tag then draws nothing (in Django 6.1 it raises instead, so this is not compared).
    assert csrf_input(tag_context(csrf_token="NOTPROVIDED")) == ""


@pytest.mark.parametrize("count", [0, 1, 3])
def test_advocate_rows_are_what_the_loop_drew(count: int) -> None:
    items: list[rows.AdvocateRow] = [
        {
            "pk": n,
            "username": f"user-<{n}>",
            "name": HOSTILE,
            "team": "" if n == 2 else "North & <South>",
            "open_cases": 1000 * n,
        }
        for n in range(1, count + 1)
    ]
    expected = looped(ADVOCATE_LOOP, items=items)
    assert f"    {advocate_rows(items)}\n" == expected
    assert ("No active advocates." in expected) is (count == 0)
