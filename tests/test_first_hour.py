"""A learner's first hour at the command line: the quick start's summary, the wrong Python, typos,
the kata folder as the default kata, `| head`, progress per spec, reset's backup, added files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from checker.commands import first_run
from checker.engine.catalog import Catalog
from checker.engine.results import KataResult, Status
from tests.conftest import GOOD_APP, REPO, STUB, solve


def run_in(folder: Path, *args: str, python: tuple[str, ...] = (sys.executable,), env=None):
    """The checker started from `folder`, as a learner standing there would start it."""
    environ = dict(os.environ if env is None else env)
    environ["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), environ.get("PYTHONPATH", "")) if p
    )
    return subprocess.run(
        [*python, "-m", "checker", *args],
        cwd=folder,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


# --- the quick start's summary ---------------------------------------------------------------


def test_the_quick_start_summary_is_a_few_lines_saying_what_to_do_next(two):
    catalog = Catalog.load(two.root)
    results = [KataResult(id="01_ping", status=Status.FAIL, message="x")]
    lines: list[str] = []
    first_run.summary(catalog, list(catalog.katas), results, lines.append, cwd=two.root)
    text = "\n".join(lines)
    assert len(lines) <= 7, text
    assert text.startswith("Environment ready")
    assert "0/2 katas pass (2 not started)" in text
    assert " watch" in text and "-s check -- --table" in text
    assert str(Path(sys.executable).absolute()) in text  # the interpreter for the editor
    assert "x" not in text.split("\n")[1], "no kata's problem is shown"
    watch_line = next(line for line in lines if line.rstrip().endswith("watch"))
    program = watch_line.split()[0]
    assert Path(program).is_absolute() or (two.root / program).exists(), watch_line


def test_the_summary_tells_an_environment_failure_from_failing_katas(two):
    catalog = Catalog.load(two.root)
    tail = "ModuleNotFoundError: No module named 'pytest'"
    broken = KataResult(id="01_ping", status=Status.ERROR, output_tail=tail)
    lines: list[str] = []
    first_run.summary(catalog, list(catalog.katas), [broken], lines.append, cwd=two.root)
    assert "incomplete" in lines[0] and "01_ping" in lines[0]


def test_check_summary_prints_the_summary_and_keeps_the_exit_code(two):
    done = two.run("check", "--summary", "-j", "1")
    assert done.returncode == 1
    assert "0/2 katas pass (2 not started)" in done.stdout and "┃" not in done.stdout  # no table
    assert done.stdout.startswith("Environment ready"), done.stdout
    # The first stub ran, to prove the environment; untouched katas are not started, not run.
    recorded = json.loads((two.root / ".katas-state.json").read_text())["katas"]
    assert list(recorded) == ["01_ping"] and recorded["01_ping"]["status"] == "fail"
    solve(two, "02_pong")
    done = two.run("check", "--summary", "-j", "1")
    assert done.returncode == 1 and "1/2 katas pass (1 not started)" in done.stdout
    solve(two, "01_ping")
    done = two.run("check", "--summary", "-j", "1")
    assert done.returncode == 0 and "2/2 katas pass" in done.stdout


def test_the_quick_start_fails_only_when_the_environment_broke_the_run(two, tmp_path):
    fake = tmp_path / "fake-site"
    (fake / "pytest").mkdir(parents=True)
    (fake / "pytest" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pytest'\", name='pytest')\n"
    )
    # --sandbox off: pytest's tmp folder is private to root (0700), so the sandbox's non-root uid
    # could not reach this fake package; a real environment's packages are readable by all.
    done = run_in(
        two.root,
        "check",
        "--summary",
        "-j",
        "1",
        "--sandbox",
        "off",
        env=dict(os.environ, PYTHONPATH=str(fake)),
    )
    assert done.returncode == 2 and "incomplete" in done.stdout, done.stdout + done.stderr


def test_the_nox_check_session_succeeds_when_katas_fail_and_keeps_the_table_one_flag_away():
    noxfile = (REPO / "noxfile.py").read_text()
    assert '"--summary"' in noxfile and '"--table"' in noxfile
    assert "success_codes=[0, 1]" in noxfile
    assert 'default_venv_backend = "uv|virtualenv"' in noxfile


# --- the wrong Python ------------------------------------------------------------------------


def test_a_python_without_the_packages_names_the_environment_and_records_nothing(two):
    (two.root / ".nox" / "check" / "bin").mkdir(parents=True)
    (two.root / ".nox" / "check" / "bin" / "python").write_text("")
    # -S: no site-packages, as a system Python without FastAPI
    done = run_in(two.root, "check", "01", python=(sys.executable, "-S"))
    assert done.returncode == 2, done.stderr
    assert ". .nox/check/bin/activate" in done.stderr and "fastapi" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (two.root / ".katas-state.json").exists()


def test_a_run_the_environment_broke_never_lowers_recorded_progress(two, tmp_path):
    solve(two, "01_ping")
    assert two.run("check", "01", "-j", "1").returncode == 0
    before = json.loads((two.root / ".katas-state.json").read_text())
    # A kata process that cannot import pytest: what a half-installed environment gives.
    fake = tmp_path / "fake-site"
    (fake / "pytest").mkdir(parents=True)
    (fake / "pytest" / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'pytest'\", name='pytest')\n"
    )
    env = dict(os.environ, PYTHONPATH=str(fake))
    # --sandbox off: see the test above (pytest's tmp folder is private to root).
    done = run_in(two.root, "check", "01", "-j", "1", "--sandbox", "off", env=env)
    assert done.returncode == 1
    assert "could not import pytest" in done.stdout and "os._exit" not in done.stdout
    after = json.loads((two.root / ".katas-state.json").read_text())
    assert after["katas"]["01_ping"]["status"] == "pass"
    assert after == before


# --- the command line ------------------------------------------------------------------------


def test_output_into_a_closed_pipe_ends_quietly(two):
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "--root", str(two.root), "list"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the first line is written
    assert process.stderr is not None
    with process.stderr:
        stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr


def test_list_into_head_exits_0_without_a_traceback():
    done = subprocess.run(
        f"{sys.executable} -m checker list | head -1; exit ${{PIPESTATUS[0]}}",
        shell=True,
        executable="/bin/bash",
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


def test_a_mistyped_verb_gets_a_suggestion(two):
    done = two.run("chek")
    assert done.returncode == 2 and "did you mean 'check'?" in done.stderr


def test_a_mistyped_kata_gets_a_suggestion(two):
    done = two.run("hint", "pnog")
    assert done.returncode == 2 and "did you mean 02_pong?" in done.stderr


def test_an_unknown_track_is_an_error_with_a_suggestion(two):
    done = two.run("list", "--track", "tesst")
    assert done.returncode == 2 and "did you mean 'tests'?" in done.stderr
    assert two.run("list", "--track", "tests").returncode == 0


def test_the_kata_folder_one_stands_in_is_the_default_kata(two):
    (two.root / "checker").mkdir()  # a clone's root holds katas/ and checker/
    folder = two.root / "katas" / "02_pong"
    hint = run_in(folder, "hint")
    assert hint.returncode == 0 and "Hint 1/2" in hint.stdout, hint.stderr
    assert json.loads((two.root / ".katas-state.json").read_text())["katas"]["02_pong"]
    done = run_in(folder, "check", "--format", "json")
    assert [k["id"] for k in json.loads(done.stdout)["katas"]] == ["02_pong"]
    solve(two, "02_pong")
    reset = run_in(folder / "", "reset", "--yes")
    assert reset.returncode == 0 and "Restored 02_pong" in reset.stdout
    outside = run_in(two.root, "hint")
    assert outside.returncode == 2 and "inside a kata folder" in outside.stderr


def test_the_console_script_names_itself_in_help():
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'katas = "checker.cli:script"' in pyproject
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from checker.cli import script; sys.exit(script())",
         "--help"],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.stdout.startswith("usage: -c "), done.stdout  # prog is argv[0]'s name


# --- progress, reset, added files --------------------------------------------------------------


def test_progress_tells_not_started_from_specs_passing(two):
    app = two.root / "katas" / "01_ping" / "app.py"
    assert "not started" in two.run("list").stdout
    spec = two.root / "katas" / "01_ping" / ".spec" / "test_spec.py"
    spec.write_text(spec.read_text() + "\n\ndef test_always():\n    assert True\n")
    app.write_text(STUB + "\n# started\n")
    two.run("check", "01", "-j", "1")
    listing = two.run("list").stdout
    assert "1/3 specs pass" in listing.split("02_pong")[0], listing
    assert "1/3 specs pass" in two.run("next").stdout


def test_reset_keeps_a_backup_outside_the_kata_folder_and_says_where(two):
    solve(two, "01_ping")
    done = two.run("reset", "1", "--yes")
    assert done.returncode == 0
    backups = list((two.root / ".katas-backups" / "01_ping").glob("*/app.py"))
    assert len(backups) == 1 and backups[0].read_text() == GOOD_APP
    assert str(backups[0].parent.relative_to(two.root)) in done.stdout
    assert ".katas-backups/" in (REPO / ".gitignore").read_text()


def test_check_warns_at_once_about_files_grading_does_not_take(two):
    kata = two.root / "katas" / "01_ping"
    (kata / ".original" / "shipped.txt").write_text("README.md\napp.py\nkata.toml\n")
    (kata / "helpers.py").write_text("X = 1\n")
    done = two.run("check", "01", "-j", "1")
    assert "helpers.py" in done.stderr and "grading takes only app.py" in done.stderr
    (kata / "helpers.py").unlink()
    assert "grading" not in two.run("check", "01", "-j", "1").stderr
