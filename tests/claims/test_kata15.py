"""Kata 15: when the on_event DeprecationWarning shows, and what `uvicorn --reload` restarts."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.claims.quote import REPO, quoted

KATA = "15_lifespan"
STUB_DIR = REPO / "katas" / KATA
WAIT_S = 30.0  # a start or a reload takes a second or two; the bound only stops a stuck test


def import_stub(*python_flags: str) -> str:
    """stderr of a fresh interpreter that imports the kata's stub app.py (which uses on_event)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run(
        [sys.executable, *python_flags, "-c", "import app"],
        cwd=STUB_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stderr


def test_on_event_deprecation_warning_is_hidden_unless_asked_for():
    quoted(KATA, "README.md", "`DeprecationWarning`, which Python hides by default")
    quoted(KATA, "README.md", "with\n`python -W default`")
    quoted(
        KATA, "kata.toml", "which Python shows only under pytest, in __main__ or with -W default"
    )
    assert "DeprecationWarning" not in import_stub()
    shown = import_stub("-W", "default")
    assert "DeprecationWarning" in shown and "on_event is deprecated" in shown, shown


def test_on_event_handlers_are_ignored_when_lifespan_is_given():
    quoted(KATA, "README.md", "silently ignored as soon as an app has a\n`lifespan=`")
    ran = []

    @asynccontextmanager
    async def lifespan(app):
        ran.append("lifespan")
        yield

    app = FastAPI(lifespan=lifespan)
    with pytest.warns(DeprecationWarning, match="on_event is deprecated"):

        @app.on_event("startup")
        def startup():
            ran.append("on_event")

    with TestClient(app):
        pass
    assert ran == ["lifespan"]


def test_lifespan_runs_only_inside_with_testclient():
    quoted(KATA, "kata.toml", "a bare TestClient(app) or httpx.ASGITransport does not")
    started = []

    @asynccontextmanager
    async def lifespan(app):
        started.append(True)
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/")
    def root():
        return {}

    TestClient(app).get("/")
    assert started == []
    with TestClient(app) as client:
        client.get("/")
    assert started == [True]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def worker_pid(url: str, deadline: float, not_pid: int | None = None) -> int:
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            pid = httpx.get(url, timeout=1).json()["pid"]
            if pid != not_pid:
                return pid
        time.sleep(0.05)
    raise TimeoutError(f"no answer from a worker other than {not_pid} at {url}")


def test_reload_starts_a_new_process_with_a_new_app(tmp_path):
    quoted(KATA, "README.md", "(`uvicorn --reload`\n  does not restart the same app")
    quoted(KATA, "kata.toml", "it kills the worker process and starts a new one")
    module = tmp_path / "reloaded.py"
    module.write_text(
        textwrap.dedent(
            """
            import os
            from fastapi import FastAPI

            app = FastAPI()

            @app.get("/")
            def who():
                return {"pid": os.getpid()}
            """
        )
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "reloaded:app", "--reload", "--reload-dir",
         str(tmp_path), "--app-dir", str(tmp_path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        first = worker_pid(url, time.monotonic() + WAIT_S)
        assert first != server.pid, "the app runs in a worker process, not the supervisor"
        module.write_text(module.read_text() + "\n# edited\n")
        later = time.time() + 5
        os.utime(module, (later, later))  # a clearly newer mtime, whatever the clock resolution
        second = worker_pid(url, time.monotonic() + WAIT_S, not_pid=first)
        assert second not in (first, server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
