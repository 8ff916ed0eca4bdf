"""`grade`: a learner's checkout judged by this tree's specs, whatever the checkout contains."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from tests.conftest import GOOD_APP, Tree


@pytest.fixture
def trusted(two: Tree) -> Tree:
    """The instructor's tree: two katas whose stubs fail (conftest's `two`)."""
    return two


def fork_of(trusted: Tree, where: Path) -> Path:
    """A learner's checkout: a copy of the trusted tree, to be edited by each test."""
    shutil.copytree(trusted.root / "katas", where / "katas")
    return where


def grade_json(trusted: Tree, *args: str) -> tuple[int, dict]:
    done = trusted.run("grade", *args, "--format", "json")
    assert done.stdout.strip(), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_solved_kata_scores_by_difficulty(trusted, tmp_path):
    fork = fork_of(trusted, tmp_path / "ada")
    (fork / "katas" / "01_ping" / "app.py").write_text(GOOD_APP)
    code, report = grade_json(trusted, str(fork))
    assert code == 1
    statuses = {k["id"]: k["status"] for k in report["katas"]}
    assert statuses == {"01_ping": "pass", "02_pong": "fail"}
    assert (report["score"], report["max_score"]) == (1, 2)  # easy katas: 1 point each
    assert report["protected_changes"] == []


def test_an_edited_spec_is_ignored_and_reported(trusted, tmp_path):
    fork = fork_of(trusted, tmp_path / "bob")
    spec = fork / "katas" / "01_ping" / ".spec" / "test_spec.py"
    spec.write_text("def test_nothing():\n    pass\n")
    _, report = grade_json(trusted, str(fork))
    assert report["katas"][0]["status"] == "fail", "graded against the trusted spec"
    assert "katas/01_ping/.spec/test_spec.py (modified)" in report["protected_changes"]


def test_a_conftest_that_passes_everything_has_no_effect(trusted, tmp_path):
    fork = fork_of(trusted, tmp_path / "eve")
    cheat = (
        "import pytest\n\n"
        "@pytest.hookimpl(wrapper=True)\n"
        "def pytest_runtest_makereport(item, call):\n"
        "    report = yield\n"
        "    report.outcome = 'passed'\n"
        "    return report\n"
    )
    for where in (
        fork,
        fork / "katas",
        fork / "katas" / "01_ping",
        fork / "katas" / "01_ping" / ".spec",
    ):
        (where / "conftest.py").write_text(cheat)
    (fork / "katas" / "01_ping" / "pytest.ini").write_text("[pytest]\naddopts = -p no:checker\n")
    _, report = grade_json(trusted, str(fork))
    assert {k["status"] for k in report["katas"]} == {"fail"}


def test_a_missing_file_is_that_katas_error_only(trusted, tmp_path):
    fork = fork_of(trusted, tmp_path / "zed")
    (fork / "katas" / "01_ping" / "app.py").unlink()
    (fork / "katas" / "02_pong" / "app.py").write_text(GOOD_APP)
    _, report = grade_json(trusted, str(fork))
    statuses = {k["id"]: k["status"] for k in report["katas"]}
    assert statuses == {"01_ping": "error", "02_pong": "pass"}


def test_several_forks_give_one_results_file_each_and_a_table(trusted, tmp_path):
    ada = fork_of(trusted, tmp_path / "ada")
    (ada / "katas" / "01_ping" / "app.py").write_text(GOOD_APP)
    bob = fork_of(trusted, tmp_path / "bob")
    results = tmp_path / "results"
    done = trusted.run("grade", str(ada), str(bob), "--results-dir", str(results))
    assert json.loads((results / "ada.json").read_text())["score"] == 1
    assert json.loads((results / "bob.json").read_text())["score"] == 0
    ET.parse(results / "ada.xml")
    lines = done.stdout.splitlines()
    assert any(line.startswith("ada") and "1/2" in line for line in lines), done.stdout
    assert any(line.startswith("bob") and "0/2" in line for line in lines), done.stdout


def test_junit_is_well_formed_junit(trusted, tmp_path):
    fork = fork_of(trusted, tmp_path / "ada")
    (fork / "katas" / "01_ping" / "app.py").write_text("app = FastAPI(\n")
    out = tmp_path / "grade.xml"
    trusted.run("grade", str(fork), "--junit", str(out))
    root = ET.parse(out).getroot()
    assert root.tag == "testsuites"
    suites = {suite.get("name"): suite for suite in root.findall("testsuite")}
    assert set(suites) == {"01_ping", "02_pong"}, "one suite per graded kata, none missing"
    # The broken kata errors in both specs (each loads the code afresh); the stub fails both.
    cases = {name: suite.findall("testcase") for name, suite in suites.items()}
    assert [c.find("error") is not None for c in cases["01_ping"]] == [True, True]
    assert [c.find("failure") is not None for c in cases["02_pong"]] == [True, True]
    for suite in suites.values():
        cases = suite.findall("testcase")
        assert {"name", "tests", "failures", "errors", "time"} <= set(suite.attrib)
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(c.find("failure") is not None for c in cases)
        assert int(suite.get("errors")) == sum(c.find("error") is not None for c in cases)
        for case in cases:
            assert {"classname", "name", "time"} <= set(case.attrib)
            float(case.get("time"))
            for outcome in (case.find("failure"), case.find("error")):
                if outcome is not None:
                    assert outcome.get("message")


def test_support_files_the_learner_does_not_edit_come_from_the_trusted_tree(tree, tmp_path):
    app_with_store = "from store import ANSWER\n" + GOOD_APP.replace(
        '{"pong": True}', '{"pong": ANSWER}'
    )
    kata = tree.add_kata("01_store", app_with_store, solution=app_with_store)
    (kata / "store.py").write_text("ANSWER = True\n")
    fork = fork_of(tree, tmp_path / "ada")
    (fork / "katas" / "01_store" / "store.py").write_text("ANSWER = 'tampered'\n")
    _, report = grade_json(tree, str(fork))
    assert report["katas"][0]["status"] == "pass", report["katas"][0]
