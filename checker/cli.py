"""The command line: parses a verb and hands it to the module that owns it. No logic lives here.

python -m checker list
python -m checker check [KATA ...] [--impl-root DIR] [--format human|json|junit] [-o FILE] [-j N]
python -m checker dev verify [KATA ...] [-j N]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from checker import state
from checker.catalog import Catalog, CatalogError, find_root
from checker.results import PASS

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# Kept here rather than imported from checker.reports, so that `list` starts without loading it.
REPORT_FORMATS = ("human", "json", "junit", "github")


class UsageError(Exception):
    pass


def _parser() -> argparse.ArgumentParser:
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

    listing = verbs.add_parser("list", help="every kata by track, with its last known status")
    listing.add_argument("--pending", action="store_true", help="only katas not passing yet")
    listing.add_argument("--done", action="store_true", help="only katas that pass")
    listing.add_argument("--track", default=None, help="only katas of this track")

    watch = verbs.add_parser("watch", help="re-run a kata on every save (the main loop)")
    watch.add_argument("kata", nargs="?", metavar="KATA", help="default: the first not passing")
    watch.add_argument(
        "--manual", action="store_true", help="re-run only on r (when saves go unnoticed)"
    )

    hint = verbs.add_parser("hint", help="show the next hint of a kata")
    hint.add_argument("kata", metavar="KATA")
    hint.add_argument("--all", action="store_true", help="every hint at once")

    verbs.add_parser("next", help="the first kata not passing yet, and where to start")

    reset = verbs.add_parser("reset", help="restore a kata's original stub")
    reset.add_argument("katas", nargs="*", metavar="KATA")
    reset.add_argument("--all", action="store_true", help="every kata")
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    solution = verbs.add_parser("solution", help="the reference solution, once the kata passes")
    solution.add_argument("kata", metavar="KATA")
    solution.add_argument("--show-anyway", action="store_true", help="show it before passing")

    serve = verbs.add_parser("serve", help="run a kata's app on 127.0.0.1 to try it by hand")
    serve.add_argument("kata", metavar="KATA")
    serve.add_argument("--port", type=int, default=8000)

    check = verbs.add_parser("check", help="run the specs of some katas (all by default)")
    check.add_argument(
        "katas", nargs="*", metavar="KATA", help="7, 07, dependencies or 07_dependencies"
    )
    check.add_argument(
        "--impl-root", type=Path, default=None, help="check DIR/NN_slug instead of katas/NN_slug"
    )
    _add_report_options(check)

    grade = verbs.add_parser("grade", help="grade learners' checkouts against this tree's specs")
    grade.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                       help="a learner's checkout (the folder holding katas/)")  # fmt: skip
    grade.add_argument("--kata", action="append", default=[], metavar="KATA",
                       help="grade only these katas (repeatable; default: all)")  # fmt: skip
    grade.add_argument("--results-dir", type=Path, default=None,
                       help="write DIR/<submission>.json and .xml for each submission")  # fmt: skip
    _add_report_options(grade)

    dev = verbs.add_parser("dev", help="for kata authors")
    dev_verbs = dev.add_subparsers(dest="dev_verb", required=True, metavar="DEV_VERB")
    verify = dev_verbs.add_parser(
        "verify", help="solutions pass, stubs and common mistakes fail, metadata complete"
    )
    verify.add_argument("katas", nargs="*", metavar="KATA")
    verify.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    bench = dev_verbs.add_parser("bench", help="speed figures: check, watch, start-up")
    bench.add_argument("--repeats", type=int, default=3)
    bench.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    flaky = dev_verbs.add_parser("flake", help="run katas many times; report changed verdicts")
    flaky.add_argument("katas", nargs="*", metavar="KATA")
    flaky.add_argument("--rounds", type=int, default=10)
    flaky.add_argument("--load", type=int, default=0, help="extra busy processes during the run")
    flaky.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    dev_verbs.add_parser("table", help="print the README's kata table (markdown)")
    snapshot = dev_verbs.add_parser(
        "snapshot", help="store the current stubs as the originals that `reset` restores"
    )
    snapshot.add_argument("katas", nargs="*", metavar="KATA")
    return parser


def _add_report_options(parser: argparse.ArgumentParser) -> None:
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
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                        help="katas run in parallel (default: the number of cores)")  # fmt: skip


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        catalog = Catalog.load((args.root or find_root()).resolve())
        return _dispatch(catalog, args)
    except (CatalogError, UsageError) as exc:
        print(f"python -m checker: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _dispatch(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker import learn

    verb = args.verb
    if verb == "list":
        if args.pending and args.done:
            raise UsageError("--pending and --done exclude each other")
        return learn.list_katas(
            catalog, print, pending=args.pending, done=args.done, track=args.track
        )
    if verb == "check":
        return cmd_check(catalog, args)
    if verb == "grade":
        return cmd_grade(catalog, args)
    if verb == "watch":
        from checker import watch

        return watch.watch(catalog, args.kata, args.manual)
    if verb == "hint":
        return learn.hint(catalog, catalog.resolve(args.kata), print, show_all=args.all)
    if verb == "next":
        return learn.next_kata(catalog, print)
    if verb == "reset":
        if not args.katas and not args.all:
            raise UsageError("reset needs KATA names or --all")
        katas = list(catalog.katas) if args.all else catalog.select(args.katas)
        return learn.reset(catalog, katas, print, confirm=lambda q: args.yes or _ask(q))
    if verb == "solution":
        kata = catalog.resolve(args.kata)
        return learn.solution(catalog, kata, print, force=args.show_anyway)
    if verb == "serve":
        from checker import serve

        return serve.serve(catalog, catalog.resolve(args.kata), args.port)
    if verb == "dev" and args.dev_verb == "verify":
        return cmd_verify(catalog, args)
    if verb == "dev" and args.dev_verb == "bench":
        from checker import bench

        bench.run(catalog, args.repeats, args.jobs, lambda line: print(line, flush=True))
        return EXIT_OK
    if verb == "dev" and args.dev_verb == "flake":
        from checker import flake

        katas = catalog.select(args.katas)
        seen = flake.flake(catalog, katas, args.rounds, args.load, args.jobs,
                           lambda line: print(line, flush=True))  # fmt: skip
        print(flake.render(seen, args.rounds, args.load))
        return EXIT_OK if all(len(counts) == 1 for counts in seen.values()) else EXIT_FAILED
    if verb == "dev" and args.dev_verb == "table":
        print("| # | kata | difficulty | track | assumes |")
        print("| --- | --- | --- | --- | --- |")
        for kata in catalog.katas:
            assumes = ", ".join(a[:2] for a in kata.assumes) or "-"
            link = f"[{kata.title}](katas/{kata.id}/README.md)"
            print(f"| {kata.number:02d} | {link} | {kata.difficulty} | {kata.track} | {assumes} |")
        return EXIT_OK
    if verb == "dev" and args.dev_verb == "snapshot":
        from checker import originals

        for kata in catalog.select(args.katas):
            for path in originals.snapshot(kata):
                print(f"wrote {path.relative_to(catalog.root)}")
        return EXIT_OK
    raise AssertionError(f"unhandled verb {verb}")


def _ask(question: str) -> bool:
    if not sys.stdin.isatty():
        print(question + "(no terminal to answer: pass --yes)")
        return False
    return input(question).strip().lower() in ("y", "yes")


def cmd_check(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.runner import run_many

    katas = catalog.select(args.katas)
    _check_jobs(args)
    impl_root = args.impl_root.resolve() if args.impl_root else None
    if impl_root is not None and not impl_root.is_dir():
        raise UsageError(f"--impl-root {args.impl_root}: no such folder")
    results = run_many([(k, impl_root) for k in katas], args.jobs)
    if impl_root is None:
        state.record_statuses(catalog.root, {r.id: r.status for r in results})
    label = "your katas" if impl_root is None else str(args.impl_root)
    files_root = "katas" if impl_root is None else str(args.impl_root)
    _emit_reports(args, katas, results, label, extra={}, files_root=files_root)
    if len(katas) == 1 and results[0].status == PASS and args.format == "human" and not args.output:
        from checker import learn

        print()
        print(learn.debrief(katas[0]))
    return EXIT_OK if all(r.status == PASS for r in results) else EXIT_FAILED


def cmd_grade(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker import grade, reports

    katas = catalog.select(args.kata)
    _check_jobs(args)
    for submission in args.submissions:
        if not (submission / "katas").is_dir():
            raise UsageError(f"{submission}: not a checkout of the katas (no katas/ folder)")
    grades = grade.grade(catalog, katas, [s.resolve() for s in args.submissions], args.jobs)
    for one in grades:
        extra = {
            "submission": str(one.submission),
            "score": one.score,
            "max_score": one.max_score,
            "protected_changes": one.protected_changes,
        }
        if args.results_dir:
            args.results_dir.mkdir(parents=True, exist_ok=True)
            stem = args.results_dir / one.submission.name
            stem.with_suffix(".json").write_text(
                reports.json_report(one.results, extra) + "\n", encoding="utf-8"
            )
            stem.with_suffix(".xml").write_text(
                reports.junit_report(katas, one.results) + "\n", encoding="utf-8"
            )
        if len(grades) == 1:
            label = f"submission {one.submission.name}"
            files_root = f"{one.submission}/katas"
            _emit_reports(args, katas, one.results, label, extra, one.summary_line(), files_root)
            if one.protected_changes and args.format == "human":
                print("Protected files that differ from the trusted tree (not used in grading):")
                print("\n".join(f"  {change}" for change in one.protected_changes))
    if len(grades) > 1:
        print(reports.grades_table(grades))
    return EXIT_OK if all(g.passed == len(katas) for g in grades) else EXIT_FAILED


def _check_jobs(args: argparse.Namespace) -> None:
    if args.jobs < 1:
        raise UsageError("-j must be at least 1")


def _emit_reports(
    args, katas, results, label: str, extra: dict, headline: str = "", files_root: str = ""
) -> None:
    from checker import grade, reports

    points = grade.score(katas, results)
    extra = {**points, **extra}
    for path, text in (
        (args.json, lambda: reports.json_report(results, extra)),
        (args.junit, lambda: reports.junit_report(katas, results)),
    ):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text() + "\n", encoding="utf-8")
    if args.format == "github":
        from checker import github

        human = reports.human_report(katas, results, label, color=False, files_root=files_root)
        outputs = {k: points[k] for k in ("score", "max_score", "passed", "total")}
        report = github.publish(katas, results, human, outputs, headline or label)
    elif args.format == "json":
        report = reports.json_report(results, extra)
    else:
        report = reports.render(args.format, katas, results, label, files_root)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(report + "\n", encoding="utf-8")
        print(reports.render("human", katas, results, label, files_root))
    else:
        print(report)


def cmd_verify(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker import dev

    verdicts = dev.verify(catalog, catalog.select(args.katas), args.jobs)
    print(dev.render(verdicts))
    return EXIT_OK if all(not v.problems for v in verdicts) else EXIT_FAILED
