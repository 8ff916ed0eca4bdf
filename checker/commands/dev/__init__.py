"""`dev VERB`: the verbs for kata authors (verify, bench, flake, table, snapshot)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from checker.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    add_jobs_option,
    sandbox_decision,
    say,
)
from checker.engine.catalog import Catalog

if TYPE_CHECKING:
    from checker.commands.common import Verbs


def add_parser(verbs: Verbs) -> None:
    dev = verbs.add_parser("dev", help="for kata authors")
    dev_verbs = dev.add_subparsers(dest="dev_verb", required=True, metavar="DEV_VERB")

    verify = dev_verbs.add_parser(
        "verify", help="solutions pass, stubs and common mistakes fail, metadata complete"
    )
    verify.add_argument("katas", nargs="*", metavar="KATA")
    verify.add_argument(
        "--sandbox",
        choices=("required", "auto", "off", "both"),
        default="auto",
        help="run in the OS sandbox; both: run everything with it and without it, and require "
        "the same verdicts (default: auto)",
    )
    add_jobs_option(verify)
    verify.set_defaults(handler=_verify)

    bench = dev_verbs.add_parser("bench", help="speed figures: check, watch, start-up")
    bench.add_argument("--repeats", type=int, default=3)
    add_jobs_option(bench)
    bench.set_defaults(handler=_bench)

    flaky = dev_verbs.add_parser("flake", help="run katas many times; report changed verdicts")
    flaky.add_argument("katas", nargs="*", metavar="KATA")
    flaky.add_argument("--rounds", type=int, default=10)
    flaky.add_argument("--load", type=int, default=0, help="extra busy processes during the run")
    add_jobs_option(flaky)
    flaky.set_defaults(handler=_flake)

    table = dev_verbs.add_parser("table", help="print the README's kata table (markdown)")
    table.set_defaults(handler=_table)

    snapshot = dev_verbs.add_parser(
        "snapshot", help="store the current stubs as the originals that `reset` restores"
    )
    snapshot.add_argument("katas", nargs="*", metavar="KATA")
    snapshot.set_defaults(handler=_snapshot)


def _verify(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.commands.dev import verify

    decision = sandbox_decision("required" if args.sandbox == "both" else args.sandbox)
    sandboxes = (True, False) if args.sandbox == "both" else (decision.on,)
    verdicts = verify.verify(catalog, catalog.select(args.katas), args.jobs, sandboxes)
    print(verify.render(verdicts))
    if args.sandbox == "both":
        print("each run with the sandbox on and off, verdicts compared")
    print(decision.describe())
    return EXIT_OK if all(not v.problems for v in verdicts) else EXIT_FAILED


def _bench(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.commands.dev import bench

    bench.run(catalog, args.repeats, args.jobs, say)
    return EXIT_OK


def _flake(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.commands.dev import flake

    katas = catalog.select(args.katas)
    seen = flake.flake(catalog, katas, args.rounds, args.load, args.jobs, say)
    print(flake.render(seen, args.rounds, args.load))
    return EXIT_OK if all(len(counts) == 1 for counts in seen.values()) else EXIT_FAILED


def _table(catalog: Catalog, args: argparse.Namespace) -> int:
    print("| # | kata | difficulty | track | assumes |")
    print("| --- | --- | --- | --- | --- |")
    for kata in catalog.katas:
        assumes = ", ".join(a[:2] for a in kata.assumes) or "-"
        link = f"[{kata.title}]({catalog.layout.relative(kata.readme)})"
        print(f"| {kata.number:02d} | {link} | {kata.difficulty} | {kata.track} | {assumes} |")
    return EXIT_OK


def _snapshot(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.engine import originals

    for kata in catalog.select(args.katas):
        for path in originals.snapshot(kata):
            print(f"wrote {catalog.layout.relative(path)}")
    return EXIT_OK
