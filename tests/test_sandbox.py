"""Hostile submissions against the OS sandbox: no points, no crash, no hang, nothing left behind.

Every hostile kata's app answers GET /ping correctly only if its attack worked, so a pass means
an escape. All of them run in one `check --sandbox required`, next to a healthy kata and a victim
kata (whose wrong app they try to overwrite); the kata tree and the checker must be unchanged
afterwards and no process of the run may survive it. Skipped, with the reason, where the platform
offers no sandbox.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from checker.engine import sandbox
from checker.engine.runner import KILL_GRACE_S, STARTUP_ALLOWANCE_S
from tests.conftest import GOOD_APP, REPO, Tree, by_id

DECISION = sandbox.probe()
needs_sandbox = pytest.mark.skipif(
    not DECISION.on, reason=f"no OS sandbox on this machine: {DECISION.reason}"
)
pytestmark = needs_sandbox

SECRET = "katas-test-secret-7f3a"  # in the checker's environment; learner code must not see it
WRONG = GOOD_APP.replace('{"pong": True}', '{"pong": False}')


def _app_if(attack: str) -> str:
    """An app whose answer is right only when `attack` (code setting `escaped`) succeeded."""
    return (
        "escaped = False\n"
        + textwrap.dedent(attack)
        + "\n"
        + GOOD_APP.replace('return {"pong": True}', "return {'pong': escaped}")
    )


LIBC = (
    "import ctypes, ctypes.util\n"
    "libc = ctypes.CDLL(ctypes.util.find_library('c'), use_errno=True)\n"
)

HOSTILE: dict[str, str] = {
    "10_remount_rw": LIBC
    + """
import subprocess
MS_REMOUNT, MS_BIND = 32, 4096
escaped = libc.mount(b"none", b"/", None, MS_REMOUNT, None) == 0
escaped |= libc.mount(b"none", b"/", None, MS_REMOUNT | MS_BIND, None) == 0
try:
    done = subprocess.run(["unshare", "-r", "-m", "sh", "-c", "mount -o remount,rw / && touch /x"],
                          capture_output=True)
    escaped |= done.returncode == 0
except OSError:
    pass
""",
    "11_raise_rlimit": """
import resource
for which in (resource.RLIMIT_NPROC, resource.RLIMIT_NOFILE, resource.RLIMIT_FSIZE):
    try:
        resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        escaped = True
    except (ValueError, OSError):
        pass
""",
    "12_read_environ": f"""
import os
from pathlib import Path
escaped = {SECRET!r} in str(os.environ)
for environ in Path("/proc").glob("[0-9]*/environ"):
    try:
        escaped |= {SECRET!r}.encode() in environ.read_bytes()
    except OSError:
        pass
""",
    "13_write_neighbours": """
from pathlib import Path
here = Path(__file__).resolve().parent
good = (here.parent / "01_healthy" / "app.py").read_text()
for target in [here.parent / "02_victim" / "app.py", here.parent / "02_victim" / ".spec" / "x.py",
               here.parent.parent / "checker_was_here.txt"]:
    try:
        target.write_text(good)
        escaped = True
    except OSError:
        pass
import checker, os
try:
    with open(Path(checker.__file__).parent / "inside" / "plugin.py", "a") as plugin:
        plugin.write("# owned")
    escaped = True
except OSError:
    pass
""",
    "14_delete_everything": """
import os, shutil
from pathlib import Path
here = Path(__file__).resolve().parent
own = Path.cwd().parent  # the run's private folder is its own to empty
for root in (here.parent, here.parent.parent, Path("/root"), Path("/home"), Path("/tmp")):
    for path in root.rglob("*"):
        try:
            if path.is_file() and own not in path.parents:
                path.unlink()
                escaped = True
        except OSError:
            pass
""",
    "15_stop_parent": """
import os, signal
os.kill(os.getppid(), signal.SIGSTOP) if os.getppid() > 0 else None
os.kill(0, signal.SIGSTOP)
""",
    "16_kill_parent": """
import os, signal
try:
    os.kill(os.getppid(), signal.SIGKILL) if os.getppid() > 0 else None
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass
""",
    "17_daemonise": """
import os, subprocess, sys
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", "TOKEN"],
                         start_new_session=True)
    os._exit(0)
""",
    "18_fd_tricks": """
import os
forged = (b'{"event": "done", "exit_code": 0}\\n::error::forged\\n::set-output name=score::99\\n'
          b'1/1 katas pass\\n')
