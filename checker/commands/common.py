"""What every command shares: exit codes, the usage error, and the report options."""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from checker.engine.catalog import Catalog, Kata

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it
# Kept here rather than imported from checker.reports, so that `list` starts without loading it.
REPORT_FORMATS = ("human", "json", "junit", "github")

Handler = Callable[[Catalog, argparse.Namespace], int]
if TYPE_CHECKING:
    from checker.engine.sandbox import Decision

    Verbs: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]


class UsageError(Exception):
    """A command line that cannot be carried out: printed as one line, exit code 2."""


# How the learner called the checker (`katas` or `python -m checker`): set by checker.cli.main.
_called_as = ["python -m checker"]


def set_called_as(prog: str) -> None:
    _called_as[0] = prog


def command(*words: str) -> str:
    """A checker command line that works as written from where the learner stands: `python` or
    `katas` when that name finds this very environment on PATH, the interpreter's path when not
    (the checker run as .nox/check/bin/python -m checker, say)."""
    here = Path(sys.executable).parent.absolute()
    if _called_as[0] == "python -m checker":
        found = shutil.which("python")
        prefix = "python -m checker"
        if found is None or Path(os.path.normpath(found)).parent.absolute() != here:
            prefix = f"{_shown(Path(sys.executable))} -m checker"
    else:
        found = shutil.which(_called_as[0])
        prefix = _called_as[0]
        if found is None or Path(os.path.normpath(found)).parent.absolute() != here:
            prefix = _shown(here / _called_as[0])
    return " ".join([prefix, *words])


def _shown(path: Path) -> str:
    try:
        relative = str(path.absolute().relative_to(Path.cwd().absolute()))
    except ValueError:
        return shlex.quote(str(path.absolute()))
    return shlex.quote(relative if "/" in relative else f"./{relative}")


def kata_here(catalog: Catalog, cwd: Path | None = None) -> Kata | None:
    """The kata whose folder the learner stands in (or below), if any."""
    here = (cwd or Path.cwd()).resolve()
    for kata in catalog.katas:
        if here == kata.path.resolve() or kata.path.resolve() in here.parents:
            return kata
    return None


def one_kata(catalog: Catalog, name: str | None, verb: str) -> Kata:
    """The kata named, or the one whose folder the learner stands in."""
    if name:
        return catalog.resolve(name)
    kata = kata_here(catalog)
    if kata is None:
        raise UsageError(f"{verb} needs a KATA (such as 01), or run it from inside a kata folder")
    return kata


def add_report_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="human",
        help="what is printed (github: summary, annotations and step outputs for Actions)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="write the --format report to FILE"
    )
    parser.add_argument("--json", type=Path, default=None, help="also write a JSON report here")
    parser.add_argument("--junit", type=Path, default=None, help="also write a JUnit report here")
    add_jobs_option(parser, "katas run in parallel (default: the number of cores)")


def add_sandbox_option(parser: argparse.ArgumentParser, default: str = "auto") -> None:
    parser.add_argument(
        "--sandbox",
        choices=("required", "auto", "off"),
        default=default,
        help=f"run learner code in the OS sandbox (Linux): required, auto or off (default: "
        f"{default})",
    )


def sandbox_decision(mode: str) -> Decision:
    """Whether runs are sandboxed; a UsageError, with the fix, when required but unavailable."""
    from checker.engine import sandbox

    decision = sandbox.decide(sandbox.Mode(mode))
    if mode == sandbox.Mode.REQUIRED and not decision.on:
        raise UsageError(
            f"the sandbox is required but unavailable: {decision.reason}. {sandbox.UNAVAILABLE_FIX}"
        )
    return decision


def add_jobs_option(parser: argparse.ArgumentParser, text: str = "runs in parallel") -> None:
    parser.add_argument("-j", "--jobs", type=jobs_count, default=os.cpu_count() or 1, help=text)


def jobs_count(value: str) -> int:
    count = int(value)
    if count < 1:
        raise argparse.ArgumentTypeError("-j must be at least 1")
    return count


def ask(question: str) -> bool:
    if not sys.stdin.isatty():
        print(question + "(no terminal to answer: pass --yes)")
        return False
    return input(question).strip().lower() in ("y", "yes")


def say(line: str) -> None:
    print(line, flush=True)
