"""`grade SUBMISSION ...`: judge learners' checkouts against this tree's specs.

What is taken from a submission and how it is scored: checker.engine.grading.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from checker.commands.check import emit_reports
from checker.commands.common import (
    EXIT_FAILED,
    EXIT_OK,
    UsageError,
    add_report_options,
    add_sandbox_option,
    sandbox_decision,
)
from checker.engine.catalog import Catalog

if TYPE_CHECKING:
    from checker.commands.common import Verbs


def add_parser(verbs: Verbs) -> None:
    parser = verbs.add_parser("grade", help="grade learners' checkouts against this tree's specs")
    parser.add_argument("submissions", nargs="+", type=Path, metavar="SUBMISSION",
                        help="a learner's checkout (the folder holding katas/)")  # fmt: skip
    parser.add_argument("--kata", action="append", default=[], metavar="KATA",
                        help="grade only these katas (repeatable; default: all)")  # fmt: skip
    parser.add_argument("--results-dir", type=Path, default=None,
                        help="write DIR/<submission>.json and .xml for each")  # fmt: skip
    parser.add_argument("--katas-ref", default=None, metavar="REF",
                        help="grade against the katas as they were at this git commit or tag "
                        "(the version a class started with; default: this tree)")  # fmt: skip
    add_report_options(parser)
    # Strangers' code: no sandbox, no grade, unless the instructor says otherwise.
    add_sandbox_option(parser, default="required")
    parser.set_defaults(handler=run)


def run(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.engine import grading
    from checker.engine.layout import Layout
    from checker.reports import machine, text

    katas = catalog.select(args.kata)
    for submission in args.submissions:
        if not Layout(submission).katas_dir.is_dir():
            raise UsageError(f"{submission}: not a checkout of the katas (no katas/ folder)")
    decision = sandbox_decision(args.sandbox)
    submissions = [s.resolve() for s in args.submissions]
    try:
        grades = grading.grade(
            catalog, katas, submissions, args.jobs, decision.on, katas_ref=args.katas_ref
        )
    except grading.GradingError as exc:
        raise UsageError(str(exc)) from None
    for one in grades:
        extra = {
            "submission": str(one.submission),
            "score": one.score,
            "max_score": one.max_score,
            "protected_changes": one.protected_changes,
            "katas_ref": args.katas_ref or "this tree",
        }
        if args.results_dir:
            args.results_dir.mkdir(parents=True, exist_ok=True)
            stem = args.results_dir / one.submission.name
            stem.with_suffix(".json").write_text(
                machine.json_report(one.results, {**extra, "sandbox": decision.to_json()}) + "\n",
                encoding="utf-8",
            )
            stem.with_suffix(".xml").write_text(
                machine.junit_report(katas, one.results) + "\n", encoding="utf-8"
            )
        if len(grades) == 1:
            label = f"submission {one.submission.name}"
            files_root = str(Layout(one.submission).katas_dir)
            emit_reports(
                args, katas, one.results, label, extra, decision, one.summary_line(), files_root
            )
            if one.protected_changes and args.format == "human":
                print("Protected files that differ from the trusted tree (not used in grading):")
                print("\n".join(f"  {change}" for change in one.protected_changes))
    if len(grades) > 1:
        print(text.grades_table(grades))
        print(decision.describe())
    return EXIT_OK if all(g.passed == len(katas) for g in grades) else EXIT_FAILED
