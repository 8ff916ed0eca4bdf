"""`check [KATA ...]`: run specs and report, in any format; also how every report is emitted."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    add_report_options,
    add_sandbox_option,
    kata_here,
    sandbox_decision,
)
from checker.engine import layout, state
from checker.engine.catalog import Catalog, Kata
from checker.engine.results import KataResult, Status

if TYPE_CHECKING:
    from checker.commands.common import Verbs
    from checker.engine.sandbox import Decision


def add_parser(verbs: Verbs) -> None:
    check = verbs.add_parser("check", help="run the specs of some katas (all by default)")
    check.add_argument(
        "katas",
        nargs="*",
        metavar="KATA",
        help="7, 07, dependencies or 07_dependencies (default: the kata folder you are in, or all)",
    )
    check.add_argument(
        "--summary",
        action="store_true",
        help="a few lines (what passes, what to do next) instead of the report: the quick start's",
    )
    check.add_argument(
        "--impl-root", type=Path, default=None, help="check DIR/NN_slug instead of katas/NN_slug"
    )
    add_report_options(check)
    add_sandbox_option(check)
    check.set_defaults(handler=run)


def run(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.engine.runner import run_many

    if args.summary:
        from checker.commands import first_run

        if args.impl_root is not None:
            raise UsageError("--summary is for your own katas: leave out --impl-root")
        decision = sandbox_decision(args.sandbox)
        katas = catalog.select(args.katas)
        return first_run.check_and_summarize(catalog, katas, args.jobs, decision.on)
    impl_root = args.impl_root.resolve() if args.impl_root else None
    here = kata_here(catalog) if impl_root is None else None
    katas = catalog.select(args.katas) if args.katas or here is None else [here]
    if impl_root is not None and not impl_root.is_dir():
        raise UsageError(f"--impl-root {args.impl_root}: no such folder")
    decision = sandbox_decision(args.sandbox)
    if impl_root is None:
        warn_added_files(katas)
    results = run_many([(k, impl_root) for k in katas], args.jobs, sandboxed=decision.on)
    for result in results:
        explain_environment_failure(catalog, result)
    if impl_root is None:
        state.record_results(catalog.root, results, {k.id: k.version for k in katas})
    label = "your katas" if impl_root is None else str(args.impl_root)
    files_root = layout.KATAS_DIRNAME if impl_root is None else str(args.impl_root)
    emit_reports(args, katas, results, label, {}, decision, files_root=files_root)
    passed_one = len(katas) == 1 and results[0].status == Status.PASS
    if passed_one and args.format == "human" and not args.output:
        from checker.commands import learn

        print()
        print(learn.debrief(katas[0]))
    return EXIT_OK if all(r.status == Status.PASS for r in results) else EXIT_FAILED


def warn_added_files(katas: list[Kata]) -> None:
    """Said before the run, so the learner sees it while the specs still use the file."""
    import sys

    from checker.engine import originals

    for kata in katas:
        added = originals.added_files(kata)
        if added:
            print(
                f"Note: {kata.layout.relative(kata.path)}/ has files kata.toml does not list "
                f"({', '.join(added)}). `check` runs with them, but grading takes only "
                f"{', '.join(kata.files)}: put the code you need in those.",
                file=sys.stderr,
                flush=True,
            )


def explain_environment_failure(catalog: Catalog, result: KataResult) -> None:
    """A kata process that could not import pytest (say) failed for the environment's sake:
    say so, instead of suspecting the learner's code; its progress is left as it was."""
    from checker.engine import environment

    module = environment.environment_failure(result)
    if module:
        result.message = (
            f"the kata process could not import {module}: the environment is incomplete, not "
            "your code. " + environment.missing_message(catalog.root, [module])
        )


def emit_reports(
    args: argparse.Namespace,
    katas: list[Kata],
    results: list[KataResult],
    label: str,
    extra: dict[str, Any],
    sandbox: Decision,
    headline: str = "",
    files_root: str = "",
) -> None:
    """Print the --format report (or write it to -o), and write --json / --junit beside it.
    The human report starts with whether the sandbox was on; the JSON report carries it."""
    from checker.engine import grading
    from checker.reports import github, machine, text

    points = grading.score(katas, results)
    extra = {**points, **extra, "sandbox": sandbox.to_json()}
    if args.json is not None:
        _write(args.json, machine.json_report(results, extra))
    if args.junit is not None:
        _write(args.junit, machine.junit_report(katas, results))
    if args.format == "github":
        human = text.human_report(katas, results, label, color=False, files_root=files_root)
        outputs = {k: points[k] for k in ("score", "max_score", "passed", "total")}
        report = github.publish(katas, results, human, outputs, headline or label)
    elif args.format == "json":
        report = machine.json_report(results, extra)
    elif args.format == "junit":
        report = machine.junit_report(katas, results)
    else:
        report = text.human_report(
            katas, results, label, color=text.use_color(), files_root=files_root
        )
    # Above the table, whose last line is the progress a learner looks for.
    sandbox_line = sandbox.describe()
    if args.output:
        _write(args.output, report)
        print(sandbox_line)
        print(text.human_report(katas, results, label, color=text.use_color(),
                                files_root=files_root))  # fmt: skip
    else:
        if args.format == "human":
            print(sandbox_line)
        print(report)


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content + "\n", encoding="utf-8")
