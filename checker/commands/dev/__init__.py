"""`dev VERB`: the verbs for kata authors (verify, mutants, bench, flake, table, snapshot,
mistake, new)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from checker.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    add_jobs_option,
    add_sandbox_option,
    sandbox_decision,
    say,
)
from checker.engine.catalog import DIFFICULTIES, Catalog

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
        "--mutants",
        action="store_true",
        help="require every kata's mutants record (without: only the records present are checked)",
    )
    verify.add_argument(
        "--sandbox",
        choices=("required", "auto", "off", "both"),
        default="auto",
        help="run in the OS sandbox; both: run everything with it and without it, and require "
        "the same verdicts (default: auto)",
    )
    add_jobs_option(verify)
    verify.set_defaults(handler=_verify)

    mutants = dev_verbs.add_parser(
        "mutants", help="mutation testing: how many mutants of each solution the specs kill"
    )
    mutants.add_argument("katas", nargs="*", metavar="KATA")
    mutants.add_argument("--format", choices=("human", "json"), default="human")
    mutants.add_argument(
        "--record",
        action="store_true",
        help="write solutions/NN_slug/mutants.json (new survivors as unexplained, to be classed)",
    )
    mutants.add_argument(
        "--promote",
        nargs=2,
        metavar=("KATA", "MUTANT_ID"),
        help="write the mutant as the mistake patch solutions/NN_slug/mistakes/NAME.patch",
    )
    mutants.add_argument("--name", help="with --promote: the mistake's name")
    mutants.add_argument("--note", help="with --promote: what is wrong, in one line")
    add_jobs_option(mutants)
    add_sandbox_option(mutants)
    mutants.set_defaults(handler=_mutants)

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

    mistake = dev_verbs.add_parser(
        "mistake", help="write a mistake out as files to edit, then store it as a patch"
    )
    mistake_verbs = mistake.add_subparsers(dest="mistake_verb", required=True, metavar="VERB")
    edit = mistake_verbs.add_parser("edit", help="edit solutions/NN_slug/mistakes/NAME.patch")
    new = mistake_verbs.add_parser("new", help="start a mistake from the reference solution")
    for parser, handler in ((edit, _mistake_edit), (new, _mistake_new)):
        parser.add_argument("kata", metavar="KATA")
        parser.add_argument("name", metavar="NAME", help="lowercase_with_underscores")
        parser.add_argument("--note", default=None, help="what is wrong, in one line")
        parser.add_argument(
            "--done", action="store_true", help="diff the work folder back into the patch"
        )
        parser.add_argument(
            "--no-wait", action="store_true", help="write the folder out and return at once"
        )
        parser.set_defaults(handler=handler)

    scaffold = dev_verbs.add_parser("new", help="create the files of a new kata, to fill in")
    scaffold.add_argument("kata_id", metavar="NN_slug")
    scaffold.add_argument("--title", required=True)
    scaffold.add_argument("--difficulty", required=True, choices=DIFFICULTIES)
    scaffold.add_argument("--track", required=True)
    scaffold.set_defaults(handler=_new_kata)


def _verify(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.commands.dev import verify

    decision = sandbox_decision("required" if args.sandbox == "both" else args.sandbox)
    sandboxes = (True, False) if args.sandbox == "both" else (decision.on,)
    verdicts = verify.verify(
        catalog, catalog.select(args.katas), args.jobs, args.mutants, sandboxes
    )
    print(verify.render(verdicts))
    if args.sandbox == "both":
        print("each run with the sandbox on and off, verdicts compared")
    print(decision.describe())
    return EXIT_OK if all(not v.problems for v in verdicts) else EXIT_FAILED


def _mutants(catalog: Catalog, args: argparse.Namespace) -> int:
    import json
    import time

    from checker.commands.dev import mutants

    if args.promote:
        if not args.name or not args.note:
            raise UsageError("--promote needs --name NAME and --note TEXT")
        try:
            path = mutants.promote(catalog, catalog.resolve(args.promote[0]), args.promote[1],
                                   args.name, args.note)  # fmt: skip
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        print(f"wrote {catalog.layout.relative(path)}")
        return EXIT_OK
    started = time.perf_counter()
    decision = sandbox_decision(args.sandbox)
    reports = mutants.run(catalog, catalog.select(args.katas), args.jobs, _progress, decision.on)
    _progress(f"dev mutants took {time.perf_counter() - started:.0f} s ({args.jobs} at a time)")
    if args.record:
        for report in reports:
            if report.problem:
                continue
            path = catalog.layout.mutants_record(report.kata.id)
            mutants.make_record(report).write(path)
            _progress(f"wrote {catalog.layout.relative(path)}")
    if args.format == "json":
        print(json.dumps(mutants.to_json(reports), indent=2))
    else:
        print(mutants.render(reports))
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED


def _progress(line: str) -> None:
    import sys

    print(line, file=sys.stderr, flush=True)


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


def _mistake_edit(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.commands.dev import mistake

    return mistake.edit(catalog, args, say)


def _mistake_new(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.commands.dev import mistake

    return mistake.new(catalog, args, say)


def _new_kata(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.commands.dev import scaffold

    written = scaffold.create(catalog, args.kata_id, args.title, args.difficulty, args.track)
    for path in written:
        print(f"wrote {catalog.layout.relative(path)}")
    print(
        f"fill in every `{scaffold.PLACEHOLDER}`, add mistakes with `python -m checker dev "
        f"mistake new {args.kata_id} NAME --note ...`, then run `python -m checker dev verify "
        f"{args.kata_id}`"
    )
    return EXIT_OK
