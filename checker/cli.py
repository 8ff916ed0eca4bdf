"""The command line: each verb is a sub-parser that carries its handler; no logic lives here.

    katas VERB ...                  (the console script; see --help, the README lists every verb)
    python -m checker VERB ...      (the same, without the script on PATH)

Command modules keep their top-level imports light, so `list` starts at once; whatever a verb
needs beyond that it imports when it runs.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import sys
from pathlib import Path
from typing import NoReturn

from checker.commands import check, grade, learn, serve, watch
from checker.commands import dev as dev_commands
from checker.commands.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    set_called_as,
)
from checker.engine.catalog import Catalog, CatalogError, find_root
from checker.engine.platform import unsupported_platform_message

COMMANDS = (learn, watch, check, serve, grade, dev_commands)
MODULE_PROG = "python -m checker"
_INVALID_CHOICE = re.compile(r"invalid choice: '([^']*)'")


class Parser(argparse.ArgumentParser):
    """argparse, with "did you mean ...?" when a verb is mistyped (sub-parsers inherit it)."""

    def error(self, message: str) -> NoReturn:
        wrong = _INVALID_CHOICE.search(message)
        if wrong is not None:
            choices = [
                str(choice)
                for action in self._actions
                if isinstance(action, argparse._SubParsersAction)
                for choice in action.choices
            ]
            close = difflib.get_close_matches(wrong.group(1), choices, n=1)
            if close:
                message += f"; did you mean {close[0]!r}?"
        super().error(message)


def build_parser(prog: str = MODULE_PROG) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description="Check FastAPI katas against their hidden specs.")
    parser.add_argument(
        "--root",
        type=Path,
        default=None,
        help="the folder holding katas/ (default: found from here)",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    for command in COMMANDS:
        command.add_parser(verbs)
    return parser


def main(argv: list[str], prog: str = MODULE_PROG) -> int:
    """Run one command line; output into a pipe that closed early (`| head`) ends quietly."""
    try:
        code = _main(argv, prog)
        sys.stdout.flush()  # here, where a closed pipe can still be caught
        return code
    except BrokenPipeError:
        # The reader has all it wanted. Point stdout at /dev/null so that the interpreter's own
        # flush at exit does not fail a second time.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK


def script() -> int:
    """The `katas` console script."""
    return main(sys.argv[1:], prog=Path(sys.argv[0]).name or "katas")


def _main(argv: list[str], prog: str) -> int:
    problem = unsupported_platform_message()
    if problem:
        print(f"{prog}: {problem}", file=sys.stderr)
        return EXIT_USAGE
    set_called_as(prog)
    args = build_parser(prog).parse_args(argv)
    try:
        root = (args.root or find_root()).resolve()
        _require_environment(root)
        catalog = Catalog.load(root)
        return int(args.handler(catalog, args))
    except (CatalogError, UsageError) as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        from checker.engine.runner import stop_everything

        stop_everything()
        print("\nInterrupted: every run was stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED


def _require_environment(root: Path) -> None:
    """Stop before anything runs or is recorded when this Python lacks the katas' packages."""
    from checker.engine import environment

    missing = environment.missing_modules()
    if missing:
        raise UsageError(environment.missing_message(root, missing))
