"""The untouched stubs, kept beside each kata so `reset` works without git (a zip download, say).

katas/NN_slug/.original/<file>.orig is a byte-for-byte copy of each learner-editable file as the
kata ships it, and .original/shipped.txt names every file the kata ships (outside .spec/), so that
`check` can tell a file the learner added (which grading never takes) from a given one. Authors
refresh them with `python -m checker dev snapshot`; `dev verify` fails when one is missing or
differs from the stub (checked in the pristine tree, where nobody has edited).
The .orig suffix keeps them out of pytest's collection and out of tools that read Python files.

The files that patches under .spec change (kata 11's broken apps patch its app.py) are kept here
too: specs apply those patches to the pristine copy, never to a file the learner may have edited.
`reset` restores only the learner's files (kata.toml's `files`).
"""

from __future__ import annotations

import shutil
import time
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
    """Copy the current stub files (and the bases of spec patches) into .original/, and list
    what ships (for kata authors)."""
    written = []
    for name in tracked_files(kata):
        target = original_path(kata, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(kata.path / name, target)
        written.append(target)
    manifest = layout.shipped_manifest(kata.path)
    manifest.write_text("".join(f"{name}\n" for name in present_files(kata)), encoding="utf-8")
    written.append(manifest)
    return written


def present_files(kata: Kata) -> list[str]:
    """The files in the kata folder now, outside .spec/ and .original/, as relative paths."""
    skipped = {layout.SPEC_DIRNAME, layout.ORIGINALS_DIRNAME, "__pycache__"}
    return sorted(
        path.relative_to(kata.path).as_posix()
        for path in kata.path.rglob("*")
        if path.is_file()
        and not skipped.intersection(path.relative_to(kata.path).parts)
        and path.suffix != ".pyc"
    )


def shipped_files(kata: Kata) -> list[str] | None:
    """What the kata shipped with (.original/shipped.txt), or None when it does not say."""
    try:
        text = layout.shipped_manifest(kata.path).read_text(encoding="utf-8")
    except OSError:
        return None
    return [line.strip() for line in text.splitlines() if line.strip()]


def added_files(kata: Kata) -> list[str]:
    """Files the learner added to the kata folder: the specs see them, grading never takes them
    (it takes only what kata.toml lists). Hidden files (editors' swap files) are left out."""
    shipped = shipped_files(kata)
    if shipped is None:
        return []
    known = set(shipped) | set(kata.files)
    return [
        name
        for name in present_files(kata)
        if name not in known and not any(part.startswith(".") for part in name.split("/"))
    ]


def problems(kata: Kata) -> list[str]:
    found = []
    for name in tracked_files(kata):
        original, stub = original_path(kata, name), kata.path / name
        if not original.is_file():
            found.append(f"{ORIGINALS_DIR}/{name}.orig is missing: {SNAPSHOT_ADVICE}")
        elif stub.is_file() and original.read_bytes() != stub.read_bytes():
            found.append(f"{ORIGINALS_DIR}/{name}.orig differs from {name}: {SNAPSHOT_ADVICE}")
    shipped = shipped_files(kata)
    if shipped is not None and shipped != present_files(kata):
        found.append(f"{ORIGINALS_DIR}/{layout.SHIPPED_MANIFEST} is out of date: {SNAPSHOT_ADVICE}")
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


def untouched(kata: Kata) -> bool:
    """Every learner-editable file is still the stub as shipped: the kata is not started."""
    return all(
        original_path(kata, name).is_file()
        and (kata.path / name).is_file()
        and original_path(kata, name).read_bytes() == (kata.path / name).read_bytes()
        for name in kata.files
    )


def back_up(kata: Kata, names: list[str]) -> Path | None:
    """Copy the learner's current `names` to .katas-backups/NN_slug/STAMP/ before a reset;
    returns that folder, or None when none of them exists."""
    present = [name for name in names if (kata.path / name).is_file()]
    if not present:
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = kata.layout.backup_dir(kata.id, stamp)
    number = 1
    while folder.exists():  # two resets within a second
        number += 1
        folder = kata.layout.backup_dir(kata.id, f"{stamp}-{number}")
    for name in present:
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(kata.path / name, target)
    return folder
