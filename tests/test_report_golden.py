"""Golden files: every report format, built from constructed results, compared byte for byte.

The results are made here, not by running specs, so durations, paths and messages are fixed; the
terminal is 100 columns wide and the github fence's token is fixed. A change to a report shows as
a diff of its golden file in review. After an intended change, regenerate them and read the diff:

    UPDATE_GOLDEN=1 python -m pytest tests/test_report_golden.py

(nox: `nox -s tests -- tests/test_report_golden.py` with UPDATE_GOLDEN=1 in the environment).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from checker.engine.catalog import Catalog
from checker.engine.results import Flag, FlagKind, KataResult, SpecResult, Status
from checker.reports import github, machine, text
from tests.conftest import GOOD_APP

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

RESULTS = [
    KataResult(
        id="01_ping",
        status=Status.PASS,
        duration_s=1.23456,
        tests=[
            SpecResult("test_ping_async", Status.PASS, file="test_spec.py", line=2, duration_s=0.1),
            SpecResult("test_ping_sync", Status.PASS, file="test_spec.py", line=9, duration_s=0.02),
        ],
    ),
    KataResult(
        id="02_failing",
        status=Status.FAIL,
        duration_s=2.5,
        message="GET /ping returned 200 {'pong': false}: expected 200 {'pong': true}",
        tests=[
            SpecResult(
                "test_ping_async",
                Status.FAIL,
                "GET /ping returned 200 {'pong': false}: expected 200 {'pong': true}",
                "test_spec.py",
                2,
                "app.py:9",
                0.25,
            ),
            SpecResult("test_ping_sync", Status.PASS, file="test_spec.py", line=9, duration_s=0.5),
        ],
    ),
    KataResult(
        id="03_erroring",
        status=Status.ERROR,
        duration_s=0.75,
        message="app.py:2: SyntaxError: '(' was never closed",
    ),
    KataResult(
        id="04_hanging",
        status=Status.TIMEOUT,
        duration_s=25.0,
        message="stopped after 25 s while running test_slow: an infinite loop?",
        tests=[SpecResult("test_fast", Status.PASS, file="test_spec.py", line=1, duration_s=0.01)],
        output_tail="tail of output",
    ),
    KataResult(
        id="05_hostile",
        status=Status.FAIL,
        duration_s=1.0,
        message="x",
        tests=[
            SpecResult(
                "test_markup",
                Status.FAIL,
                "use list[str] [bold]here | <b>50%</b>\n::error::pwned\r\nend",
                "specs/test_deep.py",
                7,
                "app.py:3",
                0.125,
            )
        ],
    ),
    # What grading adds: a forged verdict caught by a canary, and flags for a person to review.
    KataResult(
        id="06_flagged",
        status=Status.TAMPERED,
        duration_s=0.75,
        message="a canary spec was reported passed: the verdict was forged",
        tests=[SpecResult("test_ping", Status.PASS, file="test_spec.py", line=2, duration_s=0.1)],
        flags=[
            Flag(FlagKind.TAMPERED, "canary test_ping_7f3a reported pass"),
            Flag(FlagKind.NEEDS_REVIEW, "imports ctypes", "app.py", 1),
            Flag(FlagKind.MATCHES_REFERENCE, "app.py equals the reference once normalised (1.00)"),
        ],
    ),
]


@pytest.fixture
def katas(tree, monkeypatch):
    for result in RESULTS:
        tree.add_kata(result.id, GOOD_APP)
    # A fixed terminal: the human table wraps at 100 columns wherever the tests run.
    monkeypatch.setattr(os, "get_terminal_size", lambda *_: os.terminal_size((100, 40)))
    monkeypatch.setattr(github.secrets, "token_hex", lambda _: "0" * 32)
    return Catalog.load(tree.root).katas


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_bytes(actual.encode())  # bytes: a "\r" in a message must survive the trip
    assert path.exists(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    expected = path.read_bytes().decode()
    assert actual == expected, (
        f"{name} differs from its golden file: if the change is intended, regenerate it "
        "(UPDATE_GOLDEN=1, see this module's docstring) and review the diff"
    )


def test_human_report(katas):
    report = text.human_report(katas, RESULTS, "your katas", files_root="katas")
    assert_golden("human.txt", report + "\n")


def test_human_report_in_colour(katas):
    report = text.human_report(katas, RESULTS, "your katas", color=True, files_root="katas")
    assert_golden("human-colour.txt", report + "\n")


def test_json_report(katas):
    assert_golden("report.json", machine.json_report(RESULTS, {"score": 1}) + "\n")


def test_junit_report(katas):
    assert_golden("report.xml", machine.junit_report(katas, RESULTS) + "\n")


def test_github_report(katas, tmp_path):
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    environ = {"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_OUTPUT": str(outputs)}
    points = {"score": 1, "max_score": 9, "passed": 1, "total": 5}
    human = text.human_report(katas, RESULTS, "your katas", files_root="katas")
    stdout = github.publish(katas, RESULTS, human, points, "your katas", environ)
    assert_golden("github-stdout.txt", stdout + "\n")
    assert_golden("github-summary.md", summary.read_bytes().decode())
    assert_golden("github-outputs.txt", outputs.read_bytes().decode())