for fd in range(3, 1024):
    try:
        os.write(fd, forged)
    except OSError:
        pass
os.closerange(3, 1024)
""",
    "19_symlink_out": """
import os
from pathlib import Path
here = Path(__file__).resolve().parent
good = (here.parent / "01_healthy" / "app.py").read_text()
try:
    os.symlink(here.parent / "02_victim" / "app.py", "victim.py")
    Path("victim.py").write_text(good)
    escaped = True
except OSError:
    pass
try:
    os.symlink("/", "root")
    Path("root/etc/owned").write_text("x")
    escaped = True
except OSError:
    pass
""",
    "20_memory_bomb": """
import os
pids = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        hoard = []
        while True:
            hoard.append(bytearray(64 * 2**20))
    pids.append(pid)
hoard = []
while True:
    hoard.append(bytearray(64 * 2**20))
""",
    "21_fork_bomb": """
import os, time
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
""",
    "22_flood_output": """
import os
chunk = b"x" * 2**20
while True:
    os.write(1, chunk)
""",
    "23_flood_results": """
import os
chunk = b'{"event": "warning", "message": "' + b"x" * 2**20 + b'"}\\n'
while True:
    os.write(3, chunk)
""",
    "24_huge_file": """
chunk = b"x" * 2**20
with open("big", "wb") as big:
    while True:
        big.write(chunk)
""",
    "25_network": """
import socket
try:
    socket.create_connection(("1.1.1.1", 53), timeout=2).close()
    escaped = True
except OSError:
    pass
