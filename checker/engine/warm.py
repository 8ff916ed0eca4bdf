"""A warm worker: imports pytest, FastAPI and their kin once, then forks a fresh child per kata run.

Each run still gets a process of its own (the fork), in its own session so a kill reaches every
process the learner's code started; only the import time is saved, which is most of the cost of a
small kata. The server stays single-threaded so that forking it is safe.

Protocol, one JSON object per line: the server says {"ready": true}; for each job the runner sends
{"spec_dir", "results_file", "impl_root", "output_file", "cwd"} and the server answers
{"pid": N} when the child starts and {"exit": code} when it ends (-signal when killed).
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from checker.engine.job import Job

# What most katas import; a missing one is skipped.
PRELOAD = (
    "pytest",
    "fastapi",
    "fastapi.testclient",
    "fastapi.security",
    "starlette.testclient",
    "pydantic",
    "pydantic_settings",
    "httpx",
    "anyio",
    "asgi_lifespan",
    "sqlalchemy",
    "pytest_asyncio.plugin",
    "checker.inside.plugin",
    "checker.inside.worker",
)


# The descriptor the results are written to, in every worker process.
RESULTS_FD = 3
MAX_FD = 65536


class WarmWorkerError(Exception):
    """The warm worker died or broke the protocol; the caller falls back to a cold process."""


class WarmWorker:
    """The runner's side: one server process, one job at a time."""

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "checker.engine.warm"],
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            bufsize=1,
            start_new_session=True,
        )
        self._ready = False
        self._closed = False

    def _read(self, timeout: float | None) -> dict[str, Any] | None:
        assert self.process.stdout is not None
        if self.process.stdout.closed:
            raise WarmWorkerError("the warm worker was closed")
        if timeout is not None:
            ready, _, _ = select.select([self.process.stdout], [], [], max(0.0, timeout))
            if not ready:
                return None
        line = self.process.stdout.readline()
        if not line:
            raise WarmWorkerError("the warm worker exited")
        answer = json.loads(line)
        if not isinstance(answer, dict):
            raise WarmWorkerError(f"unexpected answer from the warm worker: {line!r}")
        return answer

    def ensure_ready(self) -> None:
        """Wait until the server has done its imports (raises WarmWorkerError if it never does)."""
        if not self._ready:
            if self._read(timeout=120) is None:
                raise WarmWorkerError("the warm worker did not start in time")
            self._ready = True

    def start(self, job: Job) -> int:
        """Send a job; return the pid of the child running it."""
        self.ensure_ready()
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(job.to_json() + "\n")
            self.process.stdin.flush()
        except (OSError, ValueError) as exc:  # ValueError: the pipe was closed by close()
            raise WarmWorkerError(f"the warm worker cannot be reached: {exc}") from None
        answer = self._read(timeout=60)
        if not answer or "pid" not in answer:
            raise WarmWorkerError(f"unexpected answer from the warm worker: {answer}")
        return int(answer["pid"])

    def wait(self, timeout: float | None) -> int | None:
        """The child's exit code, or None if it is still running after `timeout` seconds."""
        answer = self._read(timeout)
        if answer is None:
            return None
        return int(answer["exit"])

    def alive(self) -> bool:
        return self.process.poll() is None and not self._closed

    def close(self) -> None:
        self._closed = True
        for pipe in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                if pipe is not None:
                    pipe.close()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()


# --- the server side --------------------------------------------------------------------------


def _preload() -> None:
    for name in PRELOAD:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    # pytest's own plugins, which it would otherwise import at the start of every run.
    with contextlib.suppress(Exception):
        from _pytest.config import default_plugins

        for name in default_plugins:
            importlib.import_module(f"_pytest.{name}")
    # pytest runs gc.collect() around a session; frozen, the preloaded objects are not walked
    # again in every child (and stay shared, copy-on-write, between the forks).
    gc.freeze()


def _child(job: Job, channel_fds: tuple[int, int]) -> None:
    """In the forked child: become a plain worker process for one kata, then exit.

    Everything before run_specs is trusted code: the results descriptor is opened here, every
    other inherited descriptor closed, and the sandbox (if the job has one) entered.
    """
    try:
        os.setsid()
        for fd in channel_fds:
            os.close(fd)
        null = os.open(os.devnull, os.O_RDONLY)
        output = os.open(job.output_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        results = os.open(job.results_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(null, 0)
        os.dup2(output, 1)
        os.dup2(output, 2)
        os.dup2(results, RESULTS_FD)
        os.closerange(3, RESULTS_FD)
        os.closerange(RESULTS_FD + 1, MAX_FD)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the child's whole life
        sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
        os.chdir(job.cwd)
        if job.tmpdir:
            os.environ["TMPDIR"] = job.tmpdir
        signal.signal(signal.SIGINT, signal.default_int_handler)
        from checker.inside.worker import SANDBOX_FAILED, SANDBOX_FAILED_EXIT, exit_like, run_specs

        impl_root = Path(job.impl_root) if job.impl_root else None

        def target() -> int:
            return run_specs(Path(job.spec_dir), RESULTS_FD, impl_root, job.exit_first)

        if not job.sandbox:
            code = target()
        else:
            from checker.engine import sandbox

            try:
                code = exit_like(sandbox.run_sandboxed(sandbox.Plan.from_json(job.sandbox), target))
            except sandbox.SandboxError as exc:
                print(f"{SANDBOX_FAILED} {exc}", file=sys.stderr)
                code = SANDBOX_FAILED_EXIT
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(3)


def serve() -> None:
    sys.dont_write_bytecode = True
    _preload()
    requests, answers = sys.stdin, sys.stdout
    answers.write(json.dumps({"ready": True}) + "\n")
    answers.flush()
    for line in requests:
        job = Job.from_json(line)
        pid = os.fork()
        if pid == 0:
            _child(job, (requests.fileno(), answers.fileno()))
        answers.write(json.dumps({"pid": pid}) + "\n")
        answers.flush()
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        answers.write(json.dumps({"exit": code}) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve()
