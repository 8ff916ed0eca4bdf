"""The `github` report: what a GitHub Actions runner reads from a step.

- a markdown table appended to $GITHUB_STEP_SUMMARY (kata, status, specs passed, first failure);
- one `::error file=...,line=...::` annotation per failing kata, on the learner's file, printed
  to stdout (few and useful: the first problem of each kata, not one per spec);
- `score`, `max_score`, `passed` and `total` appended to $GITHUB_OUTPUT.

Learner-controlled text (exception messages, say) is escaped so that it can never start a line
of its own, and any table printed for people is fenced with ::stop-commands:: so that a message
that looks like a workflow command is shown, not obeyed.
"""

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from checker.engine import layout
from checker.engine.catalog import Kata
from checker.engine.results import KataResult, Status, describe

STATUS_ICONS = {
    Status.PASS: "✅ pass",
    Status.FAIL: "❌ fail",
    Status.ERROR: "💥 error",
    Status.TIMEOUT: "⏱️ timeout",
    Status.TAMPERED: "🚩 tampered",
}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(katas: list[Kata], results: list[KataResult]) -> list[str]:
    by_id = {k.id: k for k in katas}
    lines = []
    for result in results:
        problem = describe(result)
        if problem is None:
            continue
        kata = by_id[result.id]
        file_name, line = (kata.files[0] if kata.files else "app.py"), ""
        if problem.location:
            file_name, _, line = problem.location.rpartition(":")
        message = problem.summary
        # Relative to the repository the workflow checked out, where the learner's katas are.
        path = f"{layout.KATAS_DIRNAME}/{kata.id}/{file_name}"
        properties = f"file={escape_property(path)}"
        if line.isdigit():
            properties += f",line={line}"
        properties += f",title={escape_property(f'{kata.id} {result.status}')}"
        lines.append(f"::error {properties}::{escape_data(message)}")
    for result in results:
        for flag in result.flags:
            # A flag on a learner's file points there; the rest (canary evidence) at the kata.
            on_learner_file = flag.file and not flag.file.startswith(layout.SPEC_DIRNAME)
            file_name = flag.file if on_learner_file else by_id[result.id].files[0]
            path = f"{layout.KATAS_DIRNAME}/{result.id}/{file_name}"
            properties = f"file={escape_property(path)}"
            if on_learner_file and flag.line:
                properties += f",line={flag.line}"
            properties += f",title={escape_property(f'{result.id} {flag.label}')}"
            lines.append(f"::warning {properties}::{escape_data(flag.evidence)}")
    return lines


def summary_markdown(
    katas: list[Kata], results: list[KataResult], headline: str, badge: str
) -> str:
    by_id = {k.id: k for k in katas}
    rows = [
        f"## FastAPI Katas: {headline}",
        "",
        badge,
        "",
        "| kata | status | specs passed | first failure |",
        "| --- | --- | --- | --- |",
    ]
    for result in results:
        problem = describe(result)
        detail = problem.summary if problem is not None else ""
        title = by_id[result.id].title if result.id in by_id else ""
        rows.append(
            f"| {result.id} {_cell(title)} | {STATUS_ICONS[result.status]} "
            f"| {result.passed}/{len(result.tests)} | {_cell(detail)} |"
        )
    flagged = [(result.id, flag) for result in results for flag in result.flags]
    if flagged:
        rows += ["", "### Flags for review", "", "| kata | flag | where | evidence |",
                 "| --- | --- | --- | --- |"]  # fmt: skip
        for kata_id, flag in flagged:
            where = f"{flag.file}:{flag.line}" if flag.line else flag.file
            rows.append(f"| {kata_id} | {flag.label} | {_cell(where)} | {_cell(flag.evidence)} |")
    return "\n".join(rows) + "\n"


def badge_markdown(passed: int, total: int, score: int, max_score: int) -> str:
    colour = "brightgreen" if passed == total else ("yellow" if passed else "lightgrey")
    return (
        f"![FastAPI Katas: {passed}/{total}](https://img.shields.io/badge/"
        f"FastAPI_Katas-{passed}%2F{total}_katas_·_{score}%2F{max_score}_points-{colour})"
    )


def fence(text: str) -> str:
    """Text printed with workflow commands off, so none of its lines can act as one."""
    token = secrets.token_hex(16)
    return f"::stop-commands::{token}\n{text}\n::{token}::"


def publish(
    katas: list[Kata],
    results: list[KataResult],
    human_text: str,
    outputs: Mapping[str, int],
    headline: str,
    environ: Mapping[str, str] | None = None,
) -> str:
    """Write the summary and outputs where the runner reads them; return what goes to stdout."""
    environ = os.environ if environ is None else environ
    badge = badge_markdown(
        outputs["passed"], outputs["total"], outputs["score"], outputs["max_score"]
    )
    summary_path = environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        with Path(summary_path).open("a", encoding="utf-8") as summary:
            summary.write(summary_markdown(katas, results, headline, badge))
    output_path = environ.get("GITHUB_OUTPUT")
    if output_path:
        with Path(output_path).open("a", encoding="utf-8") as output:
            output.writelines(f"{key}={value}\n" for key, value in outputs.items())
    return "\n".join([fence(human_text), *annotations(katas, results)])


def _cell(text: str) -> str:
    text = " ".join(text.split()).replace("|", "\\|").replace("<", "&lt;")
    return text if len(text) <= 200 else text[:199] + "…"
