"""`--format github`: the summary, annotations and outputs that a GitHub runner reads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from checker.reports.github import escape_data, escape_property
from tests.conftest import GOOD_APP, REPO

# The learner's code makes its error message look like workflow commands.
HOSTILE = GOOD_APP.replace(
    'return {"pong": True}',
    'raise RuntimeError("boom\\n::stop-commands::abc\\n::error::pwned\\n::set-output name=x::y")',
)


def test_github_format_writes_summary_outputs_and_safe_annotations(tree, tmp_path):
    tree.add_kata("01_ping", GOOD_APP)
    tree.add_kata("02_hostile", HOSTILE)
    summary, outputs = tmp_path / "summary.md", tmp_path / "outputs.txt"
    env = dict(os.environ, GITHUB_STEP_SUMMARY=str(summary), GITHUB_OUTPUT=str(outputs))
    done = subprocess.run(
        [sys.executable, "-m", "checker", "--root", str(tree.root), "check", "--format", "github"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 1
    table = summary.read_text()
    assert "| kata | status | specs passed | first failure |" in table
    assert "01_ping" in table and "02_hostile" in table and "img.shields.io/badge" in table
    assert dict(line.split("=", 1) for line in outputs.read_text().split()) == {
        "score": "1", "max_score": "2", "passed": "1", "total": "2",
    }  # fmt: skip

    lines = done.stdout.splitlines()
    stop = lines[0]
    assert stop.startswith("::stop-commands::")
    token = stop.split("::")[2]
    resume = lines.index(f"::{token}::")
    commands_after_resume = [line for line in lines[resume + 1 :] if line.startswith("::")]
    assert commands_after_resume, "a failing kata gets an annotation"
    # One annotation, for the failing kata only: the hostile message's lines started none.
    assert len(commands_after_resume) == 1, commands_after_resume
    (annotation,) = commands_after_resume
    assert annotation.startswith("::error file=katas/02_hostile/app.py,line="), annotation
    data = annotation.split("::", 2)[2]
    assert "\r" not in data and "%0A::error::pwned" in data
    # Escaped, not dropped: the runner decodes the data back to the learner's whole message.
    assert unescape(data).endswith(
        "boom\n::stop-commands::abc\n::error::pwned\n::set-output name=x::y"
    ), data
    assert not any(line.startswith(("::error::pwned", "::set-output")) for line in lines)


def unescape(data: str) -> str:
    """What the Actions runner does to an annotation's data (the reverse of escape_data)."""
    return data.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


@pytest.mark.parametrize(
    "text", ["plain", "50% done", "a\nb", "a\r\nb", "%0A is not a newline", "::error::x\n::y"]
)
def test_escaped_data_is_one_line_that_decodes_to_the_original(text):
    escaped = escape_data(text)
    assert "\n" not in escaped and "\r" not in escaped, escaped
    assert unescape(escaped) == text


def test_escaped_properties_cannot_end_the_property_list():
    escaped = escape_property("katas/01,line=1::error::x")
    assert "," not in escaped and ":" not in escaped
    assert escaped == "katas/01%2Cline=1%3A%3Aerror%3A%3Ax"
