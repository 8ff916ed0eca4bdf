"""Builders for small kata trees of the tests' own, and a way to run the checker on them."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.engine import mistakes as mistake_files
from checker.engine.layout import Layout

REPO = Path(__file__).resolve().parent.parent

GOOD_APP = """
from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
async def ping():
    return {"pong": True}
"""

# One spec through each client fixture, so both are exercised by every tree.
PING_SPEC = """
async def test_ping_async(client):
    r = await client.get("/ping")
    assert r.status_code == 200 and r.json() == {"pong": True}, (
        f"GET /ping returned {r.status_code} {r.text}: expected 200 {{'pong': true}}"
    )


def test_ping_sync(test_client):
    r = test_client.get("/ping")
    assert r.json() == {"pong": True}, f"GET /ping returned {r.text}"
"""


def kata_toml(title: str, time_limit: float) -> str:
    return textwrap.dedent(f"""\
        title = "{title}"
        difficulty = "easy"
        track = "tests"
        topics = ["testing the checker"]
        files = ["app.py"]
        time_limit = {time_limit}
        hints = ["first", "second"]

        [[debrief]]
        question = "q"
        answer = "a"
        """)


@dataclass
class Tree:
    root: Path

    def add_kata(
        self,
        kata_id: str,
        app: str,
        *,
        spec: str = PING_SPEC,
        time_limit: float = 20,
        solution: str | None = None,
        mistakes: dict[str, str] | None = None,
    ) -> Path:
        kata = self.root / "katas" / kata_id
        (kata / ".spec").mkdir(parents=True)
        (kata / "README.md").write_text(f"# {kata_id}\n")
        (kata / "kata.toml").write_text(kata_toml(kata_id, time_limit))
        (kata / "app.py").write_text(textwrap.dedent(app))
        (kata / ".original").mkdir()
        (kata / ".original" / "app.py.orig").write_text(textwrap.dedent(app))
        (kata / ".spec" / "test_spec.py").write_text(textwrap.dedent(spec))
        if solution is not None:
            solved = self.root / "solutions" / kata_id
            solved.mkdir(parents=True)
            (solved / "app.py").write_text(textwrap.dedent(solution))
            for name, source in (mistakes or {}).items():
                self.add_mistake(kata_id, name, source)
        return kata

    def add_mistake(self, kata_id: str, name: str, source: str, file: str = "app.py") -> Path:
        """solutions/KATA/mistakes/NAME.patch: the solution with `file` replaced by `source`,
        whose docstring's first line is the note."""
        source = textwrap.dedent(source)
        note = (ast.get_docstring(ast.parse(source)) or "").splitlines()[0]
        changed = self.root / "changed" / kata_id / name
        mistake_files.copy_reference(Layout(self.root), kata_id, changed)
        (changed / file).write_text(source)
        return mistake_files.write(Layout(self.root), kata_id, name, note, changed)

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "checker", "--root", str(self.root), *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )

    def check_json(self, *args: str) -> tuple[int, dict]:
        done = self.run("check", "--format", "json", *args)
        assert done.stdout.strip(), f"no report on stdout; stderr: {done.stderr}"
        return done.returncode, json.loads(done.stdout)


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    (tmp_path / "katas").mkdir()
    (tmp_path / "solutions").mkdir()
    return Tree(tmp_path)


def by_id(report: dict) -> dict[str, dict]:
    return {kata["id"]: kata for kata in report["katas"]}


# A stub that fails the ping specs, and two katas that start from it (learner-verb tests).
STUB = GOOD_APP.replace('{"pong": True}', '{"pong": False}')


@pytest.fixture
def two(tree: Tree) -> Tree:
    tree.add_kata("01_ping", STUB, solution=GOOD_APP)
    tree.add_kata("02_pong", STUB, solution=GOOD_APP)
    return tree


def solve(tree: Tree, kata_id: str) -> None:
    (tree.root / "katas" / kata_id / "app.py").write_text(GOOD_APP)
