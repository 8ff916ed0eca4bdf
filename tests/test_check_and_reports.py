"""`check` and its reports, on a small tree: a kata the stub fails and its solution passes."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import GOOD_APP, by_id

STUB = GOOD_APP.replace('{"pong": True}', '{"pong": False}')


@pytest.fixture
def small(tree):
    tree.add_kata("01_ping", STUB, solution=GOOD_APP)
    tree.add_kata("02_pong", GOOD_APP, solution=GOOD_APP)
    return tree


def test_json_report_has_the_documented_shape(small):
    code, report = small.check_json()
    assert code == 1
    assert report["version"] == 1 and report["status"] == "fail"
    kata = by_id(report)["01_ping"]
    assert kata["status"] == "fail" and isinstance(kata["duration_s"], float)
    assert [t["name"] for t in kata["tests"]] == ["test_ping_async", "test_ping_sync"]  # file order
    assert {t["status"] for t in kata["tests"]} == {"fail"}
    assert "expected 200" in kata["tests"][0]["message"]
    assert "assert " not in kata["tests"][0]["message"], (
        "pytest's diff is not the learner's message"
    )


def test_impl_root_checks_another_tree_of_the_same_shape(small):
    code, report = small.check_json("--impl-root", str(small.root / "solutions"))
    assert code == 0 and report["status"] == "pass"


def test_one_kata_by_number(small):
    code, report = small.check_json("2")
    assert code == 0 and [k["id"] for k in report["katas"]] == ["02_pong"]


def test_unknown_kata_is_a_usage_error_in_one_line(small):
    done = small.run("check", "42")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no kata named '42'" in done.stderr


def test_bad_option_is_a_usage_error(small):
    assert small.run("check", "--format", "yaml").returncode == 2
    assert small.run("check", "--impl-root", str(small.root / "nowhere")).returncode == 2


def test_human_report_is_a_table_ending_in_progress(small):
    done = small.run("check")
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "1/2 katas pass"
    assert "01_ping" in done.stdout and "FAIL" in done.stdout and "expected 200" in done.stdout
    assert "\x1b[" not in done.stdout, "no colour codes when stdout is not a terminal"


def test_junit_report_is_one_suite_per_kata_and_one_case_per_spec(small, tmp_path):
    out = tmp_path / "report.xml"
    small.run("check", "--format", "junit", "--output", str(out))
    suites = ET.parse(out).getroot()
    assert suites.tag == "testsuites"
    by_name = {s.get("name"): s for s in suites.findall("testsuite")}
    assert set(by_name) == {"01_ping", "02_pong"}
    ping, pong = by_name["01_ping"], by_name["02_pong"]
    # The cases are named first: an `all(...)` over no cases at all would pass on an empty suite.
    specs = ["test_ping_async", "test_ping_sync"]
    assert [case.get("name") for case in ping.findall("testcase")] == specs
    assert [case.get("name") for case in pong.findall("testcase")] == specs
    assert ping.get("tests") == "2" and ping.get("failures") == "2"
    assert all(case.find("failure") is not None for case in ping.findall("testcase"))
    assert pong.get("tests") == "2" and pong.get("failures") == "0"
    assert all(case.find("failure") is None for case in pong.findall("testcase"))


def test_check_records_progress_that_list_shows(small):
    small.run("check")
    state = json.loads((small.root / ".katas-state.json").read_text())
    assert state["katas"]["01_ping"]["status"] == "fail"
    assert state["katas"]["02_pong"]["status"] == "pass"
    listing = small.run("list").stdout
    assert "1/2 katas pass" in listing


def test_checking_solutions_does_not_touch_progress(small):
    small.run("check", "--impl-root", str(small.root / "solutions"))
    assert not (small.root / ".katas-state.json").exists()


def test_messages_are_shown_verbatim_not_as_markup(tree):
    tree.add_kata(
        "01_ping", GOOD_APP, spec='def test_x():\n    assert False, "use list[str] [bold]here"\n'
    )
    assert "use list[str] [bold]here" in tree.run("check").stdout


def test_a_failure_in_the_learners_code_is_located_in_their_file(tree):
    tree.add_kata("01_ping", GOOD_APP.replace('return {"pong": True}', 'raise ValueError("boom")'))
    out = tree.run("check").stdout
    assert "[at katas/01_ping/app.py:" in out, out
