"""Running one kata: its specs in a process of its own, under its time limit, turned into a result.

Every verb that runs specs (check, dev verify, and later watch and grade) goes through run_kata,
so isolation, time limits and the reading of results are decided here only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from checker.catalog import Kata
from checker.results import ERROR, FAIL, PASS, TIMEOUT, KataResult, SpecResult, read_events

# The folder holding this checker package: workers import the checker from here, whichever
# catalog (project root) they run specs from.
CHECKER_HOME = Path(__file__).resolve().parent.parent
OUTPUT_TAIL_CHARS = 4000
# Past the kata's own limit: time to start Python and import pytest and FastAPI on a busy machine.
STARTUP_ALLOWANCE_S = 5.0

PYTEST_EXIT_MESSAGES = {
    2: "the spec run was interrupted",
    3: "pytest hit an internal error",
    4: "pytest was called wrongly (a checker bug: please report it)",
    5: "no specs were found in the kata's .spec folder",
}


def run_kata(
    kata: Kata,
    impl_root: Path | None = None,
    on_start: Callable[[subprocess.Popen], None] | None = None,
) -> KataResult:
    """Run `kata`'s specs against impl_root/<kata.id> (or the kata folder) in a fresh process.

    `on_start` receives the process, so that a caller (the watch loop) can stop it early with
    stop_process().
    """
    if kata.load_error:
        return KataResult(id=kata.id, status=ERROR, message=kata.load_error)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"katas-{kata.id}-") as scratch:
        scratch_dir = Path(scratch)
        results_file = scratch_dir / "results.jsonl"
        output_file = scratch_dir / "output.txt"
        work_dir = scratch_dir / "cwd"  # the learner's relative paths land here, not in the repo
        work_dir.mkdir()
        command = [sys.executable, "-m", "checker.worker", str(kata.spec_dir), str(results_file)]
        if impl_root is not None:
            command += ["--impl-root", str(impl_root.resolve())]
        limit = kata.time_limit_s + STARTUP_ALLOWANCE_S
        timed_out = False
        with output_file.open("wb") as output:
            process = subprocess.Popen(
                command,
                cwd=work_dir,
                env=_worker_env(),
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # one process group: a kill reaches the learner's children
            )
            if on_start is not None:
                on_start(process)
            try:
                exit_code = process.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill_group(process)
                exit_code = process.wait()
            finally:
                _kill_group(process)  # children the learner's code left running
        result = _interpret(
            kata,
            read_events(results_file),
            exit_code=exit_code,
            timed_out=timed_out,
            limit_s=limit,
            output_tail=_tail(output_file),
        )
    result.duration_s = time.perf_counter() - started
    return result


def run_many(
    jobs: Iterable[tuple[Kata, Path | None]],
    parallel: int,
    on_result: Callable[[KataResult], None] | None = None,
) -> list[KataResult]:
    """Run (kata, impl_root) jobs, `parallel` at a time; results in the order of `jobs`."""
    jobs = list(jobs)

    def one(job: tuple[Kata, Path | None]) -> KataResult:
        result = run_kata(job[0], job[1])
        if on_result is not None:
            on_result(result)
        return result

    with ThreadPoolExecutor(max_workers=max(1, parallel)) as pool:
        return list(pool.map(one, jobs))


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(CHECKER_HOME), env.get("PYTHONPATH", "")) if p
    )
    # Only the plugins the worker names run: nothing a learner pip-installed joins in.
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.pop("PYTEST_ADDOPTS", None)
    env.pop("PYTHONSTARTUP", None)
    return env


def stop_process(process: subprocess.Popen) -> None:
    """Stop a kata's worker and everything it started."""
    _kill_group(process)


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def _tail(path: Path) -> str:
    try:
        with path.open("rb") as stream:
            stream.seek(0, os.SEEK_END)
            size = stream.tell()
            stream.seek(max(0, size - OUTPUT_TAIL_CHARS))
            return stream.read().decode("utf-8", errors="replace")
    except OSError:
        return ""


def _interpret(
    kata: Kata,
    events: list[dict],
    *,
    exit_code: int,
    timed_out: bool,
    limit_s: float,
    output_tail: str,
) -> KataResult:
    specs = [_spec_from_event(e) for e in events if e.get("event") == "spec"]
    warnings = [e["message"] for e in events if e.get("event") == "warning"]
    collect_errors = [e["message"] for e in events if e.get("event") == "collect_error"]
    done = any(e.get("event") == "done" for e in events)
    finished = {s.name for s in specs}
    running = [e["name"] for e in events if e.get("event") == "start" and e["name"] not in finished]
    result = KataResult(id=kata.id, status=PASS, tests=specs, warnings=warnings)
    result.output_tail = output_tail if (timed_out or not done or collect_errors) else ""

    if timed_out:
        where = f" while running {running[-1]}" if running else ""
        result.status = TIMEOUT
        result.message = (
            f"stopped after {limit_s:.0f} s{where}: an infinite loop, a blocking call or an "
            "`await` that never returns? Specs that had finished are listed."
        )
    elif collect_errors:
        result.status = ERROR
        result.message = "a spec file failed to load (a broken spec?): " + collect_errors[0]
    elif not done:
        where = f" while running {running[-1]}" if running else ""
        result.status = ERROR
        result.message = (
            f"the spec process ended abruptly with exit code {exit_code}{where}: did the code "
            "call os._exit(), or crash the interpreter?"
        )
    elif exit_code in PYTEST_EXIT_MESSAGES:
        result.status = ERROR
        result.message = PYTEST_EXIT_MESSAGES[exit_code]
    else:
        problem = next((s for s in specs if s.status == ERROR), None) or next(
            (s for s in specs if s.status == FAIL), None
        )
        if problem is not None:
            result.status = problem.status
            result.message = problem.message
        elif not specs:
            result.status = ERROR
            result.message = PYTEST_EXIT_MESSAGES[5]
    return result


def _spec_from_event(event: dict) -> SpecResult:
    fields = {k: v for k, v in event.items() if k in SpecResult.__dataclass_fields__}
    return SpecResult(**fields)
