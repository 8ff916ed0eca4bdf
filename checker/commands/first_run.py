"""The few lines that end the quick start: the set-up worked, where the learner stands, what next.

`nox -s check` runs `check --summary`: on a fresh clone every kata fails (that is the starting
point), so a table of 31 first problems would bury the one thing to do next, and give answers away
before the learner has read a README. The table stays one flag away (`-- --table`).
"""

from __future__ import annotations

import platform
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from checker.engine import environment
from checker.engine.catalog import Catalog
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


def summary(catalog: Catalog, results: list[KataResult], out: Out, cwd: Path | None = None) -> None:
    passed = sum(1 for r in results if r.status == Status.PASS)
    broken = [r.id for r in results if environment.environment_failure(r)]
    try:
        fastapi = f", FastAPI {metadata.version('fastapi')}"
    except metadata.PackageNotFoundError:
        fastapi = ""
    where = environment.shown_path(Path(sys.prefix), cwd)
    if broken:
        out(f"The environment in {where} is incomplete: {', '.join(broken)} could not run.")
    else:
        out(f"Environment ready: {where} (Python {platform.python_version()}{fastapi}).")
    if passed == len(results):
        out(f"{passed}/{len(results)} katas pass. Every kata is done: well done!")
    elif passed == 0:
        out(f"0/{len(results)} katas pass: each kata fails until you solve it, so start here.")
    else:
        out(f"{passed}/{len(results)} katas pass.")
    out("Next, work through the katas one by one (re-runs on every save; q quits):")
    out(f"    {watch_command(cwd)}")
    out(f"Point your editor at this Python: {Path(sys.executable).absolute()}")
    table = f"{nox_command(catalog.root, cwd)} -s check -- --table"
    out(f"Every kata's first problem, as a table: {table}")
