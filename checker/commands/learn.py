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

from checker.commands.common import UsageError, ask, command, kata_here, one_kata
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
    hinting.add_argument(
        "kata", nargs="?", metavar="KATA", help="default: the kata folder you are in"
    )
    hinting.add_argument("--all", action="store_true", help="every hint at once")
    hinting.set_defaults(handler=_hint)

    following = verbs.add_parser("next", help="the first kata not passing yet, and where to start")
    following.set_defaults(handler=lambda catalog, args: next_kata(catalog, print))

    resetting = verbs.add_parser("reset", help="restore a kata's original stub")
    resetting.add_argument(
        "katas", nargs="*", metavar="KATA", help="default: the kata folder you are in"
    )
    resetting.add_argument("--all", action="store_true", help="every kata")
    resetting.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    resetting.set_defaults(handler=_reset)

    solving = verbs.add_parser("solution", help="the reference solution, once the kata passes")
    solving.add_argument(
        "kata", nargs="?", metavar="KATA", help="default: the kata folder you are in"
    )
    solving.add_argument("--show-anyway", action="store_true", help="show it before passing")
    solving.set_defaults(handler=_solution)


def _list(catalog: Catalog, args: argparse.Namespace) -> int:
    if args.pending and args.done:
        raise UsageError("--pending and --done exclude each other")
    track = catalog.resolve_track(args.track) if args.track is not None else None
    return list_katas(catalog, print, pending=args.pending, done=args.done, track=track)


def _hint(catalog: Catalog, args: argparse.Namespace) -> int:
    return hint(catalog, one_kata(catalog, args.kata, "hint"), print, show_all=args.all)


def _reset(catalog: Catalog, args: argparse.Namespace) -> int:
    here = kata_here(catalog)
    if not args.katas and not args.all and here is None:
        raise UsageError("reset needs KATA names or --all (or run it from inside a kata folder)")
    if args.all:
        katas = list(catalog.katas)
    else:
        katas = catalog.select(args.katas) if args.katas else [one_kata(catalog, None, "reset")]
    return reset(catalog, katas, print, confirm=lambda question: args.yes or ask(question))


def _solution(catalog: Catalog, args: argparse.Namespace) -> int:
    kata = one_kata(catalog, args.kata, "solution")
    return solution(catalog, kata, print, force=args.show_anyway)


def progress_bar(done: int, total: int, width: int = 20) -> str:
    filled = round(width * done / total) if total else 0
    return f"Progress: [{'#' * filled}{'-' * (width - filled)}] {done}/{total}"


def kata_progress(progress: state.Progress, kata: Kata) -> str:
    """Where the learner stands on one kata: "pass", "not started" (the stub as shipped),
    "3/23 specs pass", "not checked" (edited, never checked), or the error with its counts."""
    status = state.status_of(progress, kata.id)
    if status == PASS:
        if state.passes(progress, kata.id, kata.version):
            return "pass"
        old = state.recorded_version(progress, kata.id)
        return f"passed v{old}, now v{kata.version}: check again"
    if originals.untouched(kata):
        return "not started"
    if status is None:
        return "not checked"
    counts = state.spec_counts(progress, kata.id)
    if counts is None:
        return str(status)
    specs = f"{counts[0]}/{counts[1]} specs pass"
    return specs if status == Status.FAIL else f"{status}, {specs}"


def first_pending(catalog: Catalog, progress: state.Progress) -> Kata | None:
    return next((k for k in catalog.katas if not state.passes(progress, k.id, k.version)), None)


def list_katas(catalog: Catalog, out: Out, *, pending: bool, done: bool, track: str | None) -> int:
    progress = state.load(catalog.root)
    passed = sum(1 for k in catalog.katas if state.passes(progress, k.id, k.version))
    current_track = None
    for kata in catalog.katas:
        passing = state.passes(progress, kata.id, kata.version)
        if (pending and passing) or (done and not passing):
            continue
        if track is not None and kata.track != track:
            continue
        if kata.track != current_track:
            current_track = kata.track
            out(f"\n{kata.track or 'other'}")
        shown = kata_progress(progress, kata)
        out(f"  {kata.id:<26} {kata.difficulty:<9} {shown:<22} {kata.title}")
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
        out(f"(`{command('hint', f'{kata.number:02d}')}` again for the next one.)")
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
    where = kata_progress(state.load(catalog.root), kata)
    out(f"Next: {kata.id}, {kata.title} ({kata.difficulty}; {where})")
    out(f"Read {_readme(catalog, kata)}, edit {', '.join(_files(catalog, kata))}, then run")
    out(f"    {command('watch', f'{kata.number:02d}')}")
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
        kept = originals.back_up(kata, changed[kata.id])
        restored = originals.restore(kata)
        out(f"Restored {kata.id}: {', '.join(restored)}")
        if kept is not None:
            out(f"  Your version is kept in {kata.layout.relative(kept)}/")
    return 0


def solution(catalog: Catalog, kata: Kata, out: Out, *, force: bool) -> int:
    status = state.status_of(state.load(catalog.root), kata.id)
    number = f"{kata.number:02d}"
    if status != PASS and not force:
        out(
            f"{kata.id} does not pass yet (last check: {status or 'not checked'}), so its solution "
            f"stays closed: working it out is the point. Try `{command('hint', number)}`. To "
            f"look anyway: `{command('solution', number, '--show-anyway')}`."
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
