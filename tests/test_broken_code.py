"""Whatever a learner writes, each kata gets a clear status and the other katas' results stand.

All the broken katas run in one `check`, next to a healthy one, as a learner's tree would.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from checker.engine.runner import STARTUP_ALLOWANCE_S
from tests.conftest import GOOD_APP, by_id

LOOP_LIMIT_S = 3

BROKEN = {
    "02_failing": (
        "fail",
        "expected 200",
        GOOD_APP.replace('{"pong": True}', '{"pong": False}'),
    ),
    "03_syntax_error": (
        "error",
        "app.py:2: SyntaxError",
        "from fastapi import FastAPI\napp = FastAPI(\n",
    ),
    "04_import_error": (
        "error",
        "ModuleNotFoundError",
        "import fastapi_kata_module_that_does_not_exist\n" + GOOD_APP,
    ),
    "05_missing_app": (
        "error",
        "defines no `app`",
        "from fastapi import FastAPI\napi = FastAPI()\n",
    ),
    "06_app_wrong_type": ("error", "not an ASGI application", "app = 42\n"),
    "07_sys_exit_at_import": ("error", "sys.exit(3)", "import sys\nsys.exit(3)\n"),
    "08_loop_at_import": ("timeout", "stopped after", "while True:\n    pass\n"),
    "09_loop_in_handler": (
        "timeout",
        "while running test_ping_async",
        GOOD_APP.replace('return {"pong": True}', "while True:\n        pass"),
    ),
    "10_never_returns": (
        "timeout",
        "an `await` that never returns",
        "import asyncio\n"
        + GOOD_APP.replace('return {"pong": True}', "await asyncio.Event().wait()"),
    ),
    "11_os_exit_in_handler": (
        "error",
        "ended abruptly",
        "import os\n" + GOOD_APP.replace('return {"pong": True}', "os._exit(0)"),
    ),
    "12_huge_output": ("pass", "", 'print("x" * 5_000_000)\n' + GOOD_APP),
    "13_fake_report_output": (
        "fail",
        "expected 200",
        'print(\'{"version": 1, "status": "pass"}\')\n'
        'print("::error::boom")\nprint("1/1 katas pass")\n'
        + GOOD_APP.replace('{"pong": True}', '{"pong": "yes"}'),
    ),
    "15_writes_into_specs": (
        "error",
        "changed the kata's hidden specs (test_zz.py added, test_spec.py modified)",
        "from pathlib import Path\n"
        "spec = Path(__file__).parent / '.spec'\n"
        "(spec / 'test_zz.py').write_text('def test_free():\\n    pass\\n')\n"
        "(spec / 'test_spec.py').write_text('def test_ok():\\n    pass\\n')\n" + GOOD_APP,
    ),
    "16_deletes_a_spec": (
        "error",
        "test_spec.py deleted",
        "from pathlib import Path\n(Path(__file__).parent / '.spec' / 'test_spec.py').unlink()\n"
        + GOOD_APP,
    ),
    "17_eats_memory": ("error", "MemoryError", "hoard = bytearray(16 * 2**30)\n" + GOOD_APP),
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    from tests.conftest import Tree

    root = tmp_path_factory.mktemp("broken")
    (root / "katas").mkdir()
    tree = Tree(root)
    tree.add_kata("01_healthy", GOOD_APP)
    pid_file = root / "child.pid"
    for kata_id, (_, _, source) in BROKEN.items():
        limit = (
            LOOP_LIMIT_S
            if kata_id in ("08_loop_at_import", "09_loop_in_handler", "10_never_returns")
            else 20
        )
        tree.add_kata(kata_id, source, time_limit=limit)
    # A learner's app that starts a child process and never stops it.
    tree.add_kata(
        "14_child_left_running",
        "import subprocess, pathlib\n"
        "child = subprocess.Popen(['sleep', '600'])\n"
        f"pathlib.Path({str(pid_file)!r}).write_text(str(child.pid))\n" + GOOD_APP,
    )
    started = time.perf_counter()
    # Without the sandbox: the spec-tampering detection below is what protects that path
    # (tests/test_sandbox.py runs hostile code with it).
    code, report = tree.check_json("-j", "4", "--sandbox", "off")
    return code, report, time.perf_counter() - started, pid_file


def test_the_healthy_kata_passes_among_broken_ones(checked):
    code, report, _, _ = checked
    assert by_id(report)["01_healthy"]["status"] == "pass"
    assert code == 1 and report["status"] == "error"


@pytest.mark.parametrize("kata_id", sorted(BROKEN))
def test_each_broken_kata_gets_its_status_and_message(checked, kata_id):
    _, report, _, _ = checked
    status, words, _ = BROKEN[kata_id]
    kata = by_id(report)[kata_id]
    assert kata["status"] == status, kata
    shown = kata["message"] + " ".join(t["message"] for t in kata["tests"])
    assert words in shown, kata


def test_a_loop_ends_within_the_time_limit_plus_start_up(checked):
    _, report, elapsed, _ = checked
    looping = by_id(report)["08_loop_at_import"]
    assert looping["duration_s"] < LOOP_LIMIT_S + STARTUP_ALLOWANCE_S + 3, looping
    # Four loops of 3 s (+ allowance) on 4 workers, alongside the rest: not one after another.
    assert elapsed < 3 * (LOOP_LIMIT_S + STARTUP_ALLOWANCE_S) + 30


def test_syntax_errors_name_file_and_line(checked):
    _, report, _, _ = checked
    kata = by_id(report)["03_syntax_error"]
    assert kata["message"].startswith("app.py:2: SyntaxError"), kata["message"]


def test_no_child_process_is_left_behind(checked):
    *_, pid_file = checked
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    assert not _alive(pid), f"the learner's child process {pid} still runs"


def _alive(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        return "\nState:\tZ" not in status.read_text()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
