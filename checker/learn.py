"""The learner's verbs that are not the watch loop: list, hint, next, reset, solution, debrief.

Each returns an exit code and prints through `out`, so tests call them directly. Messages are
written for a learner: what happened, where, and what to do next.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from checker import originals, state
from checker.catalog import Catalog, Kata
from checker.results import PASS

Out = Callable[[str], None]


def progress_bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return f"Progress: [{'#' * filled}{'-' * (width - filled)}] {done}/{total}"


def first_pending(catalog: Catalog, progress: dict) -> Kata | None:
    return next((k for k in catalog.katas if state.status_of(progress, k.id) != PASS), None)


def list_katas(catalog: Catalog, out: Out, *, pending: bool, done: bool, track: str | None) -> int:
    progress = state.load(catalog.root)
    passed = sum(1 for k in catalog.katas if state.status_of(progress, k.id) == PASS)
    current_track = None
    for kata in catalog.katas:
        status = state.status_of(progress, kata.id)
        if (pending and status == PASS) or (done and status != PASS):
            continue
        if track and track.lower() not in kata.track.lower():
            continue
        if kata.track != current_track:
            current_track = kata.track
            out(f"\n{kata.track or 'other'}")
        shown = status or "not checked"
        out(f"  {kata.id:<26} {kata.difficulty:<9} {shown:<12} {kata.title}")
    out("")
    out(f"{progress_bar(passed, len(catalog.katas))} katas pass (as of the last check)")
    return 0


def hint(catalog: Catalog, kata: Kata, out: Out, *, show_all: bool) -> int:
    if not kata.hints:
        out(f"{kata.id} has no hints. Its README is {_readme(catalog, kata)}.")
        return 0
    progress = state.load(catalog.root)
    shown = state.hints_shown(progress, kata.id)
    count = len(kata.hints) if show_all else min(shown + 1, len(kata.hints))
    for number, text in enumerate(kata.hints[:count], start=1):
        out(f"Hint {number}/{len(kata.hints)}: {text}")
    if count < len(kata.hints):
        out(f"(`python -m checker hint {kata.number:02d}` again for the next one.)")
    else:
        out("That was the last hint. The reference solution opens once the kata passes.")
    if count > shown:
        state.set_hints_shown(catalog.root, kata.id, count)
    return 0


def next_kata(catalog: Catalog, out: Out) -> int:
    kata = first_pending(catalog, state.load(catalog.root))
    if kata is None:
        out("Every kata passes. Well done!")
        return 0
    out(f"Next: {kata.id}, {kata.title} ({kata.difficulty})")
    out(f"Read {_readme(catalog, kata)}, edit {', '.join(_files(catalog, kata))}, then run")
    out(f"    python -m checker watch {kata.number:02d}")
    return 0


def reset(catalog: Catalog, katas: list[Kata], out: Out, confirm: Callable[[str], bool]) -> int:
    changed = {k.id: originals.changed_files(k) for k in katas}
    to_reset = [k for k in katas if changed[k.id]]
    missing = [k for k in katas if originals.problems(k) and not changed[k.id]]
    if not to_reset:
        out("Nothing to reset: the selected katas are as they shipped.")
        return 0 if not missing else 1
    names = ", ".join(f"{k.id} ({', '.join(changed[k.id])})" for k in to_reset)
    if not confirm(f"Restore the original stub of {names}? Your changes will be lost. [y/N] "):
        out("Nothing was changed.")
        return 1
    for kata in to_reset:
        restored = originals.restore(kata)
        out(f"Restored {kata.id}: {', '.join(restored)}")
    return 0


def solution(catalog: Catalog, kata: Kata, out: Out, *, force: bool) -> int:
    status = state.status_of(state.load(catalog.root), kata.id)
    if status != PASS and not force:
        out(
            f"{kata.id} does not pass yet (last check: {status or 'not checked'}), so its solution "
            "stays closed: working it out is the point. Try `python -m checker hint "
            f"{kata.number:02d}`. To look anyway: `python -m checker solution {kata.number:02d} "
            "--show-anyway`."
        )
        return 1
    for name in kata.files:
        path = catalog.solutions_dir / kata.id / name
        out(f"# {path.relative_to(catalog.root)}")
        out(path.read_text(encoding="utf-8") if path.is_file() else "(missing)")
    return 0


def debrief(kata: Kata, width: int = 96) -> str:
    lines = [f"Debrief for {kata.id}: what an interviewer may ask"]
    for number, item in enumerate(kata.debrief, start=1):
        lines.append("")
        lines += textwrap.wrap(f"{number}. {item.question}", width, subsequent_indent="   ")
        lines += textwrap.wrap(item.answer, width, initial_indent="   ", subsequent_indent="   ")
    return "\n".join(lines)


def _readme(catalog: Catalog, kata: Kata) -> Path:
    return kata.readme.relative_to(catalog.root)


def _files(catalog: Catalog, kata: Kata) -> list[str]:
    return [str((kata.path / name).relative_to(catalog.root)) for name in kata.files]
