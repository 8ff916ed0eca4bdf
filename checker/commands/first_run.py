"""The few lines that end the quick start: the set-up worked, where the learner stands, what next.

`nox -s check` runs `check --summary`: on a fresh clone every kata fails (that is the starting
point), so a table of 31 first problems would bury the one thing to do next, and give answers away
before the learner has read a README. The table stays one flag away (`-- --table`).

Katas whose files are still the shipped stubs are not run: `dev verify` proves that every stub
fails, so they are "not started", and running 31 of them would make the set-up wait for nothing.
When nothing was started, the first kata's stub still runs once: that proves the environment
(the kata process imports pytest and FastAPI and runs specs) before the summary says it is ready.
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from checker.engine import environment, originals, state
from checker.engine.catalog import Catalog, Kata
from checker.engine.results import KataResult, Status

Out = Callable[[str], None]


def nox_command(root: Path, cwd: Path | None = None) -> str:
    """nox as the quick start installed it (.venv/bin/nox), or plain `nox` when it did not."""
    beside = root / ".venv" / "bin" / "nox"
    return environment.shown_path(beside, cwd) if beside.exists() else "nox"


def watch_command(cwd: Path | None = None) -> str:
    """The command that starts `watch` from a shell with nothing activated."""
    bin_dir = Path(sys.executable).parent
    script = bin_dir / "katas"
    if script.exists():
        return f"{environment.shown_path(script, cwd)} watch"
    return f"{environment.shown_path(Path(sys.executable), cwd)} -m checker watch"


def check_and_summarize(
    catalog: Catalog, katas: list[Kata], jobs: int, sandboxed: bool = False
) -> int:
    """Run the started katas (or one stub, to prove the environment), record, summarize.

    Exit codes as `check`: 0 every kata passes, 1 some do not; 2 when the environment broke the
    run, so that the quick start fails then and only then.
    """
    from checker.commands.check import explain_environment_failure, warn_added_files
    from checker.commands.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE
    from checker.engine.runner import run_many

    started = [k for k in katas if not originals.untouched(k)]
    to_run = started or katas[:1]
    warn_added_files(to_run)
    results = run_many([(k, None) for k in to_run], jobs, sandboxed=sandboxed)
    for result in results:
        explain_environment_failure(catalog, result)
    state.record_results(catalog.root, results, {k.id: k.version for k in katas})
    summary(catalog, katas, results, print)
    if any(environment.environment_failure(r) for r in results):
        return EXIT_USAGE
    passed = sum(1 for r in results if r.status == Status.PASS)
    return EXIT_OK if passed == len(katas) else EXIT_FAILED


def summary(
    catalog: Catalog,
    katas: list[Kata],
    results: list[KataResult],
    out: Out,
    cwd: Path | None = None,
) -> None:
    """`results` are those of the katas that ran; the others of `katas` are not started."""
    passed = sum(1 for r in results if r.status == Status.PASS)
    broken = [r.id for r in results if environment.environment_failure(r)]
    ran = {r.id for r in results}
    not_started = sum(1 for k in katas if k.id not in ran or originals.untouched(k))
    try:
        fastapi = f", FastAPI {metadata.version('fastapi')}"
    except metadata.PackageNotFoundError:
        fastapi = ""
    where = environment.shown_path(Path(sys.prefix), cwd)
    if broken:
        out(f"The environment in {where} is incomplete: {', '.join(broken)} could not run.")
    else:
        out(f"Environment ready: {where} (Python {platform.python_version()}{fastapi}).")
    total = len(katas)
    if passed == total:
        out(f"{passed}/{total} katas pass. Every kata is done: well done!")
    elif not_started == total:
        out(f"0/{total} katas pass ({total} not started): each fails until you solve it.")
    else:
        out(f"{passed}/{total} katas pass ({not_started} not started).")
    out("Next, work through the katas one by one (re-runs on every save; q quits):")
    out(f"    {watch_command(cwd)}")
    out(f"Point your editor at this Python: {Path(sys.executable).absolute()}")
    table = f"{nox_command(catalog.root, cwd)} -s check -- --table"
    out(f"Every kata's first problem, as a table: {table}")
