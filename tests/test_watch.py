"""The watch loop: driven in-process with fed keys, and for real in a pseudo-terminal."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import threading
import time

import pytest

from checker.commands.watch import QueueKeys, WatchSession
from checker.engine.catalog import Catalog
from tests.conftest import GOOD_APP, REPO

STUB = GOOD_APP.replace('{"pong": True}', '{"pong": False}')


class Screen(io.StringIO):
    def wait_for(self, text: str, timeout: float = 60, after: int = 0) -> int:
        """Wait until `text` appears past position `after`; return where it ends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.getvalue().find(text, after)
            if found != -1:
                return found + len(text)
            time.sleep(0.05)
        raise AssertionError(f"{text!r} never appeared; screen:\n{self.getvalue()[-3000:]}")


@pytest.fixture
def session(tree):
    tree.add_kata("01_ping", STUB)
    tree.add_kata("02_pong", STUB)
    tree.add_kata("03_hang", GOOD_APP.replace('return {"pong": True}', "while True:\n        pass"))
    catalog = Catalog.load(tree.root)
    keys, screen = QueueKeys(), Screen()
    watch = WatchSession(catalog, catalog.katas[0], keys, screen, clear_screen=False, poll_s=0.05)
    outcome: list[int] = []
    thread = threading.Thread(target=lambda: outcome.append(watch.run()), daemon=True)
    thread.start()
    yield tree, keys, screen, thread, outcome
    keys.press("q")
    thread.join(timeout=10)


def test_a_save_reruns_the_kata_and_a_pass_shows_the_debrief(session):
    tree, keys, screen, thread, outcome = session
    seen = screen.wait_for("Status: FAIL, 0/2 specs pass")
    assert "First failing spec: test_ping_async" in screen.getvalue()
    assert "Progress: [--------------------] 0/3 katas · 01_ping: not started" in screen.getvalue()
    (tree.root / "katas" / "01_ping" / "app.py").write_text(GOOD_APP)
    seen = screen.wait_for("Status: PASS, 2/2 specs", after=seen)
    assert "Debrief for 01_ping" in screen.getvalue()[seen:]
    seen = screen.wait_for("Progress: [#######-------------] 1/3", after=seen)

    keys.press("h")
    seen = screen.wait_for("Hint 1/2: first", after=seen)
    keys.press("n")
    seen = screen.wait_for("02_pong: 02_pong", after=seen)
    screen.wait_for("Status: FAIL", after=seen)
    keys.press("q")
    thread.join(timeout=10)
    assert outcome == [0]


def test_n_waits_for_a_pass(session):
    _, keys, screen, _, _ = session
    seen = screen.wait_for("Status: FAIL")
    keys.press("n")
    screen.wait_for("n moves on once this kata passes", after=seen)


def test_q_quits_at_once_while_a_kata_hangs(tree):
    tree.add_kata("01_hang", GOOD_APP.replace('return {"pong": True}', "while True:\n        pass"))
    catalog = Catalog.load(tree.root)
    keys, screen = QueueKeys(), Screen()
    watch = WatchSession(catalog, catalog.katas[0], keys, screen, clear_screen=False, poll_s=0.05)
    thread = threading.Thread(target=watch.run, daemon=True)
    thread.start()
    screen.wait_for("Status: running the specs")
    deadline = time.monotonic() + 60
    while (watch._run is None or watch._run.stop is None) and time.monotonic() < deadline:
        time.sleep(0.05)
    warm_server = watch._warm.process
    time.sleep(1.0)  # the worker is now inside the endless handler
    started = time.monotonic()
    keys.press("q")
    thread.join(timeout=10)
    assert not thread.is_alive() and time.monotonic() - started < 3
    # The run was stopped and the warm worker closed, not left running.
    assert warm_server.wait(timeout=5) is not None


def test_watch_in_a_real_terminal_redraws_after_a_save(tree):
    tree.add_kata("01_ping", STUB)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "--root", str(tree.root), "watch", "1"],
        cwd=REPO, stdin=follower, stdout=follower, stderr=follower, start_new_session=True,
        env={**os.environ, "TERM": "xterm"},
    )  # fmt: skip
    os.close(follower)
    screen = b""

    def read_until(text: bytes, timeout: float = 60) -> None:
        nonlocal screen
        deadline = time.monotonic() + timeout
        while text not in screen and time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    screen += os.read(leader, 65536)
                except OSError:
                    break
        assert text in screen, screen[-2000:].decode(errors="replace")

    try:
        read_until(b"Status: FAIL")
        assert b"\x1b[2J" in screen, "a terminal gets its screen cleared and redrawn"
        screen = b""
        (tree.root / "katas" / "01_ping" / "app.py").write_text(GOOD_APP)
        read_until(b"Status: PASS")
        os.write(leader, b"q")
        assert process.wait(timeout=15) == 0
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
