"""docs/CLAIMS.md stays true: every row's phrase is in the file it names, every test id exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.claims.quote import REPO, quoted

TABLE = REPO / "docs" / "CLAIMS.md"
ROW = re.compile(r"^\| (\d{2}) \| (.+) \| (README\.md|kata\.toml) \| (.+) \|$")
TEST_ID = re.compile(r"(tests/claims/test_\w+\.py)::(\w+)")


def _rows() -> list[tuple[str, str, str, str]]:
    rows = []
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            rows.append(match.groups())
    return rows


def _kata_id(number: str) -> str:
    return next(p.name for p in (REPO / "katas").iterdir() if p.name.startswith(number + "_"))


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def test_the_table_has_rows_for_every_kata_with_claims() -> None:
    numbers = {row[0] for row in _rows()}
    assert len(_rows()) > 100 and len(numbers) >= 20, f"docs/CLAIMS.md lost rows: {numbers}"


def test_every_row_quotes_its_file_and_names_a_real_test_or_a_reason() -> None:
    problems = []
    for number, phrase, file_name, check in _rows():
        # A phrase cell may hold Markdown escapes for the table's pipes.
        text = phrase.replace("\\|", "|").strip()
        if text.startswith("`") and text.endswith("`") and text.count("`") == 2:
            text = text[1:-1]
        try:
            quoted(_kata_id(number), file_name, text)
        except AssertionError as exc:
            problems.append(str(exc).split(":", 1)[0] + f": {text!r}")
        ids = TEST_ID.findall(check)
        if not ids and "not executable" not in check:
            problems.append(f"{number} {text!r}: neither a test id nor 'not executable: reason'")
        for path, name in ids:
            if name not in _tests_in(REPO / path):
                problems.append(f"{number} {text!r}: {path}::{name} does not exist")
    assert not problems, "\n".join(problems)
