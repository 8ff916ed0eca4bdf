"""The untouched stubs, kept beside each kata so `reset` works without git (a zip download, say).

katas/NN_slug/.original/<file>.orig is a byte-for-byte copy of each learner-editable file as the
kata ships it. Authors refresh them with `python -m checker dev snapshot`; `dev verify` fails when
one is missing or differs from the stub (checked in the pristine tree, where nobody has edited).
The .orig suffix keeps them out of pytest's collection and out of tools that read Python files.

The files that patches under .spec change (kata 11's broken apps patch its app.py) are kept here
too: specs apply those patches to the pristine copy, never to a file the learner may have edited.
`reset` restores only the learner's files (kata.toml's `files`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from checker.engine import layout, patches
from checker.engine.catalog import Kata

ORIGINALS_DIR = layout.ORIGINALS_DIRNAME
SNAPSHOT_ADVICE = "run `python -m checker dev snapshot` after changing a stub"


def original_path(kata: Kata, name: str) -> Path:
    return layout.original_path(kata.path, name)


def spec_patches(kata: Kata) -> list[Path]:
    return sorted(kata.spec_dir.rglob(f"*{patches.SUFFIX}"))


def tracked_files(kata: Kata) -> list[str]:
    """The files kept in .original/: the learner's, then those the spec patches change."""
    names = list(kata.files)
    for patch in spec_patches(kata):
        try:
            names += [name for name in patches.files_of(patch) if name not in names]
        except patches.PatchError:
            continue  # `dev verify` reports the unreadable patch
    return names


def patched_original(kata: Kata, patch: Path, into: Path) -> Path:
    return patches.apply_to_originals(kata.path, patch, into, kata.layout.relative(patch))


def snapshot(kata: Kata) -> list[Path]:
    """Copy the current stub files (and the bases of spec patches) into .original/ (for kata
    authors)."""
    written = []
    for name in tracked_files(kata):
        target = original_path(kata, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kata.path / name, target)
        written.append(target)
    return written


def problems(kata: Kata) -> list[str]:
    found = []
    for name in tracked_files(kata):
        original, stub = original_path(kata, name), kata.path / name
        if not original.is_file():
            found.append(f"{ORIGINALS_DIR}/{name}.orig is missing: {SNAPSHOT_ADVICE}")
        elif stub.is_file() and original.read_bytes() != stub.read_bytes():
            found.append(f"{ORIGINALS_DIR}/{name}.orig differs from {name}: {SNAPSHOT_ADVICE}")
    return found


def changed_files(kata: Kata) -> list[str]:
    return [
        name
        for name in kata.files
        if original_path(kata, name).is_file()
        and (
            not (kata.path / name).is_file()
            or original_path(kata, name).read_bytes() != (kata.path / name).read_bytes()
        )
    ]


def restore(kata: Kata) -> list[str]:
    """Put the original stub files back; returns the names restored."""
    restored = []
    for name in kata.files:
        original = original_path(kata, name)
        if original.is_file():
            target = kata.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(original, target)
            restored.append(name)
    return restored
