"""Every report format shows the TAMPERED status and the flags `grade` raises."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from checker.engine.catalog import Catalog, Kata
from checker.engine.grading import Grade
from checker.engine.results import Flag, FlagKind, KataResult, SpecResult, Status
from checker.reports import github, machine, text
from tests.conftest import GOOD_APP, Tree


@pytest.fixture
def katas(tree: Tree) -> list[Kata]:
    tree.add_kata("01_ping", GOOD_APP)
    tree.add_kata("02_pong", GOOD_APP)
    return list(Catalog.load(tree.root).katas)


def flagged_results() -> list[KataResult]:
    tampered = KataResult(
        "01_ping",
        Status.TAMPERED,
        message="the results of this run were forged",
        tests=[SpecResult(name, Status.PASS) for name in ("test_ping_async", "test_ping_sync")],
        flags=[
            Flag(FlagKind.TAMPERED, "must-fail spec test_ping_sync_edge was reported pass",
                 ".spec/test_spec.py", 14),
            Flag(FlagKind.NEEDS_REVIEW, "imports ctypes (raw memory and C calls)", "app.py", 3),
        ],
    )  # fmt: skip
    copied = KataResult(
        "02_pong",
        Status.PASS,
        tests=[SpecResult("test_ping_async", Status.PASS)],
        flags=[Flag(FlagKind.MATCHES_MISTAKE, "the same code as mistake no_await")],
    )
    return [tampered, copied]


def test_human_report(katas):
    report = text.human_report(katas, flagged_results(), "submission ada")
    assert "TAMPERED" in report
    assert "Flags for review" in report
    assert "01_ping  tampered: .spec/test_spec.py:14: must-fail spec" in report
    assert "01_ping  needs review: app.py:3: imports ctypes" in report
    assert "02_pong  matches a mistake: the same code as mistake no_await" in report


def test_grades_table_counts_the_flags(katas):
    grade = Grade(Path("ada"), flagged_results(), katas)
    table = text.grades_table([grade])
    assert "flags" in table.splitlines()[0]
    assert "3 (matches a mistake, needs review, tampered)" in table.splitlines()[1]


def test_json_report(katas):
    report = json.loads(machine.json_report(flagged_results()))
    assert report["status"] == "tampered"
    assert report["katas"][0]["status"] == "tampered"
    assert report["katas"][0]["flags"][1] == {
        "kind": "needs_review", "evidence": "imports ctypes (raw memory and C calls)",
        "file": "app.py", "line": 3,
    }  # fmt: skip
    assert report["katas"][1]["flags"][0]["kind"] == "matches_mistake"


def test_junit_report(katas):
    root = ET.fromstring(machine.junit_report(katas, flagged_results()))
    suite = root.find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert int(suite.get("tests", "")) == len(cases) == 3
    assert int(suite.get("errors", "")) == sum(c.find("error") is not None for c in cases) == 1
    error = cases[-1].find("error")
    assert cases[-1].get("name") == "(integrity)" and error is not None
    assert error.get("type") == "tampered" and "test_ping_sync_edge" in (error.text or "")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert (
        properties["flag.needs_review"]
        == "needs review: app.py:3: imports ctypes (raw memory and C calls)"
    )


def test_github_summary_and_annotations(katas, tmp_path):
    summary = tmp_path / "summary.md"
    outputs = {"score": 1, "max_score": 2, "passed": 1, "total": 2}
    stdout = github.publish(katas, flagged_results(), "table", outputs, "ada",
                            environ={"GITHUB_STEP_SUMMARY": str(summary)})  # fmt: skip
    markdown = summary.read_text()
    assert "🚩 tampered" in markdown
    assert "### Flags for review" in markdown
    assert (
        "| 01_ping | needs review | app.py:3 | imports ctypes (raw memory and C calls) |"
        in markdown
    )
    assert "| 02_pong | matches a mistake |  | the same code as mistake no_await |" in markdown
    lines = stdout.splitlines()
    assert any(line.startswith("::error file=katas/01_ping/app.py,title=01_ping tampered::")
               for line in lines), lines  # fmt: skip
    review = "::warning file=katas/01_ping/app.py,line=3,title=01_ping needs review::"
    assert f"{review}imports ctypes (raw memory and C calls)" in lines
    # Canary evidence points at the kata, never at the spec copy.
    assert any(line.startswith("::warning file=katas/01_ping/app.py,title=01_ping tampered::")
               for line in lines), lines  # fmt: skip
