"""The learner's progress: one small JSON file in the project root that git ignores.

Only `check` of the learner's own katas writes a status here; grading never reads it, and losing
it loses nothing that another `check` cannot recompute.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

STATE_FILE = ".katas-state.json"


def _path(root: Path) -> Path:
    return root / STATE_FILE


def load(root: Path) -> dict:
    try:
        data = json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": 1, "katas": {}}
    if not isinstance(data, dict) or not isinstance(data.get("katas"), dict):
        return {"version": 1, "katas": {}}
    return data


def save(root: Path, state: dict) -> None:
    path = _path(root)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    temporary.replace(path)


def kata_entry(state: dict, kata_id: str) -> dict:
    return state["katas"].setdefault(kata_id, {})


def record_statuses(root: Path, statuses: dict[str, str]) -> None:
    state = load(root)
    now = time.strftime("%Y-%m-%dT%H:%M:%S")
    for kata_id, status in statuses.items():
        entry = kata_entry(state, kata_id)
        entry["status"] = status
        entry["checked_at"] = now
    save(root, state)


def status_of(state: dict, kata_id: str) -> str:
    return state["katas"].get(kata_id, {}).get("status", "")


def hints_shown(state: dict, kata_id: str) -> int:
    return int(state["katas"].get(kata_id, {}).get("hints_shown", 0))


def set_hints_shown(root: Path, kata_id: str, count: int) -> None:
    state = load(root)
    kata_entry(state, kata_id)["hints_shown"] = count
    save(root, state)
