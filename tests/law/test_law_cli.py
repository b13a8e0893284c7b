from __future__ import annotations

import io
import json
import runpy
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from imha.law.cli import main

REPO = Path(__file__).resolve().parents[2]


def run(command: str, payload: Any, raw: str | None = None) -> tuple[int, Any]:
    """Run the CLI in-process (so coverage sees it) and parse its output."""
    stdin = io.StringIO(raw if raw is not None else json.dumps(payload))
    stdout = io.StringIO()
    code = main([command], stdin, stdout)
    return code, json.loads(stdout.getvalue())


def run_subprocess(args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imha.law", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )


# --- happy paths ----------------------------------------------------------------


def test_eligibility_object_in_object_out() -> None:
    code, out = run("eligibility", {"jurisdiction": "england", "status": "S3", "age": 30})
    assert code == 0
    assert out["qualifies"] is True
    assert out["category"] == "detained"
    assert out["status"] == "s3"
    assert out["duty_to_inform"]["holder"].startswith("The managers")
    assert {r["referrer"] for r in out["referrers"]} == {
        "patient",
        "nearest_relative",
        "responsible_clinician",
        "approved_mental_health_professional",
    }


def test_eligibility_array_in_array_out() -> None:
    code, out = run(
        "eligibility",
        [
            {"status": "s4", "second_recommendation_received": True},
            {"jurisdiction": "wales", "status": "informal", "in_hospital": True},
            {"status": "dont_know"},
            {"status": "informal", "treatment_under_consideration": "ect", "age": 16},
        ],
    )
    assert code == 0
    assert [d["category"] for d in out] == [
        "detained",
        "wales_informal",
        "unclear",
        "informal_under18_s58a",
    ]
    assert out[2]["duty_to_inform"] is None


def test_empty_array_gives_empty_array() -> None:
    assert run("eligibility", []) == (0, [])


def test_deadlines() -> None:
    code, out = run(
        "deadlines",
        [
            {"status": "s3", "start": "2026-08-31", "first_medication": "2026-11-30"},
            {"status": "s136", "start": "2026-03-28T12:00:00"},
        ],
    )
    assert code == 0
    s3, s136 = out
    assert s3["items"][0] == {
        "kind": "period",
        "label": "First period: 31 August 2026 to 28 February 2027.",
        "source": "MHA 1983 s20(1)-(2)",
        "start": "2026-08-31",
        "end": "2027-02-28",
        "sequence": 1,
    }
    assert s136["items"][0]["end"] == "2026-03-29T13:00:00+01:00"


@pytest.mark.parametrize(
    ("request_", "expected"),
    [
        ({"operation": "add", "start": "2026-12-24", "days": 3, "region": "england"},
         {"result": "2026-12-31"}),
        ({"operation": "add", "start": "2026-12-29", "days": -1}, {"result": "2026-12-24"}),
        ({"operation": "between", "start": "2026-12-24", "end": "2026-12-31", "region": "wales"},
         {"working_days": 3}),
        ({"operation": "respond_by", "received_at": "2026-12-24T16:00:00"},
         {"counted_as_received_on": "2026-12-24", "due_date": "2026-12-31",
          "due_at": "2026-12-31T17:00:00+00:00"}),
        ({"operation": "respond_by", "received_at": "2027-05-28T15:30:00Z", "cutoff": "16:00",
          "working_days": 1},
         {"counted_as_received_on": "2027-06-01", "due_date": "2027-06-02",
          "due_at": "2027-06-02T16:00:00+01:00", "received_at": "2027-05-28T16:30:00+01:00"}),
        ({"operation": "is_working_day", "date": "2026-12-28"},
         {"working_day": False, "bank_holiday": "Boxing Day (observed)"}),
    ],
)  # fmt: skip
def test_working_days(request_: dict[str, Any], expected: dict[str, Any]) -> None:
    code, out = run("working-days", request_)
    assert code == 0
    assert out["operation"] == request_["operation"]
    for key, value in expected.items():
        assert out[key] == value


def test_sections_lists_the_catalogue() -> None:
    stdout = io.StringIO()
    assert main(["sections"], io.StringIO(""), stdout) == 0
    catalogue = json.loads(stdout.getvalue())
    codes = {entry["code"] for entry in catalogue}
    assert {"s2", "s3", "s37/41", "conditional_discharge", "informal"} <= codes
    s3 = next(entry for entry in catalogue if entry["code"] == "s3")
    assert s3["initial_period"] == {"amount": 6, "unit": "months", "text": "6 months"}
    assert s3["maximum_total"] is None


# --- bad input ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "payload", "field"),
    [
        ("eligibility", {"status": "s99"}, "status"),
        ("eligibility", {"status": 3}, "status"),
        ("eligibility", {"status": "s3", "jurisdiction": "scotland"}, "jurisdiction"),
        ("eligibility", {"status": "s3", "age": "twelve"}, "age"),
        ("eligibility", {"status": "s3", "age": True}, "age"),
        ("eligibility", {"status": "s3", "age": -4}, "age"),
        ("eligibility", {"status": "s3", "in_hospital": "yes"}, "in_hospital"),
        ("eligibility", {"status": "s3", "treatment_under_consideration": "x"},
         "treatment_under_consideration"),
        ("eligibility", {"status": "s3", "colour": "blue"}, "colour"),
        ("eligibility", "just a string", "input"),
        ("deadlines", {"start": "2026-01-01"}, "status"),
        ("deadlines", {"status": "s3"}, "start"),
        ("deadlines", {"status": "s3", "start": "2026-02-30"}, "start"),
        ("deadlines", {"status": "s3", "start": "2026-02-03T25:00"}, "start"),
        ("deadlines", {"status": "s3", "start": "1066-10-14"}, "start"),
        ("deadlines", {"status": "s3", "start": "2026-01-01", "periods": 1.5}, "periods"),
        ("deadlines", {"status": "s3", "start": "2026-01-01", "periods": 0}, "periods"),
        ("deadlines", {"status": "s3", "start": "2026-01-01", "first_medication": "soon"},
         "first_medication"),
        ("deadlines", {"status": "s136", "start": "2026-01-01"}, "start"),
        ("deadlines", {"status": "s3", "start": 20260101}, "start"),
        ("working-days", {"operation": "multiply"}, "operation"),
        ("working-days", {"start": "2026-01-01"}, "operation"),
        ("working-days", {"operation": "add", "start": "2026-01-01"}, "days"),
        ("working-days", {"operation": "add", "start": "2026-01-01", "days": 99999}, "days"),
        ("working-days", {"operation": "add", "start": "2026-01-01", "days": 1, "end": "x"},
         "end"),
        ("working-days", {"operation": "between", "start": "2026-01-01"}, "end"),
        ("working-days", {"operation": "respond_by", "received_at": "yesterday"},
         "received_at"),
        ("working-days", {"operation": "respond_by", "received_at": "2026-01-01T09:00",
                          "working_days": -1}, "working_days"),
        ("working-days", {"operation": "respond_by", "received_at": "2026-01-01T09:00",
                          "cutoff": "5pm"}, "cutoff"),
        ("working-days", {"operation": "respond_by", "received_at": "2026-01-01T09:00",
                          "cutoff": "17:00+01:00"}, "cutoff"),
        ("working-days", {"operation": "is_working_day", "date": "2026-01-01",
                          "region": "mars"}, "region"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field(command: str, payload: Any, field: str) -> None:
    code, out = run(command, payload)
    assert code == 2
    assert out["error"]["field"] == field
    assert out["error"]["message"]
    assert "index" not in out["error"]


def test_bad_item_in_an_array_names_its_index() -> None:
    code, out = run("eligibility", [{"status": "s3"}, {"status": "s3"}, {"status": "zz"}])
    assert code == 2
    assert out == {"error": {"field": "status", "index": 2, "message": out["error"]["message"]}}
    code, out = run("deadlines", [{"status": "s3", "start": "2026-01-01"}, 7])
    assert (code, out["error"]["field"], out["error"]["index"]) == (2, "input", 1)


@pytest.mark.parametrize("raw", ["{not json", "", "[1, 2"])
def test_malformed_json(raw: str) -> None:
    code, out = run("deadlines", None, raw=raw)
    assert code == 2
    assert out["error"]["field"] == "input"


@pytest.mark.parametrize("args", [[], ["frobnicate"], ["eligibility", "extra"]])
def test_bad_command(args: list[str]) -> None:
    stdout = io.StringIO()
    assert main(args, io.StringIO("{}"), stdout) == 2
    assert json.loads(stdout.getvalue())["error"]["field"] == "command"


def test_module_entry_point(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sys, "argv", ["imha.law", "eligibility"])
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"status": "s2"}'))
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("imha.law", run_name="__main__", alter_sys=True)
    assert exited.value.code == 0
    assert json.loads(capsys.readouterr().out)["category"] == "detained"


# --- the real process ------------------------------------------------------------------


def test_subprocess_success() -> None:
    done = run_subprocess(
        ["working-days"], '{"operation": "respond_by", "received_at": "2027-05-28T16:00:00"}'
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["due_date"] == "2027-06-03"
    assert done.stderr == ""


@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (["eligibility"], "{oops", "input"),
        (["eligibility"], '{"status": "s123"}', "status"),
        (["deadlines"], '[{"status": "s2", "start": "2026-13-01"}]', "start"),
        (["working-days"], '{"operation": "add"}', "start"),
        (["nonsense"], "{}", "command"),
    ],
)
def test_subprocess_bad_input_is_json_and_exit_2_without_traceback(
    args: list[str], stdin: str, field: str
) -> None:
    done = run_subprocess(args, stdin)
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["field"] == field
    assert "Traceback" not in done.stderr


def test_reader_closing_early_gives_no_traceback() -> None:
    import json
    import subprocess
    import sys

    # Far more output than a pipe buffers, so the writer meets the closed pipe.
    many = json.dumps([{"status": "s3"}] * 3000).encode()
    process = subprocess.Popen(
        [sys.executable, "-m", "imha.law", "eligibility"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(many)
    process.stdin.close()
    assert process.stdout.read(10)
    process.stdout.close()
    stderr = process.stderr.read() if process.stderr else b""
    process.wait(timeout=60)
    assert b"Traceback" not in stderr
    assert process.returncode == 1


def test_run_returns_main_status_and_handles_a_closed_pipe(monkeypatch) -> None:
    from imha.law import __main__ as entry

    monkeypatch.setattr(entry, "main", lambda: 0)
    assert entry.run() == 0

    redirected: list[int] = []

    def closed_pipe() -> int:
        raise BrokenPipeError

    monkeypatch.setattr(entry, "main", closed_pipe)
    # Record the redirect instead of doing it: pytest itself still needs its stdout.
    monkeypatch.setattr(entry.os, "dup2", lambda source, target: redirected.append(target))
    assert entry.run() == 1
    assert redirected
