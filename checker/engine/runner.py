"""Running one kata: its specs in a process of its own, under its time limit, turned into a result.

Every verb that runs specs (check, dev verify, and later watch and grade) goes through run_kata,
so isolation, time limits and the reading of results are decided here only.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

from checker.engine import layout, sandbox
from checker.engine.catalog import Kata
from checker.engine.job import Job
from checker.engine.results import KataResult, SpecResult, Status, read_events, spec_from_event
from checker.engine.warm import RESULTS_FD, WarmWorker, WarmWorkerError
from checker.inside.worker import SANDBOX_FAILED, SANDBOX_FAILED_EXIT

# The folder holding this checker package: workers import the checker from here, whichever
# catalog (project root) they run specs from.
CHECKER_HOME = Path(__file__).resolve().parents[2]
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
    on_start: Callable[[Callable[[], None]], None] | None = None,
    warm: WarmWorker | None = None,
    *,
    exit_first: bool = False,
    limit_s: float | None = None,
    prepare_specs: Callable[[Path], None] | None = None,
    sandboxed: bool = False,
) -> KataResult:
    """Run `kata`'s specs against impl_root/<kata.id> (or the kata folder) in a fresh process.

    With `warm`, the process is forked from that warm worker (imports already done); without,
    it is a new interpreter. With `sandboxed`, the run enters the OS sandbox
    (checker.engine.sandbox; the caller has checked it is available). `on_start` receives a
    function that stops the run at once (the watch loop uses it when the learner quits or saves).
    `exit_first` stops at the first failing spec; `limit_s` replaces the kata's limit plus
    start-up allowance (`dev mutants`). `prepare_specs` may change the run's private copy of the
    spec folder before the run starts (grade plants canaries there).
    """
    if kata.load_error:
        return KataResult(id=kata.id, status=Status.ERROR, message=kata.load_error)
    if INTERRUPTED.is_set():
        return KataResult(id=kata.id, status=Status.ERROR, message="interrupted")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix=f"katas-{kata.id}-", ignore_cleanup_errors=True) as tmp:
        scratch_dir = Path(tmp)
        # The sandbox's non-root uid passes through (but cannot list) the scratch folder.
        scratch_dir.chmod(0o711)
        private = scratch_dir / "private"  # in the sandbox: a size-bounded tmpfs
        work_dir = private / "cwd"  # the learner's relative paths land here, not in the repo
        work_dir.mkdir(parents=True)
        (private / "tmp").mkdir()
        # The specs run from a private copy of the kata folder: code under test that writes into
        # or deletes from .spec changes nothing that the next run (or the next fork graded) sees.
        kata_copy = scratch_dir / "kata" / kata.id
        shutil.copytree(kata.path, kata_copy, ignore=shutil.ignore_patterns("__pycache__"))
        if prepare_specs is not None:
            prepare_specs(layout.spec_dir(kata_copy))
        # Without the sandbox the code under test could edit the kata's specs: detect it.
        specs_before = None if sandboxed else _snapshot(kata.spec_dir)
        impl = (impl_root or kata.path.parent).resolve()
        cgroups: list[Path] = []
        plan = ""
        if sandboxed:
            limits = kata_limits(kata)
            cgroups = sandbox.make_cgroups(f"katas-{os.getpid()}-{next(_RUN_NUMBERS)}", limits)
            plan = sandbox.Plan(
                private=str(private),
                expose=(*sandbox.exposed_paths(), str(CHECKER_HOME), str(kata_copy),
                        str(impl / kata.id)),
                limits=limits,
                cgroups=tuple(map(str, cgroups)),
            ).to_json()  # fmt: skip
        job = Job(
            spec_dir=str(layout.spec_dir(kata_copy)),
            results_file=str(scratch_dir / "results.jsonl"),
            output_file=str(scratch_dir / "output.txt"),
            impl_root=str(impl),
            cwd=str(work_dir),
            exit_first=exit_first,
            tmpdir=str(private / "tmp"),
            sandbox=plan,
        )
        limit = limit_s if limit_s is not None else kata.time_limit_s + STARTUP_ALLOWANCE_S
        try:
            run: _WarmRun | _ColdRun | None = _start_warm(warm, job) if warm else None
            if run is None:
                if INTERRUPTED.is_set():
                    return KataResult(id=kata.id, status=Status.ERROR, message="interrupted")
                run = _ColdRun(job)
            _ACTIVE.add(run)
            if on_start is not None:
                on_start(run.stop)
            exit_code = run.wait(limit)
            timed_out = exit_code is None
            if timed_out:
                run.stop()
                exit_code = run.wait(KILL_GRACE_S)
            run.stop()  # children the learner's code left running
            _ACTIVE.discard(run)
            out_of_memory = sandbox.ran_out_of_memory(cgroups)
        finally:
            if sandboxed:
                sandbox.kill_cgroups(cgroups)
                # A fork bomb's processes take a while to be reaped: not on the run's clock.
                threading.Thread(
                    target=sandbox.remove_cgroups, args=(cgroups,), daemon=True
                ).start()
        cap = kata_limits(kata).file_size_mb * sandbox.MIB if sandboxed else 0
        flooded = [
            what
            for what, path in (("output", job.output_file), ("results", job.results_file))
            if cap and _size(Path(path)) >= cap
        ]
        tampered = [] if specs_before is None else _changes(specs_before, _snapshot(kata.spec_dir))
        output_tail = _tail(Path(job.output_file))
        result = _interpret(
            kata,
            read_events(job.results_path),
            exit_code=exit_code if exit_code is not None else -9,
            timed_out=timed_out,
            limit_s=limit,
            output_tail=output_tail,
        )
    if exit_code == SANDBOX_FAILED_EXIT and SANDBOX_FAILED in output_tail:
        reason = output_tail.split(SANDBOX_FAILED, 1)[1].strip().splitlines()[0]
        result.status = Status.ERROR
        result.message = f"the run could not enter the sandbox: {reason}"
    elif out_of_memory and result.status != Status.PASS:
        result.status = Status.ERROR
        result.message = (
            f"the run used more than its memory limit ({kata_limits(kata).memory_mb} MiB) and "
            "was stopped: a runaway allocation, or processes that keep growing?"
        )
    elif flooded and result.status != Status.PASS:
        result.status = Status.ERROR
        result.message = (
            f"the run's {' and '.join(flooded)} reached the {kata_limits(kata).file_size_mb} MiB "
            "file size limit and was cut: is something printing in a loop?"
        )
    if tampered:
        result.status = Status.ERROR
        result.message = (
            f"the code under test changed the kata's hidden specs ({', '.join(tampered)}); this "
            "run used an untouched copy, but restore them (`git checkout "
            f"{kata.layout.relative(kata.spec_dir)}`) and leave them alone"
        )
    result.duration_s = time.perf_counter() - started
    return result


# Past a kill: how long a run's processes may take to go before its warm worker is given up.
KILL_GRACE_S = 5.0
_RUN_NUMBERS = itertools.count()
# Every run and warm worker alive, so an interrupt (Ctrl-C) can stop them all at once.
_ACTIVE: set[_WarmRun | _ColdRun] = set()
_WORKERS: set[WarmWorker] = set()
INTERRUPTED = threading.Event()


def kata_limits(kata: Kata) -> sandbox.Limits:
    extra = kata.meta.limits if kata.meta is not None else {}
    return sandbox.Limits(**extra)


def stop_everything() -> None:
    """Ctrl-C: no new run starts; every run and warm worker is killed now."""
    INTERRUPTED.set()
    for run in list(_ACTIVE):
        run.stop()
    for worker in list(_WORKERS):
        worker.close()


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _changes(before: dict[str, bytes], after: dict[str, bytes]) -> list[str]:
    changed = [f"{name} deleted" for name in before if name not in after]
    changed += [f"{name} added" for name in after if name not in before]
    changed += [
        f"{name} modified" for name in before if name in after and before[name] != after[name]
    ]
    return changed


class _ColdRun:
    """The worker as a new interpreter: `python -m checker.inside.worker`."""

    def __init__(self, job: Job) -> None:
        command = [sys.executable, "-m", "checker.inside.worker", job.spec_dir, str(RESULTS_FD)]
        if job.impl_root:
            command += ["--impl-root", job.impl_root]
        if job.exit_first:
            command.append("--exit-first")
        if job.sandbox:
            command += ["--sandbox", job.sandbox]
        env = worker_env()
        env["TMPDIR"] = job.tmpdir
        with (
            open(job.output_file, "wb") as output,
            open(job.results_file, "ab") as results,
        ):
            os.chmod(job.results_file, 0o600)
            self.process = subprocess.Popen(
                command,
                cwd=job.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # one process group: a kill reaches the learner's children
                preexec_fn=partial(os.dup2, results.fileno(), RESULTS_FD),
                pass_fds=(RESULTS_FD,),
            )

    def wait(self, timeout: float | None) -> int | None:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        _kill_group(self.process.pid)


class _WarmRun:
    """The worker as a fork of a warm worker (see checker.engine.warm)."""

    def __init__(self, warm: WarmWorker, pid: int) -> None:
        self.warm, self.pid = warm, pid
        self.exit_code: int | None = None

    def wait(self, timeout: float | None) -> int | None:
        if self.exit_code is None:
            try:
                self.exit_code = self.warm.wait(timeout)
            except (WarmWorkerError, ValueError, OSError):
                # The warm worker died or was stopped by the run: give it up; the run ended.
                self.warm.close()
                self.exit_code = -signal.SIGKILL
            if self.exit_code is None and timeout == KILL_GRACE_S:
                self.warm.close()  # killed, yet no answer: the worker itself is stuck
                self.exit_code = -signal.SIGKILL
        return self.exit_code

    def stop(self) -> None:
        _kill_group(self.pid)


def _start_warm(warm: WarmWorker, job: Job) -> _WarmRun | None:
    try:
        return _WarmRun(warm, warm.start(job))
    except WarmWorkerError:
        warm.close()  # broken: its owner starts a new one, and this run goes cold
        return None


def run_many(
    jobs: Iterable[tuple[Kata, Path | None]],
    parallel: int,
    on_result: Callable[[KataResult], None] | None = None,
    warm: bool = True,
    *,
    exit_first: bool = False,
    limits: Mapping[str, float] | None = None,
    on_job_result: Callable[[int, KataResult], None] | None = None,
    prepare_specs: Callable[[Kata, Path | None, Path], None] | None = None,
    sandboxed: bool = False,
) -> list[KataResult]:
    """Run (kata, impl_root) jobs, `parallel` at a time; results in the order of `jobs`.

    With `warm`, each of the `parallel` slots keeps one warm worker and forks every run from it.
    `exit_first` and `limits` (seconds by kata id) are passed on to run_kata. `on_job_result`
    receives each result as it comes, with the index of its job.
    `prepare_specs(kata, impl_root, spec_copy)`: see run_kata. A warm worker that a run broke is
    replaced. Ctrl-C stops every run and re-raises.
    """
    jobs = list(jobs)
    slots = max(1, min(parallel, len(jobs)))
    idle: queue.Queue[WarmWorker | None] = queue.Queue()
    for _ in range(slots):
        idle.put(new_warm_worker() if warm else None)

    def one(index: int, job: tuple[Kata, Path | None]) -> KataResult:
        worker = idle.get()
        if worker is not None:
            # Not part of the run's time: a run's duration is its own (dev mutants scales by it).
            with contextlib.suppress(WarmWorkerError):
                worker.ensure_ready()
        try:
            if worker is not None and not worker.alive() and not INTERRUPTED.is_set():
                worker = new_warm_worker()
            limit = limits.get(job[0].id) if limits is not None else None
            prepare = (
                None if prepare_specs is None else lambda copy: prepare_specs(job[0], job[1], copy)
            )
            result = run_kata(
                job[0],
                job[1],
                warm=worker,
                exit_first=exit_first,
                limit_s=limit,
                prepare_specs=prepare,
                sandboxed=sandboxed,
            )
        finally:
            idle.put(worker)
        if on_result is not None and not INTERRUPTED.is_set():
            on_result(result)
        if on_job_result is not None:
            on_job_result(index, result)
        return result

    pool = ThreadPoolExecutor(max_workers=slots)
    try:
        return list(pool.map(one, range(len(jobs)), jobs))
    except KeyboardInterrupt:
        stop_everything()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        while not idle.empty():
            worker = idle.get()
            if worker is not None:
                worker.close()
                _WORKERS.discard(worker)


def new_warm_worker() -> WarmWorker:
    worker = WarmWorker(worker_env(), CHECKER_HOME)
    _WORKERS.add(worker)
    return worker


def worker_env() -> dict[str, str]:
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


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


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
    events: list[dict[str, Any]],
    *,
    exit_code: int,
    timed_out: bool,
    limit_s: float,
    output_tail: str,
) -> KataResult:
    specs = [spec for e in events if e.get("event") == "spec" and (spec := _spec(e)) is not None]
    warnings = [str(e.get("message")) for e in events if e.get("event") == "warning"]
    collect_errors = [str(e.get("message")) for e in events if e.get("event") == "collect_error"]
    done_events = [e for e in events if e.get("event") == "done"]
    done = bool(done_events)
    reported_exit = done_events[-1].get("exit_code") if done else None
    finished = {s.name for s in specs}
    started = [str(e.get("name")) for e in events if e.get("event") == "start"]
    running = [name for name in started if name not in finished]
    result = KataResult(id=kata.id, status=Status.PASS, tests=specs, warnings=warnings)
    result.output_tail = output_tail if (timed_out or not done or collect_errors) else ""

    if timed_out:
        where = f" while running {running[-1]}" if running else ""
        result.status = Status.TIMEOUT
        result.message = (
            f"stopped after {limit_s:.0f} s{where}: an infinite loop, a blocking call or an "
            "`await` that never returns? Specs that had finished are listed."
        )
    elif collect_errors:
        result.status = Status.ERROR
        result.message = "a spec file failed to load (a broken spec?): " + collect_errors[0]
    elif not done:
        where = f" while running {running[-1]}" if running else ""
        result.status = Status.ERROR
        result.message = (
            f"the spec process ended abruptly with exit code {exit_code}{where}: did the code "
            "call os._exit(), or crash the interpreter?"
        )
    elif exit_code >= 0 and reported_exit != exit_code:
        result.status = Status.ERROR
        result.message = (
            f"the results do not match how the spec process ended (it exited with {exit_code}, "
            f"the results say {reported_exit}): something else wrote to the results channel"
        )
    elif exit_code in PYTEST_EXIT_MESSAGES:
        result.status = Status.ERROR
        result.message = PYTEST_EXIT_MESSAGES[exit_code]
    else:
        problem = next((s for s in specs if s.status == Status.ERROR), None) or next(
            (s for s in specs if s.status == Status.FAIL), None
        )
        if problem is not None:
            result.status = problem.status
            result.message = problem.message
        elif not specs:
            result.status = Status.ERROR
            result.message = PYTEST_EXIT_MESSAGES[5]
    return result


def _spec(event: dict[str, Any]) -> SpecResult | None:
    try:
        return spec_from_event(event)
    except (KeyError, TypeError, ValueError):
        return None  # a line that is not one of ours
