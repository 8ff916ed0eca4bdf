"""`dev bench`: the speed figures the learner feels, measured on this machine in one run.

1. `check` of every kata against the solutions (a process per kata, forked from warm workers)
   against one plain pytest process running the same specs with no isolation (target: <= 1.2x),
   and against `pytest -n JOBS` (pytest-xdist, the parallel runner a user would pick).
2. In `watch`, a save to the redrawn verdict of kata 01 (no timing specs) against a cold pytest
   run of that kata's specs. Target: < 0.5x.
3. `python -m checker list`, the checker's own start. Target: < 0.3 s.
4. The OS sandbox's cost: check and watch with the sandbox on and off, in the same run (runs
   interleaved, so a busy moment hits both alike). Target: on <= 1.10x off.

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


def xdist_command(catalog: Catalog, spec_dirs: list[Path], jobs: int) -> list[str]:
    return [*plain_pytest_command(catalog, spec_dirs), "-p", "xdist.plugin", "-n", str(jobs)]


def bench_check(catalog: Catalog, repeats: int, jobs: int, sandbox: bool) -> dict[str, float]:
    """Medians: plain pytest, pytest -n JOBS, check with the sandbox off (and on)."""
    spec_dirs = [k.spec_dir for k in catalog.katas]
    commands = {"plain": plain_pytest_command(catalog, spec_dirs)}
    if _has_xdist():
        commands["xdist"] = xdist_command(catalog, spec_dirs, jobs)
    for mode in ("off", "required") if sandbox else ("off",):
        commands[f"check-{mode}"] = [
            sys.executable, "-m", "checker", "--root", str(catalog.root), "check",
            "--impl-root", str(catalog.solutions_dir), "--format", "json", "-j", str(jobs),
            "--sandbox", mode,
        ]  # fmt: skip
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):  # interleaved, so that a busy moment hits all alike
        for name, command in commands.items():
            times[name].append(_wall(command, CHECKER_HOME))
    return {name: _median(samples) for name, samples in times.items()}


def _has_xdist() -> bool:
    import importlib.util

    return importlib.util.find_spec("xdist") is not None


def bench_watch(catalog: Catalog, repeats: int, sandbox: bool) -> dict[str, float]:
    """Medians: a cold pytest of the kata, and a save to verdict with the sandbox off (and on);
    the two watch sessions run side by side, their saves alternating."""
    kata = catalog.resolve(WATCH_KATA)
    cold = [
        _wall(plain_pytest_command(catalog, [kata.spec_dir]), CHECKER_HOME) for _ in range(repeats)
    ]
    modes = ("off", "required") if sandbox else ("off",)
    sessions = [_WatchBench(catalog, mode) for mode in modes]
    saves: dict[str, list[float]] = {mode: [] for mode in modes}
    try:
        for index in range(repeats * 2):
            for mode, session in zip(modes, sessions, strict=True):
                saves[mode].append(session.save(index))
    finally:
        for session in sessions:
            session.close()
    return {"cold": _median(cold)} | {f"watch-{m}": _median(saves[m]) for m in modes}


class _WatchBench:
    """A watch session on a copy of the kata, driven by saves that alternate stub and solution."""

    def __init__(self, catalog: Catalog, sandbox: str) -> None:
        from checker.commands.watch import QueueKeys, WatchSession

        kata = catalog.resolve(WATCH_KATA)
        self.scratch = tempfile.TemporaryDirectory(prefix="katas-bench-")
        root = Path(self.scratch.name)
        shutil.copytree(kata.path, root / "katas" / kata.id)
        copy = Catalog.load(root)
        self.app = root / "katas" / kata.id / "app.py"
        self.stub = (kata.path / "app.py").read_bytes()
        self.solved = (catalog.solutions_dir / kata.id / "app.py").read_bytes()
        self.screen, self.keys = io.StringIO(), QueueKeys()
        session = WatchSession(
            copy, copy.katas[0], self.keys, self.screen, clear_screen=False, sandbox=sandbox
        )
        self.thread = threading.Thread(target=session.run, daemon=True)
        self.thread.start()
        _wait_for(lambda: "Status: FAIL" in self.screen.getvalue(), 120)

    def save(self, index: int) -> float:
        solved = index % 2 == 0
        source, verdict = (self.solved, "Status: PASS") if solved else (self.stub, "Status: FAIL")
        mark = len(self.screen.getvalue())
        started = time.perf_counter()
        self.app.write_bytes(source)
        _wait_for(partial(_shown_since, self.screen, verdict, mark), 120)
        took = time.perf_counter() - started
        time.sleep(0.3)
        return took

    def close(self) -> None:
        self.keys.press("q")
        self.thread.join(timeout=30)
        self.scratch.cleanup()


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
    from checker.engine import sandbox as os_sandbox

    decision = os_sandbox.probe()
    both = decision.on
    out(f"Benchmarks on this machine, medians of {repeats} runs ({len(catalog.katas)} katas)")
    out(f"  {decision.describe()}")
    startup = bench_list(catalog, max(repeats, 10))
    out(f"  checker start (`list`):              {startup:6.3f} s    target < 0.300 s")
    watch = bench_watch(catalog, repeats, both)
    out(f"  watch, save to verdict ({WATCH_KATA}): {watch['watch-off']:6.3f} s  (sandbox off)")
    if both:
        out(f"  watch, save to verdict, sandbox on:  {watch['watch-required']:6.3f} s")
    out(f"  cold pytest of the same specs:       {watch['cold']:6.3f} s")
    out(f"    ratio {watch['watch-off'] / watch['cold']:5.2f}                                "
        "target < 0.50")  # fmt: skip
    if both:
        ratio = watch["watch-required"] / watch["watch-off"]
        out(f"    sandbox on / off {ratio:5.2f}                     target <= 1.10")
    check = bench_check(catalog, repeats, jobs, both)
    out(f"  plain pytest, all specs, 1 process:  {check['plain']:6.3f} s")
    if "xdist" in check:
        out(f"  pytest -n {jobs} (xdist), all specs:     {check['xdist']:6.3f} s")
    else:
        out("  pytest -n: pytest-xdist is not installed (pip install -e '.[dev]')")
    out(f"  check, all katas, isolated, -j {jobs}:   {check['check-off']:6.3f} s  (sandbox off)")
    if both:
        out(f"  check, all katas, sandbox on, -j {jobs}: {check['check-required']:6.3f} s")
    out(f"    check / plain pytest {check['check-off'] / check['plain']:5.2f}                "
        "target <= 1.20")  # fmt: skip
    if "xdist" in check:
        out(f"    check / pytest -n {jobs} {check['check-off'] / check['xdist']:5.2f}")
    if both:
        ratio = check["check-required"] / check["check-off"]
        out(f"    sandbox on / off {ratio:5.2f}                     target <= 1.10")
