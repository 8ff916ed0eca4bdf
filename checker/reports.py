"""Turning kata results into reports: one function per format, each returning text."""

from __future__ import annotations

import json
import os
import sys
from xml.etree import ElementTree as ET

from checker.catalog import Kata
from checker.results import ERROR, FAIL, PASS, TIMEOUT, KataResult, overall_status

FORMATS = ("human", "json", "junit")
# The human table shows the whole teaching message (spec messages run to a few sentences); only
# a runaway one, such as an exception with a huge repr, is cut.
MESSAGE_WIDTH = 1200


def render(
    fmt: str, katas: list[Kata], results: list[KataResult], impl_label: str, files_root: str = ""
) -> str:
    """`files_root`: where the checked kata folders are, to print clickable file locations."""
    if fmt == "json":
        return json_report(results)
    if fmt == "junit":
        return junit_report(katas, results)
    return human_report(katas, results, impl_label, color=use_color(), files_root=files_root)


def use_color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def json_report(results: list[KataResult], extra: dict | None = None) -> str:
    """The machine report: {"version": 1, "status", "passed", "total", ...extra, "katas": [...]}."""
    document = {
        "version": 1,
        "status": overall_status(results),
        "passed": sum(1 for r in results if r.status == PASS),
        "total": len(results),
    }
    document.update(extra or {})
    document["katas"] = [r.to_json() for r in results]
    return json.dumps(document, indent=2)


def grades_table(grades) -> str:
    """One line per graded submission, for an instructor grading several forks at once."""
    width = max(len(g.submission.name) for g in grades)
    lines = [f"{'submission':<{width}}  katas   score   protected files changed"]
    for one in grades:
        lines.append(
            f"{one.submission.name:<{width}}  {one.passed:>2}/{len(one.katas):<3}  "
            f"{one.score:>3}/{one.max_score:<3} {len(one.protected_changes)}"
        )
    return "\n".join(lines)


def junit_report(katas: list[Kata], results: list[KataResult]) -> str:
    titles = {k.id: k.title for k in katas}
    suites = ET.Element("testsuites", name="fastapi-katas")
    for result in results:
        failures = sum(1 for t in result.tests if t.status == FAIL)
        errors = sum(1 for t in result.tests if t.status == ERROR)
        if result.status in (ERROR, TIMEOUT) and not result.tests:
            errors = 1
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=result.id,
            tests=str(max(len(result.tests), 1 if errors else 0)),
            failures=str(failures),
            errors=str(errors),
            time=f"{result.duration_s:.3f}",
        )
        ET.SubElement(ET.SubElement(suite, "properties"), "property", name="title",
                      value=titles.get(result.id, result.id))  # fmt: skip
        for test in result.tests:
            case = ET.SubElement(
                suite, "testcase", classname=result.id, name=test.name,
                file=test.file, line=str(test.line), time=f"{test.duration_s:.3f}",
            )  # fmt: skip
            if test.status in (FAIL, ERROR):
                tag = "failure" if test.status == FAIL else "error"
                element = ET.SubElement(case, tag, message=_one_line(test.message))
                element.text = test.message + (f"\nat {test.location}" if test.location else "")
        if result.status in (ERROR, TIMEOUT) and not result.tests:
            case = ET.SubElement(suite, "testcase", classname=result.id, name="(kata)")
            ET.SubElement(case, "error", message=_one_line(result.message)).text = result.message
        elif result.status == TIMEOUT:
            ET.SubElement(suite, "system-err").text = result.message
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode")


STATUS_LABELS = {PASS: "pass", FAIL: "FAIL", ERROR: "ERROR", TIMEOUT: "TIMEOUT"}
STATUS_STYLES = {PASS: "green", FAIL: "red", ERROR: "magenta", TIMEOUT: "yellow"}


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
        problem = result.first_problem
        detail = ""
        if result.status in (ERROR, TIMEOUT) or (problem is None and result.message):
            detail = result.message
        elif problem is not None:
            detail = f"{problem.name}: {problem.message}"
            if problem.location:
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
    passed = sum(1 for r in results if r.status == PASS)
    console.print(f"{passed}/{len(results)} katas pass")
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


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MESSAGE_WIDTH]


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_WIDTH else text[: MESSAGE_WIDTH - 1] + "…"
