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
    sandbox_decision,
)
from checker.engine import layout, state
from checker.engine.catalog import Catalog, Kata
from checker.engine.results import KataResult, Status

if TYPE_CHECKING:
    from checker.commands.common import Verbs


def add_parser(verbs: Verbs) -> None:
    check = verbs.add_parser("check", help="run the specs of some katas (all by default)")
    check.add_argument(
        "katas", nargs="*", metavar="KATA", help="7, 07, dependencies or 07_dependencies"
    )
    check.add_argument(
        "--impl-root", type=Path, default=None, help="check DIR/NN_slug instead of katas/NN_slug"
    )
    add_report_options(check)
    add_sandbox_option(check)
    check.set_defaults(handler=run)


def run(catalog: Catalog, args: argparse.Namespace) -> int:
    from checker.engine.runner import run_many

    katas = catalog.select(args.katas)
    impl_root = args.impl_root.resolve() if args.impl_root else None
    if impl_root is not None and not impl_root.is_dir():
        raise UsageError(f"--impl-root {args.impl_root}: no such folder")
    decision = sandbox_decision(args.sandbox)
    results = run_many([(k, impl_root) for k in katas], args.jobs, sandboxed=decision.on)
    if impl_root is None:
        state.record_statuses(catalog.root, {r.id: r.status for r in results})
    label = "your katas" if impl_root is None else str(args.impl_root)
    files_root = layout.KATAS_DIRNAME if impl_root is None else str(args.impl_root)
    extra = {"sandbox": decision.to_json()}
    emit_reports(args, katas, results, label, extra=extra, files_root=files_root)
    passed_one = len(katas) == 1 and results[0].status == Status.PASS
    if passed_one and args.format == "human" and not args.output:
        from checker.commands import learn

        print()
        print(learn.debrief(katas[0]))
    return EXIT_OK if all(r.status == Status.PASS for r in results) else EXIT_FAILED


def emit_reports(
    args: argparse.Namespace,
    katas: list[Kata],
    results: list[KataResult],
    label: str,
    extra: dict[str, Any],
    headline: str = "",
    files_root: str = "",
) -> None:
    """Print the --format report (or write it to -o), and write --json / --junit beside it."""
    from checker.engine import grading
    from checker.reports import github, machine, text

    points = grading.score(katas, results)
    extra = {**points, **extra}
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
    sandbox_line = _sandbox_line(extra.get("sandbox"))
    if args.output:
        _write(args.output, report)
        print(sandbox_line)
        print(text.human_report(katas, results, label, color=text.use_color(),
                                files_root=files_root))  # fmt: skip
    else:
        if args.format == "human":
            print(sandbox_line)
        print(report)


def _sandbox_line(decision: Any) -> str:
    """ "sandbox: on (limits)" or "sandbox: off: reason", from the report's sandbox entry."""
    if not isinstance(decision, dict):
        return "sandbox: off: not recorded"
    if decision.get("on"):
        return f"sandbox: on ({decision.get('limits')})"
    return f"sandbox: off: {decision.get('reason')}"


def _write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content + "\n", encoding="utf-8")
