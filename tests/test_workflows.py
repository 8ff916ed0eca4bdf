"""The GitHub workflows: valid, safe for untrusted code, and the grade job works when run here."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
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


def test_ci_installs_nox_from_the_constraints_file():
    jobs = load("ci.yml")["jobs"]
    for job in ("lint", "tests"):
        installs = [str(step["run"]) for step in jobs[job]["steps"] if "pip install" in str(step)]
        assert installs == ["python -m pip install -c constraints.txt nox"], installs


def test_newest_runs_weekly_and_reads_only():
    workflow = load("newest.yml")
    assert workflow[True]["schedule"], "a cron schedule"  # YAML 1.1 reads `on` as True
    assert workflow["permissions"] == {"contents": "read"}
    steps = workflow["jobs"]["newest"]["steps"]
    assert any(str(step.get("run")) == "nox -s newest" for step in steps)
    # The same action versions as the other workflows (pinned together later).
    uses = {step["uses"] for step in steps if "uses" in step}
    assert uses <= {
        step["uses"] for step in load("ci.yml")["jobs"]["tests"]["steps"] if "uses" in step
    }


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


# The katas the emulated checkouts hold: the job's steps are what is tested, and grading two
# katas exercises them as well as grading all of them (which `dev verify` covers) at a 15th of the
# time. 01 is solved in the fork, 02 is not.
KATAS = ("01_path_params", "02_query_params")


def _checkout_ignore(folder: str, names: list[str]) -> set[str]:
    ignored = shutil.ignore_patterns(".git", ".nox", ".venv", "__pycache__", "*.egg-info")(
        folder, names
    )
    if Path(folder).name in ("katas", "solutions"):
        ignored |= {name for name in names if name[:1].isdigit() and name not in KATAS}
    return ignored


# `uses: owner/action@<full commit SHA> # v1.2.3`: a tag can be moved to other code, a SHA cannot.
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*[\w.-]+/[\w./-]+@[0-9a-f]{40}\s+#\s*v\d+(\.\d+)*\s*$")


def uses_lines() -> list[tuple[str, int, str]]:
    return [
        (path.name, number, line)
        for path in sorted(WORKFLOWS.glob("*.yml"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.match(r"^\s*(-\s+)?uses:", line)
    ]


def test_the_pin_pattern_tells_pinned_from_unpinned():
    sha = "11bd71901bbe5b1630ceea73d27597364c9af683"
    assert PINNED.match(f"      - uses: actions/checkout@{sha} # v4.2.2")
    assert PINNED.match(f"        uses: actions/upload-artifact@{sha}  #  v4")
    for line in (
        "      - uses: actions/checkout@v4",
        f"      - uses: actions/checkout@{sha}",  # no version comment
        f"      - uses: actions/checkout@{sha[:12]} # v4.2.2",  # a short SHA
        f"      - uses: actions/checkout@{sha} # main",
    ):
        assert not PINNED.match(line), line


def test_every_action_is_pinned_to_a_commit_sha_with_its_version():
    unpinned = [f"{name}:{number}: {line.strip()}" for name, number, line in uses_lines()
                if not PINNED.match(line)]  # fmt: skip
    assert uses_lines() and not unpinned, "\n".join(unpinned)


def test_the_pins_file_records_every_pin_the_workflows_use():
    """Each `uses:` is the SHA and version .github/actions-pins.txt says its tag resolved to."""
    listed = set()
    for line in (REPO / ".github" / "actions-pins.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            action_tag, sha, version = line.split()
            listed.add((action_tag.split("@")[0], sha, version))
    used = set()
    for _, _, line in uses_lines():
        target, _, comment = re.sub(r"^\s*(-\s+)?uses:\s*", "", line).partition("#")
        action, _, sha = target.strip().partition("@")
        used.add((action, sha, comment.strip()))
    assert used == listed, f"workflows use {sorted(used)}, the pins file says {sorted(listed)}"


def _zizmor_findings() -> list[dict]:
    zizmor = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    if not Path(zizmor).is_file():
        pytest.skip("zizmor is not installed (pip install -e '.[dev]' installs it)")
    done = subprocess.run(
        [zizmor, "--offline", "--format=json", str(WORKFLOWS)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.stdout.strip().startswith("["), done.stderr
    return json.loads(done.stdout)


def _finding(finding: dict) -> str:
    where = finding["locations"][0]["symbolic"]["key"]["Local"]["verbatim_path"]
    return f"{finding['ident']} ({finding['determinations']['severity']}) in {where}"


def test_zizmor_finds_nothing():
    assert [_finding(f) for f in _zizmor_findings()] == []


def _emulate_uses(step: dict, workspace: Path, submission: Path) -> None:
    action = step["uses"].split("@")[0]
    if action == "actions/checkout":
        source = submission if step["with"]["path"] == "submission" else REPO
        shutil.copytree(source, workspace / step["with"]["path"], ignore=_checkout_ignore)
    # setup-python: the venv below is the runner's Python; upload-artifact: checked after.


@pytest.fixture
def fork(tmp_path: Path) -> Path:
    """A learner's fork: this repository's katas with kata 01 solved."""
    fork = tmp_path / "fork"
    shutil.copytree(REPO / "katas", fork / "katas", ignore=_checkout_ignore)
    shutil.copy(REPO / "solutions" / "01_path_params" / "app.py", fork / "katas" / "01_path_params")
    return fork


# The runner's Python for the grade job, with the project's dependencies already installed, kept
# between runs: installing them is most of that test's time (70 s of 80). Keyed by what decides
# them, so an edit to pyproject.toml or constraints.txt builds a new one.
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "fastapi-katas"


def _dependencies_key() -> str:
    digest = hashlib.sha256(sys.version.encode())
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((REPO / name).read_bytes())
    return digest.hexdigest()[:16]


@pytest.fixture
def runner_python() -> Iterator[Path]:
    """A venv with the dependencies but not the project, which the job's install step adds."""
    CACHE.mkdir(parents=True, exist_ok=True)
    venv = CACHE / f"grade-runner-{_dependencies_key()}"
    with (CACHE / "grade-runner.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one pytest run builds it; the others wait, then use it
        if not (venv / ".complete").exists():
            for stale in CACHE.glob("grade-runner-*"):
                shutil.rmtree(stale)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
            project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
            subprocess.run(
                [venv / "bin" / "python", "-m", "pip", "install", "--quiet",
                 "-c", REPO / "constraints.txt", *project["dependencies"]],
                check=True, capture_output=True, timeout=900,
            )  # fmt: skip
            (venv / ".complete").touch()
        _uninstall_project(venv)  # left by a run that was killed
        try:
            yield venv
        finally:
            _uninstall_project(venv)


def _uninstall_project(venv: Path) -> None:
    subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "uninstall", "--quiet", "--yes", "fastapi-katas"],
        capture_output=True, timeout=120,
    )  # fmt: skip


def test_grade_job_steps_run_here_in_order(tmp_path, fork, runner_python):
    """The job's own steps, in order, with the variables a runner sets (checkout emulated).

    The runner's Python comes with the dependencies installed (see runner_python); the job's
    install step still builds and installs the trusted checker into it, as on GitHub.
    """
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    venv = runner_python
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
    table = summary.read_text()
    assert "| 01_path_params" in table and "✅ pass" in table, table
    assert "| 02_query_params" in table and "❌ fail" in table, table
    assert "| 03_" not in table, "only the katas the emulated checkout holds"
    assert "score=" in outputs.read_text()
    assert (workspace / "reports" / "grade.json").is_file()
    assert (workspace / "reports" / "grade.xml").is_file()