""",
}
# Small limits where a kata floods, so the test stays quick; the time limit ends the rest.
LIMITS = {
    "20_memory_bomb": "memory_mb = 512",
    "22_flood_output": "file_size_mb = 16",
    "23_flood_results": "file_size_mb = 16",
    "24_huge_file": "private_mb = 16",
}
TIME_LIMITS = {"21_fork_bomb": 3, "20_memory_bomb": 10}


LOOPBACK = """
import socket
server = socket.socket()
server.bind(("127.0.0.1", 0))
server.listen()
client = socket.create_connection(server.getsockname(), timeout=2)
escaped = True
client.close()
server.close()
"""


def _digest(*roots: Path) -> dict[str, str]:
    files = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def _processes_with(token: str) -> list[str]:
    found = []
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            seen = (proc / "cmdline").read_bytes() + (proc / "environ").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if token.encode() in seen and state != "Z" and proc.name != str(os.getpid()):
            found.append(f"{proc.name}: {seen[:120]!r}")
    return found


def _wait_gone(token: str, timeout: float) -> list[str]:
    deadline = time.monotonic() + timeout
    while (left := _processes_with(token)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _run(tree: Tree, token: str, *args: str, timeout: float = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "KATAS_TEST_SECRET": SECRET, "KATAS_TEST_TOKEN": token}
    return subprocess.run(
        [sys.executable, "-m", "checker", "--root", str(tree.root), *args],
        cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env,
        stdin=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    # Unique per run: another pytest (or xdist worker) may run this fixture at the same time.
    token = f"katas-token-{root.name}-{os.getpid()}-{time.monotonic_ns()}"
    (root / "katas").mkdir()
    tree = Tree(root)
    tree.add_kata("01_healthy", GOOD_APP)
    tree.add_kata("02_victim", WRONG)
    tree.add_kata("03_loopback", _app_if(LOOPBACK))  # honest: listens on 127.0.0.1
    for kata_id, attack in HOSTILE.items():
        path = tree.add_kata(
            kata_id, _app_if(attack.replace("TOKEN", token)), time_limit=TIME_LIMITS.get(kata_id, 8)
        )
        if kata_id in LIMITS:
            with (path / "kata.toml").open("a") as toml:
                toml.write(f"\n[limits]\n{LIMITS[kata_id]}\n")
    before = _digest(root / "katas", REPO / "checker")
    started = time.perf_counter()
    done = _run(tree, token, "check", "--format", "json", "-j", "2", "--sandbox", "required")
    elapsed = time.perf_counter() - started
    left = _wait_gone(token, 3)
    after = _digest(root / "katas", REPO / "checker")
    return done, elapsed, left, before, after, tree


def test_the_run_completes_with_a_report_and_no_traceback(hostile):
    done, *_ = hostile
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    report = json.loads(done.stdout)
    assert report["sandbox"]["on"] is True, report["sandbox"]


@pytest.mark.parametrize("kata_id", sorted(HOSTILE))
def test_no_attack_earns_a_point(hostile, kata_id):
    done, *_ = hostile
    kata = by_id(json.loads(done.stdout))[kata_id]
    assert kata["status"] != "pass", kata
    assert not any(t["status"] == "pass" for t in kata["tests"]), kata


def test_neighbours_are_graded_as_usual_and_loopback_works(hostile):
    done, *_ = hostile
    katas = by_id(json.loads(done.stdout))
    assert katas["01_healthy"]["status"] == "pass", katas["01_healthy"]
    assert katas["03_loopback"]["status"] == "pass", katas["03_loopback"]
    assert katas["02_victim"]["status"] == "fail", katas["02_victim"]
    assert "expected 200" in katas["02_victim"]["message"], katas["02_victim"]


def test_the_trusted_tree_and_the_checker_are_unchanged(hostile):
    *_, before, after, tree = hostile
    assert before == after
    assert not (tree.root / "checker_was_here.txt").exists()


def test_no_process_of_the_run_is_left(hostile):
    _, _, left, *_ = hostile
    assert left == [], left


def test_every_kata_ends_within_its_limit_plus_a_few_seconds(hostile):
    done, elapsed, *_ = hostile
    for kata in json.loads(done.stdout)["katas"]:
        # "A few seconds" past the limit, with room for a loaded 2-core machine.
        limit = TIME_LIMITS.get(kata["id"], 20) + STARTUP_ALLOWANCE_S + KILL_GRACE_S + 5
        assert kata["duration_s"] < limit, kata
    assert elapsed < 200


@pytest.mark.parametrize(
    ("kata_id", "words"),
    [
        ("20_memory_bomb", "memory limit"),
        ("21_fork_bomb", "stopped after"),
        ("22_flood_output", "File too large"),
        ("23_flood_results", "results reached the 16 MiB file size limit"),
        ("18_fd_tricks", "do not match how the spec process ended"),
    ],
)
def test_resource_attacks_say_what_happened(hostile, kata_id, words):
    done, *_ = hostile
    kata = by_id(json.loads(done.stdout))[kata_id]
    assert words in kata["message"], kata


def test_another_submission_is_out_of_reach_when_grading(tmp_path):
    """Two submissions graded in one run: the first tries to read and overwrite the second."""
    trusted = Tree(tmp_path / "trusted")
    (trusted.root / "katas").mkdir(parents=True)
    trusted.add_kata("01_ping", WRONG)
    attack = """
    from pathlib import Path
    for other in Path("/tmp").glob("katas-grade-*/*/01_ping/app.py"):
        try:
            other.write_text("# owned")
            escaped = True
        except OSError:
            pass
    for other in Path(__file__).resolve().parents[2].glob("*/01_ping/app.py"):
        if other.resolve() != Path(__file__).resolve():
            escaped = True  # it can see the other submission
    """
    submissions = []
    for name, app in (("a_hostile", _app_if(textwrap.dedent(attack))), ("b_honest", GOOD_APP)):
        folder = tmp_path / name / "katas" / "01_ping"
        folder.mkdir(parents=True)
        (folder / "app.py").write_text(app)
        submissions.append(str(tmp_path / name))
    done = _run(trusted, "grade-token", "grade", *submissions, "--results-dir", str(tmp_path / "r"))
    assert "Traceback" not in done.stderr, done.stderr
    hostile_report = json.loads((tmp_path / "r" / "a_hostile.json").read_text())
    honest_report = json.loads((tmp_path / "r" / "b_honest.json").read_text())
    assert hostile_report["katas"][0]["status"] == "fail", hostile_report
    assert honest_report["katas"][0]["status"] == "pass", honest_report
    assert hostile_report["sandbox"]["on"] is True


PROCESS_POOL = """
import asyncio as _asyncio
import concurrent.futures as _futures

_POOL = _futures.ProcessPoolExecutor(max_workers=2)


async def run_in_threadpool(func, *args):
    # The CPU-bound work in another process: needs a writable /dev/shm (semaphores) in the sandbox.
    return await _asyncio.get_running_loop().run_in_executor(_POOL, func, *args)
