"""`--format github`: the summary, annotations and outputs that a GitHub runner reads."""

from __future__ import annotations

import os
import subprocess
import sys

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
    for line in commands_after_resume:
        assert line.startswith("::error file=katas/02_hostile/app.py,line="), line
        assert "\n" not in line and "%0A::error::pwned" in line
    assert not any(line.startswith("::error::pwned") for line in lines)
