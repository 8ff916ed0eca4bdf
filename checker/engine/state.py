"""The learner's progress: one small JSON file in the project root that git ignores.

Only `check` of the learner's own katas writes a status here; grading never reads it, and losing
it loses nothing that another `check` cannot recompute.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeAlias

from checker.engine.layout import Layout
from checker.engine.results import KataResult, Status

# {"version": 1, "katas": {KATA_ID: {"status": "fail", "passed": 3, "total": 23,
#                                    "checked_at": ..., "hints_shown": N}}}
Progress: TypeAlias = dict[str, Any]


def _path(root: Path) -> Path:
    return Layout(root).state_file


def load(root: Path) -> Progress:
    try:
        data = json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": 1, "katas": {}}
    if not isinstance(data, dict) or not isinstance(data.get("katas"), dict):
        return {"version": 1, "katas": {}}
    return data


def save(root: Path, state: Progress) -> None:
    path = _path(root)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)


def kata_entry(state: Progress, kata_id: str) -> dict[str, Any]:
    entry: dict[str, Any] = state["katas"].setdefault(kata_id, {})
    return entry


def record_results(
    root: Path, results: list[KataResult], versions: Mapping[str, int] | None = None
) -> None:
    """Each kata's status and how many of its specs passed; a run that the environment broke
    (the kata process could not import pytest, say) says nothing about the learner's code, so
    it changes nothing here."""
    from checker.engine.environment import environment_failure

    judged = [r for r in results if not environment_failure(r)]
    if not judged:
        return
    state = load(root)
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    for result in judged:
        entry = kata_entry(state, result.id)
        entry["status"] = str(result.status)
        entry["passed"] = result.passed
        entry["total"] = len(result.tests)
        entry["checked_at"] = now
        if versions is not None and result.id in versions:
            entry["kata_version"] = versions[result.id]
    save(root, state)


def spec_counts(state: Progress, kata_id: str) -> tuple[int, int] | None:
    """(passed, total) specs at the last check, or None when not recorded."""
    entry = state["katas"].get(kata_id, {})
    passed, total = entry.get("passed"), entry.get("total")
    if isinstance(passed, int) and isinstance(total, int) and total > 0:
        return passed, total
    return None


def recorded_version(state: Progress, kata_id: str) -> int:
    """The kata's version (kata.toml `version`) when it was last checked; 1 when not recorded."""
    value = state["katas"].get(kata_id, {}).get("kata_version", 1)
    return value if isinstance(value, int) else 1


def passes(state: Progress, kata_id: str, version: int) -> bool:
    """The kata passed at its last check, against the contract it has now: a pass recorded for
    an older version (a changed README and specs) does not count until it is checked again."""
    return status_of(state, kata_id) == Status.PASS and recorded_version(state, kata_id) >= version


def status_of(state: Progress, kata_id: str) -> Status | None:
    """The last recorded status, or None when the kata was never checked (or the file is odd)."""
    value = state["katas"].get(kata_id, {}).get("status", "")
    try:
        return Status(value)
    except ValueError:
        return None


def hints_shown(state: Progress, kata_id: str) -> int:
    return int(state["katas"].get(kata_id, {}).get("hints_shown", 0))


def set_hints_shown(root: Path, kata_id: str, count: int) -> None:
    state = load(root)
    kata_entry(state, kata_id)["hints_shown"] = count
    save(root, state)
