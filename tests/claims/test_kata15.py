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


# Imports the stub twice in one fresh interpreter (so the warning filters are Python's defaults):
# first as it is, then after `-W default`'s equivalent. Each import is a new module, so the
# warning is not deduplicated away. stderr shows what a learner's terminal would show.
IMPORT_TWICE = """
import importlib.util, sys, warnings

def load(name):
    spec = importlib.util.spec_from_file_location(name, "app.py")
    spec.loader.exec_module(importlib.util.module_from_spec(spec))

load("stub_with_default_filters")
print("--- -W default ---", file=sys.stderr, flush=True)
warnings.simplefilter("default")
load("stub_with_w_default")
"""


def test_on_event_deprecation_warning_is_hidden_unless_asked_for():
    quoted(KATA, "README.md", "`DeprecationWarning`, which Python hides by default")
    quoted(KATA, "README.md", "with\n`python -W default`")
    quoted(
        KATA, "kata.toml", "which Python shows only under pytest, in __main__ or with -W default"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_TWICE],
        cwd=STUB_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    hidden, shown = done.stderr.split("--- -W default ---")
    assert "DeprecationWarning" not in hidden, hidden
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
            import json
            import os

            # A bare ASGI app: the claim is about the process, and no FastAPI import keeps each
            # (re)start fast on a loaded machine.
            async def app(scope, receive, send):
                assert scope["type"] == "http"
                body = json.dumps({"pid": os.getpid()}).encode()
                await send({"type": "http.response.start", "status": 200, "headers": []})
                await send({"type": "http.response.body", "body": body})
            """
        )
    )
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "reloaded:app", "--reload", "--lifespan", "off"]
    command += ["--reload-dir", str(tmp_path), "--app-dir", str(tmp_path)]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        first = worker_pid(url, time.monotonic() + WAIT_S)
        assert first != server.pid, "the app runs in a worker process, not the supervisor"
        # The reloader takes its first look at the files some time after the worker answers: an
        # edit made before that look is its baseline, not a change. Edit again (a newer mtime each
        # time) until a new worker answers.
        deadline = time.monotonic() + WAIT_S
        second = None
        for attempt in range(1, 1000):
            module.write_text(module.read_text() + f"\n# edit {attempt}\n")
            later = time.time() + 5 * attempt
            os.utime(module, (later, later))  # clearly newer, whatever the clock resolution
            with contextlib.suppress(TimeoutError):
                second = worker_pid(url, min(deadline, time.monotonic() + 2), not_pid=first)
                break
            if time.monotonic() > deadline:
                break
        assert second is not None, f"no new worker answered within {WAIT_S} s of editing the app"
        assert second not in (first, server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
