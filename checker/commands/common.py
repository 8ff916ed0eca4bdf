"""What every command shares: exit codes, the usage error, and the report options."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from checker.engine.catalog import Catalog

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
