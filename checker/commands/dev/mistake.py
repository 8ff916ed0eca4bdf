"""`dev mistake edit|new KATA NAME`: write a mistake out as whole files, let its author edit them,
and diff them back into solutions/NN_slug/mistakes/NAME.patch.

The files are written to .mistakes-work/NN_slug/NAME/ under the root (git ignores the folder),
beside NAME.note, which holds the note until the patch is written. The author edits them in any
editor, then presses Enter, or runs the same verb again with --done (from another terminal, or
after --no-wait). The patch is rewritten from the whole folder against the reference solution and
the work folder deleted; on an error (nothing changed, a new file) the folder stays for a retry.
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from checker.commands.common import EXIT_FAILED, EXIT_OK, UsageError
from checker.engine import mistakes, patches
from checker.engine.catalog import Catalog, Kata


@dataclass(frozen=True)
class Work:
    """Where one mistake is being edited."""

    kata: Kata
    name: str
    folder: Path

    @property
    def note_file(self) -> Path:
        return self.folder.with_name(f"{self.name}.note")

    @property
    def patch(self) -> Path:
        return mistakes.path_of(self.kata.layout, self.kata.id, self.name)


def work_for(catalog: Catalog, kata_name: str, name: str) -> Work:
    kata = catalog.resolve(kata_name)
    if not mistakes.NAME_PATTERN.match(name):
        raise UsageError(f"{name!r}: a mistake's name is lowercase letters, digits and _")
    if not kata.solution_dir.is_dir():
        raise UsageError(f"{catalog.layout.relative(kata.solution_dir)} does not exist")
    return Work(kata, name, catalog.layout.mistakes_work_dir / kata.id / name)


def edit(catalog: Catalog, args: argparse.Namespace, say: Callable[[str], None]) -> int:
    work = work_for(catalog, args.kata, args.name)
    if args.done:
        return finish(work, args.note, say)
    if not work.folder.is_dir():
        if not work.patch.is_file():
            raise UsageError(
                f"no mistake {catalog.layout.relative(work.patch)}: "
                f"start one with `dev mistake new {work.kata.id} {work.name} --note ...`"
            )
        note = args.note or patches.read_note(work.patch)
        mistakes.copy_reference(work.kata.layout, work.kata.id, work.folder)
        try:
            patches.apply_file(work.patch, work.folder, catalog.layout.relative(work.patch))
        except patches.PatchError as exc:
            # The reference moved on: the author redoes the change by hand, reading the old patch.
            say(f"{exc}")
            say(
                f"The work folder holds the reference solution: make the mistake again there, "
                f"reading the old patch ({catalog.layout.relative(work.patch)})."
            )
        work.note_file.write_text(note + "\n", encoding="utf-8")
    else:
        say("continuing the edit in progress")
    return wait_then_finish(work, args, say)


def new(catalog: Catalog, args: argparse.Namespace, say: Callable[[str], None]) -> int:
    work = work_for(catalog, args.kata, args.name)
    if args.done:
        return finish(work, args.note, say)
    if work.patch.is_file():
        raise UsageError(
            f"{catalog.layout.relative(work.patch)} exists: change it with "
            f"`dev mistake edit {work.kata.id} {work.name}`"
        )
    if not args.note:
        raise UsageError("a new mistake needs --note 'what is wrong, in one line'")
    if not work.folder.is_dir():
        mistakes.copy_reference(work.kata.layout, work.kata.id, work.folder)
    work.note_file.write_text(args.note.strip() + "\n", encoding="utf-8")
    return wait_then_finish(work, args, say)


def wait_then_finish(work: Work, args: argparse.Namespace, say: Callable[[str], None]) -> int:
    relative = work.kata.layout.relative
    say(f"edit the files in {work.folder}")
    later = f"python -m checker dev mistake {args.mistake_verb} {work.kata.id} {work.name} --done"
    if args.no_wait:
        say(f"then run: {later}")
        return EXIT_OK
    say(f"then press Enter here to write {relative(work.patch)} (or later: {later})")
    try:
        input()
    except (EOFError, KeyboardInterrupt):
        say(f"\nleft as it is; finish with: {later}")
        return EXIT_OK
    return finish(work, args.note, say)


def finish(work: Work, note: str | None, say: Callable[[str], None]) -> int:
    relative = work.kata.layout.relative
    if not work.folder.is_dir():
        raise UsageError(
            f"{relative(work.folder)} does not exist: start with "
            f"`dev mistake edit {work.kata.id} {work.name}` (or `new`)"
        )
    if not note:
        if work.note_file.is_file():
            note = work.note_file.read_text(encoding="utf-8").strip()
        elif work.patch.is_file():
            note = patches.read_note(work.patch)
    try:
        written = mistakes.write(work.kata.layout, work.kata.id, work.name, note or "", work.folder)
    except patches.PatchError as exc:
        say(f"not written: {exc}")
        say(f"the work folder stays: {work.folder}")
        return EXIT_FAILED
    hunks = patches.hunks(written.read_text(encoding="utf-8"), str(written))
    shutil.rmtree(work.folder)
    work.note_file.unlink(missing_ok=True)
    if not any(work.folder.parent.iterdir()):
        work.folder.parent.rmdir()
    say(f"wrote {relative(written)} ({len(hunks)} hunk{'' if len(hunks) == 1 else 's'})")
    say(f"check that the specs reject it: python -m checker dev verify {work.kata.id}")
    return EXIT_OK
