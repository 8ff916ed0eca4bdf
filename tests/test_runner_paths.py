"""The runner's two paths: a fork of a warm worker, and a new interpreter (the cold path).

The cold path runs when no warm worker is given or the given one is broken; nothing else in the
suite takes it, so these tests force it and hold it to the warm path's verdicts.
"""

from __future__ import annotations

import os
import signal

import pytest

from checker.cli import main
from checker.engine import runner
from checker.engine.catalog import Catalog
from checker.engine.platform import WINDOWS_ADVICE, unsupported_platform_message
from checker.engine.results import KataResult
from checker.engine.warm import WarmWorker
from tests.conftest import GOOD_APP

STUB = GOOD_APP.replace('{"pong": True}', '{"pong": False}')


@pytest.fixture
def catalog(tree) -> Catalog:
    tree.add_kata("01_passing", GOOD_APP)
    tree.add_kata("02_failing", STUB)
    tree.add_kata("03_erroring", "from fastapi import FastAPI\napp = FastAPI(\n")
    return Catalog.load(tree.root)


@pytest.fixture
def cold_runs(monkeypatch) -> list[runner.Job]:
    """The jobs that went down the cold path, recorded as they start."""
    started: list[runner.Job] = []
    real = runner._ColdRun

    class Recorded(real):
        def __init__(self, job: runner.Job) -> None:
            started.append(job)
            super().__init__(job)

    monkeypatch.setattr(runner, "_ColdRun", Recorded)
    return started


@pytest.fixture
def warm():
    worker = WarmWorker(runner.worker_env(), runner.CHECKER_HOME)
    yield worker
    worker.close()


def verdict(result: KataResult) -> tuple:
    """Everything a report shows except timings and the output tail."""
    specs = [(s.name, s.status, s.message, s.file, s.line, s.location) for s in result.tests]
    return result.status, result.message, specs, result.warnings


def test_cold_path_gives_the_warm_paths_verdicts(catalog, cold_runs, warm):
    warm_results = [runner.run_kata(kata, warm=warm) for kata in catalog.katas]
    assert cold_runs == [], "with a working warm worker no run goes cold"
    cold_results = [runner.run_kata(kata) for kata in catalog.katas]
    assert len(cold_runs) == len(catalog.katas), "without a warm worker every run goes cold"

    assert [r.status for r in cold_results] == ["pass", "fail", "error"]
    assert [s.status for s in cold_results[1].tests] == ["fail", "fail"]
    assert "expected 200" in cold_results[1].message
    for warm_result, cold_result in zip(warm_results, cold_results, strict=True):
        assert verdict(cold_result) == verdict(warm_result), cold_result.id


def test_a_warm_worker_killed_before_its_first_run_falls_back_to_cold(catalog, cold_runs, warm):
    os.killpg(warm.process.pid, signal.SIGKILL)
    warm.process.wait()
    result = runner.run_kata(catalog.katas[0], warm=warm)
    assert len(cold_runs) == 1, "the run went cold"
    assert result.status == "pass", result.message + result.output_tail
    assert warm.process.stdin is not None and warm.process.stdin.closed, "the broken one is closed"


def test_a_warm_worker_killed_between_runs_falls_back_to_cold(catalog, cold_runs, warm):
    failing = catalog.katas[1]
    first = runner.run_kata(failing, warm=warm)
    assert cold_runs == [] and first.status == "fail"
    os.killpg(warm.process.pid, signal.SIGKILL)
    warm.process.wait()
    second = runner.run_kata(failing, warm=warm)
    assert len(cold_runs) == 1, "the run after the kill went cold"
    assert verdict(second) == verdict(first)


@pytest.mark.parametrize(("platform", "name"), [("win32", "nt"), ("win32", "posix"), ("x", "nt")])
def test_windows_is_sent_to_wsl(platform, name):
    message = unsupported_platform_message(platform, name)
    assert message == WINDOWS_ADVICE and "Use WSL" in message


@pytest.mark.parametrize(("platform", "name"), [("linux", "posix"), ("darwin", "posix")])
def test_posix_platforms_are_supported(platform, name):
    assert unsupported_platform_message(platform, name) == ""


def test_the_checker_refuses_native_windows_at_start(monkeypatch, capsys):
    monkeypatch.setattr("checker.cli.unsupported_platform_message", lambda: WINDOWS_ADVICE)
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Use WSL" in err
