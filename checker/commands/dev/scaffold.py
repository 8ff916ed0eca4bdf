"""`dev new NN_slug --title ... --difficulty ... --track ...`: the files of a new kata, to fill in.

Writes katas/NN_slug/ (README.md, app.py, kata.toml, .spec/test_NN_slug.py, .original/) and
solutions/NN_slug/ (app.py, mistakes/). The kata runs at once: its one spec asks for GET / with
200, which the solution answers and the stub does not, so `dev verify` passes it but for what is
left to write: every text to replace holds PLACEHOLDER (verify lists each file and line), and the
mistakes (none yet; `dev mistake new` starts one).
"""

from __future__ import annotations

import json
from pathlib import Path

from checker.commands.common import UsageError
from checker.engine import layout, originals
from checker.engine.catalog import Catalog, load_kata

# Marks every text of a new kata its author still has to write; `dev verify` reports each one.
PLACEHOLDER = "TODO(dev new)"


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def files_for(kata_id: str, number: int, title: str, difficulty: str, track: str) -> dict[str, str]:
    """{path relative to the root: contents} of a new kata."""
    todo = PLACEHOLDER
    kata, solution = f"{layout.KATAS_DIRNAME}/{kata_id}", f"{layout.SOLUTIONS_DIRNAME}/{kata_id}"
    return {
        f"{kata}/{layout.README}": (
            f"# Kata {number:02d}: {title} ({difficulty})\n\n"
            f"{todo}: the service, the idea it teaches, and why interviews ask about it.\n\n"
            "## What you start with\n"
            f"`app.py` holds an empty FastAPI app. {todo}: the names the specs read or write.\n\n"
            "## The contract\n"
            "| request | response |\n| --- | --- |\n"
            f"| `GET /` | 200, a JSON object ({todo}: the real contract) |\n\n"
            f"Run `python -m checker check {number:02d}`.\n"
        ),
        f"{kata}/{layout.KATA_TOML}": (
            f"title = {_toml_string(title)}\n"
            f'difficulty = "{difficulty}"\n'
            f"track = {_toml_string(track)}\n"
            f'topics = ["{todo}"]\n'
            'files = ["app.py"]\n'
            "time_limit = 20\n"
            f'hints = ["{todo}: a nudge", "{todo}: nearly the answer"]\n\n'
            "[[debrief]]\n"
            f'question = "{todo}: the interview question"\n'
            f'answer = "{todo}: the model answer"\n'
        ),
        f"{kata}/app.py": (
            f'"""Kata {number:02d}: {title}. Edit this file until '
            f'`python -m checker check {number:02d}` passes."""\n\n'
            "from fastapi import FastAPI\n\n"
            f"app = FastAPI()  # {todo}: what the learner starts with\n"
        ),
        f"{kata}/{layout.SPEC_DIRNAME}/test_{kata_id}.py": (
            f'"""Specs for kata {number:02d}: {todo} say what they check."""\n\n\n'
            f"# {todo}: replace this first spec with the kata's own (docs/AUTHORING.md).\n"
            "async def test_the_root_answers(client):\n"
            '    response = await client.get("/")\n'
            "    assert response.status_code == 200, (\n"
            '        f"GET / answered {response.status_code} {response.text}: expected 200. "\n'
            '        "Add a GET / route to app.py (see the README\'s contract)."\n'
            "    )\n"
        ),
        f"{solution}/app.py": (
            f'"""Kata {number:02d} reference solution: {title}."""\n\n'
            "from fastapi import FastAPI\n\n"
            "app = FastAPI()\n\n\n"
            '@app.get("/")\n'
            "async def root():\n"
            f"    return {{}}  # {todo}: the reference solution\n"
        ),
    }


def create(catalog: Catalog, kata_id: str, title: str, difficulty: str, track: str) -> list[Path]:
    """Write a new kata; refuses an id, folder or number already in use."""
    match = layout.KATA_DIR_PATTERN.match(kata_id)
    if not match:
        raise UsageError(f"{kata_id!r}: a kata id is NN_slug (two digits, lowercase slug)")
    number = int(match.group(1))
    for kata in catalog.katas:
        if kata.id == kata_id or kata.number == number:
            raise UsageError(f"{kata_id}: kata {kata.id} already uses that number")
    checkout = catalog.layout
    for existing in (checkout.kata_dir(kata_id), checkout.solution_dir(kata_id)):
        if existing.exists():
            raise UsageError(f"{checkout.relative(existing)} already exists")
    written = []
    for relative, text in files_for(kata_id, number, title, difficulty, track).items():
        path = catalog.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    checkout.mistakes_dir(kata_id).mkdir(parents=True)
    kata = load_kata(checkout.kata_dir(kata_id), checkout)
    if kata.load_error:  # the template and the model disagree: a bug here, not the author's
        raise UsageError(f"the scaffold wrote an invalid kata.toml: {kata.load_error}")
    written += originals.snapshot(kata)
    return written


def placeholder_problems(kata_dir: Path, solution_dir: Path, root: Path) -> list[str]:
    """One line per file that still holds a scaffold placeholder, with its line numbers."""
    problems = []
    candidates = [kata_dir / layout.README, kata_dir / layout.KATA_TOML]
    candidates += layout.spec_files(kata_dir)
    candidates += sorted(kata_dir.glob("*.py")) + sorted(solution_dir.rglob("*.py"))
    for path in candidates:
        if not path.is_file():
            continue
        lines = [
            number
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
            if PLACEHOLDER in line
        ]
        if lines:
            where = path.relative_to(root) if path.is_relative_to(root) else path
            numbers = ", ".join(str(n) for n in lines)
            problems.append(f"{where} still holds `{PLACEHOLDER}` placeholders (lines {numbers})")
    return problems