"""


# Kata 12's specs count calls through a local wrapper, which no process pool can pickle (in or out
# of the sandbox); its threadpool solution is checked in the sandbox by `dev verify --sandbox both`.
@pytest.mark.parametrize("kata_id", ["13_concurrency"])
def test_a_process_pool_solution_passes_in_the_sandbox(tmp_path, kata_id):
    solved = tmp_path / kata_id
    solved.mkdir()
    source = (REPO / "solutions" / kata_id / "app.py").read_text()
    assert "from fastapi.concurrency import run_in_threadpool\n" in source
    source = source.replace("from fastapi.concurrency import run_in_threadpool\n", PROCESS_POOL)
    (solved / "app.py").write_text(source)
    done = subprocess.run(
        [sys.executable, "-m", "checker", "check", kata_id, "--impl-root", str(tmp_path),
         "--format", "json", "--sandbox", "required"],
        cwd=REPO, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    report = json.loads(done.stdout)
    assert report["katas"][0]["status"] == "pass", report["katas"][0]


@pytest.mark.skipif(sandbox.probe().on is False, reason="needs the sandbox for `required`")
def test_required_fails_clearly_when_unavailable(tree, monkeypatch):
    from checker.commands.common import UsageError, sandbox_decision

    monkeypatch.setattr(sandbox, "_probed", sandbox.Decision(False, "no namespaces here", ""))
    with pytest.raises(UsageError, match="apparmor_restrict_unprivileged_userns=0"):
        sandbox_decision("required")
    assert sandbox_decision("auto").on is False
    assert sandbox_decision("off").reason.startswith("turned off")


# --- without the sandbox: the grader still survives what it runs ------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals to the parent: POSIX")
def test_without_the_sandbox_a_stopped_or_killed_warm_worker_costs_one_kata(tree):
    tree.add_kata("00_warms_up", GOOD_APP)  # the worker's start-up is not the stopped run's
    signal_parent = "import os, signal\nos.kill(os.getppid(), signal.{})"
    tree.add_kata("01_stops_worker", _app_if(signal_parent.format("SIGSTOP")), time_limit=2)
    tree.add_kata("02_healthy", GOOD_APP)
    tree.add_kata("03_kills_worker", _app_if(signal_parent.format("SIGKILL")))
    tree.add_kata("04_healthy", GOOD_APP)
    _, report = tree.check_json("-j", "1", "--sandbox", "off")
    katas = by_id(report)
    assert katas["01_stops_worker"]["status"] == "timeout", katas["01_stops_worker"]
    assert katas["03_kills_worker"]["status"] == "error", katas["03_kills_worker"]
    assert {katas[k]["status"] for k in ("00_warms_up", "02_healthy", "04_healthy")} == {"pass"}
    stopped = katas["01_stops_worker"]["duration_s"]
    assert stopped < 2 + STARTUP_ALLOWANCE_S + KILL_GRACE_S + 3, katas["01_stops_worker"]


# --- Ctrl-C -----------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["check", "grade", "watch"])
def test_ctrl_c_stops_every_process_within_a_second(tree, tmp_path, verb):
    token = f"katas-ctrl-c-{verb}-{tmp_path.name}"
    spin = f"""
    import subprocess, sys
    subprocess.Popen([sys.executable, "-c", "while True: pass", {token!r}])
    while True:
        pass
    """
    tree.add_kata("01_spins", _app_if(textwrap.dedent(spin)), time_limit=120)
    tree.add_kata("02_spins_too", _app_if(textwrap.dedent(spin)), time_limit=120)
    args = {
        "check": ["check", "-j", "2"],
        "grade": ["grade", str(tree.root), "--sandbox", "auto"],
        "watch": ["watch", "01"],
    }[verb]
    env = {**os.environ, "KATAS_TEST_TOKEN": token}
    process = subprocess.Popen(
        [sys.executable, "-m", "checker", "--root", str(tree.root), *args],
        cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        # The learner's spinning child: its command line carries the token.
        while not any("while True" in p for p in _processes_with(token)):
            assert time.monotonic() < deadline, "the run never started"
            time.sleep(0.05)
        process.send_signal(signal.SIGINT)
        stopped = time.monotonic()
        _, stderr = process.communicate(timeout=10)
        left = _wait_gone(token, 1.0 - (time.monotonic() - stopped))
        took = time.monotonic() - stopped
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert left == [], left
    assert took < 1.0, took
    assert "Traceback" not in stderr, stderr
    assert stderr.strip().splitlines() == ["Interrupted: every run was stopped."], stderr
    assert process.returncode == 130
