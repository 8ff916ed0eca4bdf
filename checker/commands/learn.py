"""The learner's verbs that are not the watch loop: list, hint, next, reset, solution, debrief.

Each returns an exit code and prints through `out`, so tests call them directly. Messages are
written for a learner: what happened, where, and what to do next.
"""

from __future__ import annotations

import argparse
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from checker.commands.common import UsageError, ask
from checker.engine import originals, state
from checker.engine.catalog import Catalog, Kata
from checker.engine.results import Status

if TYPE_CHECKING:
    from checker.commands.common import Verbs

Out = Callable[[str], None]
PASS = Status.PASS


def add_parser(verbs: Verbs) -> None:
    listing = verbs.add_parser("list", help="every kata by track, with its last known status")
    listing.add_argument("--pending", action="store_true", help="only katas not passing yet")
    listing.add_argument("--done", action="store_true", help="only katas that pass")
    listing.add_argument("--track", default=None, help="only katas of this track")
    listing.set_defaults(handler=_list)

    hinting = verbs.add_parser("hint", help="show the next hint of a kata")
    hinting.add_argument("kata", metavar="KATA")
    hinting.add_argument("--all", action="store_true", help="every hint at once")
    hinting.set_defaults(handler=_hint)

    following = verbs.add_parser("next", help="the first kata not passing yet, and where to start")
    following.set_defaults(handler=lambda catalog, args: next_kata(catalog, print))

    resetting = verbs.add_parser("reset", help="restore a kata's original stub")
    resetting.add_argument("katas", nargs="*", metavar="KATA")
    resetting.add_argument("--all", action="store_true", help="every kata")
    resetting.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    resetting.set_defaults(handler=_reset)

    solving = verbs.add_parser("solution", help="the reference solution, once the kata passes")
    solving.add_argument("kata", metavar="KATA")
    solving.add_argument("--show-anyway", action="store_true", help="show it before passing")
    solving.set_defaults(handler=_solution)


def _list(catalog: Catalog, args: argparse.Namespace) -> int:
    if args.pending and args.done:
        raise UsageError("--pending and --done exclude each other")
    return list_katas(catalog, print, pending=args.pending, done=args.done, track=args.track)


def _hint(catalog: Catalog, args: argparse.Namespace) -> int:
    return hint(catalog, catalog.resolve(args.kata), print, show_all=args.all)


def _reset(catalog: Catalog, args: argparse.Namespace) -> int:
    if not args.katas and not args.all:
        raise UsageError("reset needs KATA names or --all")
    katas = list(catalog.katas) if args.all else catalog.select(args.katas)
    return reset(catalog, katas, print, confirm=lambda question: args.yes or ask(question))


def _solution(catalog: Catalog, args: argparse.Namespace) -> int:
    return solution(catalog, catalog.resolve(args.kata), print, force=args.show_anyway)


def progress_bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return f"Progress: [{'#' * filled}{'-' * (width - filled)}] {done}/{total}"


def first_pending(catalog: Catalog, progress: state.Progress) -> Kata | None:
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
