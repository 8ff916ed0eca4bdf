"""The GitHub workflows: valid, safe for untrusted code, and the grade job works when run here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def test_workflows_validate_against_githubs_schema():
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
         *map(str, sorted(WORKFLOWS.glob("*.yml")))],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_ci_lints_and_tests_on_every_supported_python():
    jobs = load("ci.yml")["jobs"]
    assert any("nox -s lint" in str(step.get("run")) for step in jobs["lint"]["steps"])
    assert jobs["tests"]["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    assert any("nox -s tests" in str(step.get("run")) for step in jobs["tests"]["steps"])


def test_grade_workflow_is_safe_for_untrusted_code():
    text = (WORKFLOWS / "grade.yml").read_text()
    workflow = load("grade.yml")
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as True
    assert "pull_request" in triggers and "pull_request_target" not in triggers
    assert workflow["permissions"] == {"contents": "read"}
    assert "secrets." not in text
    steps = workflow["jobs"]["grade"]["steps"]
    for step in steps:
        if str(step.get("uses", "")).startswith("actions/checkout"):
            assert step["with"]["persist-credentials"] is False
    # No ${{ }} expression inside a shell script: learner-controlled text must not become code.
    assert all("${{" not in str(step.get("run", "")) for step in steps)
    # The sandbox `grade` requires is allowed (AppArmor) before any learner code runs.
    names = [step.get("name") for step in steps]
    assert names.index("Allow the grading sandbox") < names.index("Grade")
    assert "apparmor_restrict_unprivileged_userns=0" in text


def _emulate_uses(step: dict, workspace: Path, submission: Path) -> None:
    action = step["uses"].split("@")[0]
    if action == "actions/checkout":
        source = submission if step["with"]["path"] == "submission" else REPO
        ignore = shutil.ignore_patterns(".git", ".nox", ".venv", "__pycache__", "*.egg-info")
        shutil.copytree(source, workspace / step["with"]["path"], ignore=ignore)
    # setup-python: the venv below is the runner's Python; upload-artifact: checked after.


@pytest.fixture
def fork(tmp_path: Path) -> Path:
    """A learner's fork: this repository's katas with kata 01 solved."""
    fork = tmp_path / "fork"
    shutil.copytree(REPO / "katas", fork / "katas", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "solutions" / "01_path_params" / "app.py", fork / "katas" / "01_path_params")
    return fork


def test_grade_job_steps_run_here_in_order(tmp_path, fork):
    """The job's own steps, in order, with the variables a runner sets (checkout emulated)."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    venv = tmp_path / "runner-python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    job = load("grade.yml")["jobs"]["grade"]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))},
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "GITHUB_REPOSITORY": "learner/fastapi-katas",
        "KATAS_UPSTREAM": "upstream/fastapi-katas",
        "IS_FORK": "true",
    }
    codes = []
    for step in job["steps"]:
        if "uses" in step:
            _emulate_uses(step, workspace, fork)
            continue
        done = subprocess.run(
            ["bash", "-e", "-c", step["run"]], cwd=workspace, env=env,
            capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        codes.append((step.get("name"), done.returncode, done.stdout[-3000:], done.stderr[-3000:]))
    ran = {name: rest for name, *rest in codes}
    install_code, _, install_err = ran["Install the trusted checker"]
    grade_code, grade_out, grade_err = ran["Grade"]
    assert ran["Allow the grading sandbox"][0] == 0, ran["Allow the grading sandbox"]
    assert install_code == 0, install_err
    assert grade_code == 1, "a fork with unsolved katas fails its grade job" + grade_out + grade_err
    assert "| 01_path_params" in summary.read_text() and "✅ pass" in summary.read_text()
    assert "score=" in outputs.read_text()
    assert (workspace / "reports" / "grade.json").is_file()
    assert (workspace / "reports" / "grade.xml").is_file()
