"""The report people read: a table of katas with each one's status and first problem."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

from checker.engine.catalog import Kata
from checker.engine.results import KataResult, Status, describe

if TYPE_CHECKING:
    from checker.engine.grading import Grade

# The human table shows the whole teaching message (spec messages run to a few sentences); only
# a runaway one, such as an exception with a huge repr, is cut.
MESSAGE_WIDTH = 1200


def use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def grades_table(grades: list[Grade]) -> str:
    """One line per graded submission, for an instructor grading several forks at once."""
    width = max(len(g.submission.name) for g in grades)
    lines = [f"{'submission':<{width}}  katas   score   protected files changed  flags"]
    for one in grades:
        flags = [flag for result in one.results for flag in result.flags]
        kinds = sorted({flag.label for flag in flags})
        lines.append(
            f"{one.submission.name:<{width}}  {one.passed:>2}/{len(one.katas):<3}  "
            f"{one.score:>3}/{one.max_score:<3} {len(one.protected_changes):<24} "
            f"{len(flags)}{' (' + ', '.join(kinds) + ')' if kinds else ''}"
        )
    return "\n".join(lines)


def flags_report(results: list[KataResult]) -> str:
    """The flags `grade` raised, one line each, for the person reviewing the grade; "" if none."""
    lines = [f"  {result.id}  {flag.describe()}" for result in results for flag in result.flags]
    return "\n".join(["Flags for review (not counted in the score):", *lines]) if lines else ""


STATUS_LABELS = {status: status.value.upper() for status in Status} | {Status.PASS: "pass"}
STATUS_STYLES = {
    Status.PASS: "green",
    Status.FAIL: "red",
    Status.ERROR: "magenta",
    Status.TIMEOUT: "yellow",
    Status.TAMPERED: "bold red",
}


def human_report(
    katas: list[Kata],
    results: list[KataResult],
    impl_label: str,
    color: bool = False,
    files_root: str = "",
) -> str:
    from io import StringIO

    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    by_id = {k.id: k for k in katas}
    table = Table(
        title=Text(f"Katas checked against {impl_label}"), title_justify="left", expand=False
    )
    table.add_column("kata")
    table.add_column("title")
    table.add_column("status")
    table.add_column("specs", justify="right")
    table.add_column("first problem", overflow="fold")
    for result in results:
        kata = by_id.get(result.id)
        problem = describe(result)
        detail = problem.summary if problem is not None else result.message
        if problem is not None and problem.location:
            detail += f" [at {_location_path(kata, problem.location, files_root)}]"
        # Text, not str: a message such as "list[str]" must not be read as rich markup.
        table.add_row(
            Text(result.id),
            Text(kata.title if kata else ""),
            Text(STATUS_LABELS[result.status], style=STATUS_STYLES[result.status]),
            f"{result.passed}/{len(result.tests)}",
            Text(_clip(detail)),
        )
    buffer = StringIO()
    console = Console(
        file=buffer, force_terminal=color, no_color=not color, width=_width(), highlight=False
    )
    console.print(table)
    passed = sum(1 for r in results if r.status == Status.PASS)
    console.print(f"{passed}/{len(results)} katas pass")
    flags = flags_report(results)
    if flags:
        console.print(Text(flags))
    return buffer.getvalue().rstrip("\n")


def _location_path(kata: Kata | None, location: str, files_root: str) -> str:
    if kata is None or not files_root:
        return location
    return f"{files_root}/{kata.id}/{location}"


def _width() -> int:
    try:
        return max(100, os.get_terminal_size().columns)
    except OSError:
        return 160


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_WIDTH else text[: MESSAGE_WIDTH - 1] + "…"
