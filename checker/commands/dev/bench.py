"""`dev bench`: the speed figures the learner feels, measured on this machine in one run.

1. `check` of every kata against the solutions (a process per kata, forked from warm workers)
   against one plain pytest process running the same specs with no isolation. Target: <= 1.2x.
2. In `watch`, a save to the redrawn verdict of kata 01 (no timing specs) against a cold pytest
   run of that kata's specs. Target: < 0.5x.
3. `python -m checker list`, the checker's own start. Target: < 0.3 s.

Medians of several runs; figures printed, never asserted (a benchmark, not a test).
"""

from __future__ import annotations

import io
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from checker.engine.catalog import Catalog
from checker.engine.runner import CHECKER_HOME, worker_env
from checker.inside.worker import SPEC_CONFIG

WATCH_KATA = "01_path_params"


def _wall(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, env=worker_env(), stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, check=False)  # fmt: skip
    return time.perf_counter() - started


def plain_pytest_command(catalog: Catalog, spec_dirs: list[Path]) -> list[str]:
    return [
        sys.executable, "-m", "pytest", "-c", str(SPEC_CONFIG), "--rootdir", str(catalog.root),
        "-p", "pytest_asyncio.plugin", "-p", "checker.inside.plugin", "-p", "no:cacheprovider",
        "--import-mode=importlib", "-q", "--impl-root", str(catalog.solutions_dir),
        *map(str, spec_dirs),
    ]  # fmt: skip


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


def bench_check(catalog: Catalog, repeats: int, jobs: int) -> tuple[float, float]:
    plain = plain_pytest_command(catalog, [k.spec_dir for k in catalog.katas])
    checked = [
        sys.executable, "-m", "checker", "--root", str(catalog.root), "check",
        "--impl-root", str(catalog.solutions_dir), "--format", "json", "-j", str(jobs),
    ]  # fmt: skip
    plain_times, check_times = [], []
    for _ in range(repeats):  # interleaved, so that a busy moment hits both alike
        plain_times.append(_wall(plain, CHECKER_HOME))
        check_times.append(_wall(checked, CHECKER_HOME))
    return _median(plain_times), _median(check_times)


def bench_watch(catalog: Catalog, repeats: int) -> tuple[float, float]:
    from checker.commands.watch import QueueKeys, WatchSession

    kata = catalog.resolve(WATCH_KATA)
    cold = [
        _wall(plain_pytest_command(catalog, [kata.spec_dir]), CHECKER_HOME) for _ in range(repeats)
    ]
    with tempfile.TemporaryDirectory(prefix="katas-bench-") as scratch:
        root = Path(scratch)
        shutil.copytree(kata.path, root / "katas" / kata.id)
        copy = Catalog.load(root)
        stub = (kata.path / "app.py").read_bytes()
        solved = (catalog.solutions_dir / kata.id / "app.py").read_bytes()
        screen, keys = io.StringIO(), QueueKeys()
        session = WatchSession(copy, copy.katas[0], keys, screen, clear_screen=False)
        thread = threading.Thread(target=session.run, daemon=True)
        thread.start()
        _wait_for(lambda: "Status: FAIL" in screen.getvalue(), 120)
        saves = []
        for index in range(repeats * 2):
            source, verdict = (solved, "Status: PASS") if index % 2 == 0 else (stub, "Status: FAIL")
            mark = len(screen.getvalue())
            started = time.perf_counter()
            (root / "katas" / kata.id / "app.py").write_bytes(source)
            _wait_for(partial(_shown_since, screen, verdict, mark), 120)
            saves.append(time.perf_counter() - started)
            time.sleep(0.3)
        keys.press("q")
        thread.join(timeout=30)
    return _median(cold), _median(saves)


def bench_list(catalog: Catalog, repeats: int) -> float:
    command = [sys.executable, "-m", "checker", "--root", str(catalog.root), "list"]
    return _median([_wall(command, CHECKER_HOME) for _ in range(repeats)])


def _shown_since(screen: io.StringIO, text: str, mark: int) -> bool:
    return text in screen.getvalue()[mark:]


def _wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the watch loop did not redraw in time")
        time.sleep(0.005)


def run(catalog: Catalog, repeats: int, jobs: int, out: Callable[[str], None]) -> None:
    out(f"Benchmarks on this machine, medians of {repeats} runs ({len(catalog.katas)} katas)")
    startup = bench_list(catalog, max(repeats, 10))
    out(f"  checker start (`list`):              {startup:6.3f} s    target < 0.300 s")
    cold, save = bench_watch(catalog, repeats)
    out(f"  watch, save to verdict ({WATCH_KATA}): {save:6.3f} s")
    out(f"  cold pytest of the same specs:       {cold:6.3f} s")
    out(f"    ratio {save / cold:5.2f}                                target < 0.50")
    plain, checked = bench_check(catalog, repeats, jobs)
    out(f"  plain pytest, all specs, 1 process:  {plain:6.3f} s")
    out(f"  check, all katas, isolated, -j {jobs}:   {checked:6.3f} s")
    out(f"    ratio {checked / plain:5.2f}                                target <= 1.20")
