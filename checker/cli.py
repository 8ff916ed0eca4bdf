"""The command line: each verb is a sub-parser that carries its handler; no logic lives here.

    python -m checker VERB ...      (see --help; the README lists every verb)

Command modules keep their top-level imports light, so `list` starts at once; whatever a verb
needs beyond that it imports when it runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from checker.commands import check, grade, learn, serve, watch
from checker.commands import dev as dev_commands
from checker.commands.common import EXIT_INTERRUPTED, EXIT_USAGE, UsageError
from checker.engine.catalog import Catalog, CatalogError, find_root
from checker.engine.platform import unsupported_platform_message

COMMANDS = (learn, watch, check, serve, grade, dev_commands)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m checker", description="Check FastAPI katas against their hidden specs."
    )
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


def main(argv: list[str]) -> int:
    problem = unsupported_platform_message()
    if problem:
        print(f"python -m checker: {problem}", file=sys.stderr)
        return EXIT_USAGE
    args = build_parser().parse_args(argv)
    try:
        catalog = Catalog.load((args.root or find_root()).resolve())
        return int(args.handler(catalog, args))
    except (CatalogError, UsageError) as exc:
        print(f"python -m checker: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        from checker.engine.runner import stop_everything

        stop_everything()
        print("\nInterrupted: every run was stopped.", file=sys.stderr)
        return EXIT_INTERRUPTED
