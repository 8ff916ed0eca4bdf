"""`grade` plants must-fail canary specs in every run: forged verdicts are caught as TAMPERED."""

from __future__ import annotations

import ast
import json
import textwrap

import pytest

from checker.engine import canaries
from checker.engine.results import KataResult, SpecResult, Status
from tests.conftest import GOOD_APP, PING_SPEC, Tree

STUB = GOOD_APP.replace('{"pong": True}', '{"pong": False}')

# Each forger is a stub (it would fail honestly) that makes the run report passes.
FORGERS = {
    # pytest's own machinery patched at import: no spec body runs, so every spec "passes".
    "patches_pytest_runtest": """
        import _pytest.python

        _pytest.python.Function.runtest = lambda self: None
    """,
    # pytest's reports patched: every report of a call says passed.
    "patches_pytest_reports": """
        import _pytest.runner

        _real = _pytest.runner.call_and_report


        def _passed(item, when, log=True, **kwargs):
            if when == "call":
                item.runtest = lambda: None
            return _real(item, when, log, **kwargs)


        _pytest.runner.call_and_report = _passed
    """,
    # The checker's collector patched: every event it writes says pass.
    "patches_the_plugin": """
        import sys

        _plugin = sys.modules["checker.inside.plugin"]
        _real = _plugin.spec_event


        def _forged(spec):
            event = _real(spec)
            event.update(status="pass", message="")
            return event


        _plugin.spec_event = _forged
    """,
    # Result lines written by hand: a pass for every spec function found, then a quiet exit.
    "writes_forged_result_lines": """
        import ast
        import gc
        import json
        import os
        from pathlib import Path

        import pytest

        for config in [o for o in gc.get_objects() if isinstance(o, pytest.Config)]:
            # The result channel is an inherited descriptor (--results-fd), not a path.
            with os.fdopen(int(config.getoption("results_fd")), "a", closefd=False) as out:
                for spec in Path(config.rootpath).rglob("test_*.py"):
                    for node in ast.walk(ast.parse(spec.read_text())):
                        if getattr(node, "name", "").startswith("test_"):
                            event = {"event": "spec", "name": node.name, "status": "pass"}
                            out.write(json.dumps(event) + "\\n")
                out.write(json.dumps({"event": "done", "exit_code": 0}) + "\\n")
            os._exit(0)
    """,
}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """One `grade` of every forger's submission and an honest one, side by side."""
    root = tmp_path_factory.mktemp("canaries")
    (root / "katas").mkdir()
    trusted = Tree(root)
    trusted.add_kata("01_ping", STUB, solution=GOOD_APP)
    trusted.add_kata("02_pong", STUB, solution=GOOD_APP)
    submissions = {
        name: textwrap.dedent(code) + textwrap.dedent(STUB) for name, code in FORGERS.items()
    }
    submissions["honest"] = GOOD_APP
    for name, app in submissions.items():
        for kata_id in ("01_ping", "02_pong"):
            folder = root / "forks" / name / "katas" / kata_id
            folder.mkdir(parents=True)
            (folder / "app.py").write_text(app if kata_id == "01_ping" else GOOD_APP)
    (root / "forks" / "honest" / "katas" / "02_pong" / "app.py").write_text(STUB)
    out = root / "out"
    forks = [str(root / "forks" / name) for name in submissions]
    done = trusted.run("grade", *forks, "--results-dir", str(out), timeout=300)
    assert "submission" in done.stdout, done.stderr
    return {name: json.loads((out / f"{name}.json").read_text()) for name in submissions}


@pytest.mark.parametrize("forger", sorted(FORGERS))
def test_a_forged_verdict_is_graded_tampered_with_evidence(reports, forger):
    report = reports[forger]
    kata = report["katas"][0]
    assert kata["status"] == "tampered", kata
    assert report["status"] == "tampered"
    assert report["score"] == 1, "the forged kata earns nothing; its honest neighbour does"
    evidence = [flag for flag in kata["flags"] if flag["kind"] == "tampered"]
    assert evidence and all("must-fail spec test_" in f["evidence"] for f in evidence), kata
    assert all(f["file"] == ".spec/test_spec.py" for f in evidence)
    canary_names = {f["evidence"].split()[2] for f in evidence}
    assert not canary_names & {t["name"] for t in kata["tests"]}, "canaries stay out of the list"
    neighbour = report["katas"][1]  # the reference itself: flagged as such, not as tampered
    assert neighbour["status"] == "pass"
    assert [f["kind"] for f in neighbour["flags"]] == ["matches_reference"]


def test_honest_runs_never_show_the_canaries(reports):
    report = reports["honest"]
    solved, stub = report["katas"]
    assert solved["status"] == "pass" and solved["message"] == ""
    assert [f["kind"] for f in solved["flags"]] == ["matches_reference"]
    assert [t["name"] for t in solved["tests"]] == ["test_ping_async", "test_ping_sync"]
    assert stub["status"] == "fail" and stub["message"].startswith("GET /ping returned")
    assert len(stub["tests"]) == 2 and stub["flags"] == []
    assert (report["passed"], report["total"], report["score"]) == (1, 2, 1)


def test_canaries_are_named_like_the_kata_specs_and_differ_every_run(tmp_path):
    spec_dir = tmp_path / "01_ping" / ".spec"
    spec_dir.mkdir(parents=True)
    (spec_dir / "test_spec.py").write_text(textwrap.dedent(PING_SPEC))
    planted = canaries.plant(spec_dir)
    source = (spec_dir / "test_spec.py").read_text()
    ast.parse(source)
    assert len(planted) == 3 and sum("[" in c.name for c in planted) == 2
    for canary in planted:
        assert canary.name.startswith(("test_ping_async_", "test_ping_sync_")), canary
        assert "canary" not in source
    (spec_dir / "test_spec.py").write_text(textwrap.dedent(PING_SPEC))
    assert {c.name for c in canaries.plant(spec_dir)} != {c.name for c in planted}


def test_a_run_that_claims_a_pass_without_reporting_the_canaries_is_tampered():
    planted = [canaries.Canary("test_ping_sync_edge", ".spec/test_spec.py")]
    honest_specs = [SpecResult("test_ping_async", Status.PASS)]
    result = canaries.judge(KataResult("01_ping", Status.PASS, tests=honest_specs), planted)
    assert result.status == Status.TAMPERED
    assert "never reported" in result.flags[0].evidence


def test_a_canary_failing_alone_leaves_a_pass():
    planted = [canaries.Canary("test_ping_sync_edge", ".spec/test_spec.py")]
    specs = [
        SpecResult("test_ping_async", Status.PASS),
        SpecResult("test_ping_sync_edge", Status.FAIL, "GET /x returned 200"),
    ]
    result = KataResult("01_ping", Status.FAIL, message="GET /x returned 200", tests=specs)
    canaries.judge(result, planted)
    assert (result.status, result.message, result.passed, len(result.tests)) == (
        Status.PASS, "", 1, 1,
    )  # fmt: skip
