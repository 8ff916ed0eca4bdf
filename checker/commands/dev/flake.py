"""`dev flake`: run katas many times and report every spec whose verdict changed.

Each round runs the selected katas against the solutions and against the stubs. With --load K,
K busy processes keep the CPU loaded for the whole run, as on a busy laptop or a shared CI box.
A spec is flaky when its status differs between rounds for the same implementation.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from checker.engine.catalog import Catalog, Kata
from checker.engine.results import Role
from checker.engine.runner import run_many


def _burn(stop_at: float) -> None:
    while time.time() < stop_at:
        pass


class CpuLoad:
    """K processes spinning on the CPU until closed (or an hour at most, should we be killed)."""

    def __init__(self, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.workers = [
            context.Process(target=_burn, args=(time.time() + 3600,), daemon=True)
            for _ in range(processes)
        ]
        for worker in self.workers:
            worker.start()

    def close(self) -> None:
        for worker in self.workers:
            worker.terminate()
            worker.join()


def flake(
    catalog: Catalog,
    katas: list[Kata],
    rounds: int,
    load: int,
    parallel: int,
    progress: Callable[[str], None],
) -> dict[tuple[str, str, str], dict[str, int]]:
    """{(implementation, kata, spec): {status: count}} for every spec seen in any round."""
    seen: dict[tuple[str, str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    implementations: list[tuple[Role, Path | None]] = [
        (Role.SOLUTION, catalog.solutions_dir),
        (Role.STUB, None),
    ]
    cpu = CpuLoad(load) if load else None
    try:
        for number in range(1, rounds + 1):
            started = time.perf_counter()
            runs = [(role, kata, root) for role, root in implementations for kata in katas]
            results = run_many([(kata, root) for _, kata, root in runs], parallel)
            for (label, kata, _), result in zip(runs, results, strict=True):
                seen[(label, kata.id, "(kata)")][result.status] += 1
                for spec in result.tests:
                    seen[(label, kata.id, spec.name)][spec.status] += 1
            progress(f"round {number}/{rounds} done in {time.perf_counter() - started:.1f} s")
    finally:
        if cpu is not None:
            cpu.close()
    return seen


def render(seen: dict[tuple[str, str, str], dict[str, int]], rounds: int, load: int) -> str:
    flaky = {key: counts for key, counts in seen.items() if len(counts) > 1}
    katas = sorted({kata for _, kata, _ in seen})
    lines = [
        f"{rounds} rounds of {len(katas)} katas (solutions and stubs), "
        f"{load} extra busy processes: {len(flaky)} specs changed verdict"
    ]
    for (implementation, kata, spec), counts in sorted(flaky.items()):
        tally = ", ".join(f"{status} {count}x" for status, count in sorted(counts.items()))
        lines.append(f"  FLAKY {implementation:<8} {kata:<24} {spec}: {tally}")
    return "\n".join(lines)
