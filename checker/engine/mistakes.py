"""The common mistakes of a kata: solutions/NN_slug/mistakes/NAME.patch, each a patch file (see
checker.engine.patches) against the reference solution in solutions/NN_slug/.

`dev verify` builds each mistake into a scratch tree and expects the specs to reject it; the
`dev mistake` verbs write one out into a work folder for its author and diff it back.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from checker.engine import layout, patches
from checker.engine.layout import Layout

NAME_PATTERN = re.compile(r"^[a-z0-9_]+$")


@dataclass(frozen=True)
class Mistake:
    kata_id: str
    name: str
    path: Path  # the .patch file
    note: str  # "" when the header has no `Mistake: ...` line


def find(checkout: Layout, kata_id: str) -> list[Mistake]:
    """The kata's mistakes, by name."""
    folder = checkout.mistakes_dir(kata_id)
    if not folder.is_dir():
        return []
    return [
        Mistake(kata_id, path.stem, path, patches.read_note(path))
        for path in sorted(folder.glob(f"*{layout.MISTAKE_SUFFIX}"))
        if path.is_file()
    ]


def leftover_copies(checkout: Layout, kata_id: str) -> list[Path]:
    """Folders in mistakes/: the old full-copy form, which nothing reads any more."""
    folder = checkout.mistakes_dir(kata_id)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__")


def copy_reference(checkout: Layout, kata_id: str, target: Path) -> None:
    """target/ = the reference solution's files, without its mistakes or caches."""
    ignore = shutil.ignore_patterns(layout.MISTAKES_DIRNAME, "__pycache__")
    shutil.copytree(checkout.solution_dir(kata_id), target, ignore=ignore)


def assemble(checkout: Layout, mistake: Mistake, target: Path) -> None:
    """target/ = the reference solution with the mistake's patch applied (PatchError if the
    patch does not apply exactly: its message names the patch, the file and the hunk)."""
    copy_reference(checkout, mistake.kata_id, target)
    patches.apply_file(mistake.path, target, checkout.relative(mistake.path))


def path_of(checkout: Layout, kata_id: str, name: str) -> Path:
    if not NAME_PATTERN.match(name):
        raise patches.PatchError(f"{name!r}: a mistake's name is lowercase letters, digits and _")
    return checkout.mistakes_dir(kata_id) / f"{name}{layout.MISTAKE_SUFFIX}"


def write(checkout: Layout, kata_id: str, name: str, note: str, changed: Path) -> Path:
    """Diff the folder `changed` (a whole copy of the reference, edited) against the reference
    and store the result as the mistake NAME; returns the patch's path."""
    with_reference = checkout.solution_dir(kata_id)
    mistakes_folder = f"{layout.MISTAKES_DIRNAME}/"
    reference_files = {
        n for n in patches.files_under(with_reference)
        if not n.startswith(mistakes_folder)
    }  # fmt: skip
    names = patches.files_under(changed)
    extra = [n for n in names if n not in reference_files]
    if extra:
        raise patches.PatchError(
            f"{', '.join(extra)}: not in the reference solution; a mistake only changes its files"
        )
    text = patches.make(note, with_reference, changed, names)
    target = path_of(checkout, kata_id, name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target
