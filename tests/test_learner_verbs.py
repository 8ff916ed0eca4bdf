"""The learner's verbs: hint, next, reset, solution, list filters, the debrief, serve."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import httpx

from tests.conftest import GOOD_APP, REPO, STUB, solve


def test_hint_reveals_one_more_each_time_and_remembers(two):
    first = two.run("hint", "1").stdout
    assert "Hint 1/2: first" in first and "Hint 2/2" not in first
    second = two.run("hint", "ping").stdout
    assert "Hint 1/2: first" in second and "Hint 2/2: second" in second
    assert "last hint" in second


def test_hint_all_shows_every_hint(two):
    out = two.run("hint", "2", "--all").stdout
    assert "Hint 1/2: first" in out and "Hint 2/2: second" in out


def test_next_names_the_first_kata_not_passing_and_its_readme(two):
    solve(two, "01_ping")
    two.run("check")
    out = two.run("next").stdout
    assert "02_pong" in out and "katas/02_pong/README.md" in out


def test_reset_restores_the_stub_without_git(two):
    assert not (two.root / ".git").exists()
    solve(two, "01_ping")
    done = two.run("reset", "1", "--yes")
    assert done.returncode == 0 and "Restored 01_ping" in done.stdout
    assert (two.root / "katas" / "01_ping" / "app.py").read_text().strip() == STUB.strip()


def test_reset_asks_first_and_changes_nothing_without_an_answer(two):
    solve(two, "01_ping")
    done = two.run("reset", "--all")  # stdin is not a terminal: no confirmation possible
    assert done.returncode == 1 and "--yes" in done.stdout
    assert 'pong": True' in (two.root / "katas" / "01_ping" / "app.py").read_text()


def test_reset_all(two):
    solve(two, "01_ping")
    solve(two, "02_pong")
    two.run("reset", "--all", "--yes")
    for kata_id in ("01_ping", "02_pong"):
        assert "False" in (two.root / "katas" / kata_id / "app.py").read_text()


def test_solution_refuses_before_the_kata_passes_and_says_how_anyway(two):
    done = two.run("solution", "1")
    assert done.returncode == 1
    assert "--show-anyway" in done.stdout and "pong" not in done.stdout.split("anyway")[-1]
    assert "True" in two.run("solution", "1", "--show-anyway").stdout


def test_solution_opens_once_the_kata_passes(two):
    solve(two, "01_ping")
    two.run("check", "1")
    done = two.run("solution", "1")
    assert done.returncode == 0 and "solutions/01_ping/app.py" in done.stdout


def test_checking_one_passing_kata_shows_its_debrief(two):
    solve(two, "01_ping")
    out = two.run("check", "01").stdout
    assert "Debrief for 01_ping" in out and "1. q" in out and "   a" in out


def test_list_filters_by_status_and_track(two):
    solve(two, "01_ping")
    two.run("check")
    pending = two.run("list", "--pending").stdout
    assert "02_pong" in pending and "01_ping" not in pending
    done = two.run("list", "--done").stdout
    assert "01_ping" in done and "02_pong" not in done
    assert "Progress: [##########----------] 1/2" in done
    assert "01_ping" not in two.run("list", "--track", "security").stdout


def test_serve_runs_the_learners_app_on_loopback(two):
    solve(two, "01_ping")
    port = 8765 + os.getpid() % 500
    command = ["serve", "1", "--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "--root", str(two.root), *command],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline, answer = time.monotonic() + 30, None
        while time.monotonic() < deadline and answer is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/ping", timeout=1)
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None and answer.json() == {"pong": True}
        docs = httpx.get(f"http://127.0.0.1:{port}/docs", timeout=2)
        assert docs.status_code == 200 and "://" not in docs.text  # no CDN: works offline
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=10)[0]
    assert f"http://127.0.0.1:{port}/docs" in output


def test_a_pass_recorded_for_an_older_kata_version_is_stale(tree):
    kata = tree.add_kata("01_ping", GOOD_APP)
    (kata / "app.py").write_text(GOOD_APP + "\n# edited\n")  # not the shipped stub
    assert tree.run("check", "01").returncode == 0
    assert "pass" in tree.run("list").stdout
    toml = kata / "kata.toml"
    toml.write_text("version = 2\n" + toml.read_text())  # the contract changed

    listing = tree.run("list").stdout
    assert "passed v1, now v2: check again" in listing, listing
    assert "0/1" in listing, listing
    assert "01_ping" in tree.run("next").stdout

    assert tree.run("check", "01").returncode == 0
    assert "check again" not in tree.run("list").stdout
