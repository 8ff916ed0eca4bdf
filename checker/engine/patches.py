"""Patch files: a note and a unified diff that turns a folder of files into a variant of it.

A mistake of a reference solution (solutions/NN_slug/mistakes/NAME.patch) and a broken app of
kata 11 (katas/11_testing/.spec/broken/NAME.patch) are patch files of this form:

    Mistake: the one line that says what is wrong         <- the header: every line before the
    (optional further lines: free text for reviewers)         first `--- `; its first line holds
    --- a/app.py                                              the note, after "Mistake: "
    +++ b/app.py                                           <- paths relative to the folder patched,
    @@ -12,7 +12,7 @@                                         with git's a/ and b/ prefixes
     ...three lines of context, then the lines that differ...

They are written here with difflib and applied with patch-ng (a maintained pure-Python library, so
no `patch` or `git` program is needed, on Windows either). Applying is strict: each hunk must find
its context and removed lines, byte for byte, at the line its header names. patch-ng checks a hunk
only at that line too (it never searches for an offset) and refuses a mismatch without `fuzz`, but
it only logs the refusal, and it reports success, changing nothing, when a file already looks like
the patched version. So every hunk is checked here first, and a failure names the file and hunk.

A patch changes files that exist in the base; it does not add, delete or rename files, and every
file it touches ends with a newline (patch-ng cannot apply "\\ No newline at end of file").
"""

from __future__ import annotations

import difflib
import logging
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from checker.engine import layout

NOTE_PREFIX = "Mistake: "
CONTEXT_LINES = 3
SUFFIX = ".patch"


class PatchError(Exception):
    """A patch that cannot be read, written or applied exactly; the message names the place."""


@dataclass(frozen=True)
class Hunk:
    file: str  # relative to the folder patched, without the a/ prefix
    number: int  # 1-based, within its file
    source_start: int  # the line of the base where the hunk's first old line must be
    source_count: int
    target_start: int
    target_count: int
    lines: tuple[bytes, ...]  # ' ', '-', '+' prefixed, each with its newline

    @property
    def header(self) -> str:
        """As the patch writes it: a count of 1 is left out (difflib's and GNU diff's form)."""

        def span(start: int, count: int) -> str:
            return str(start) if count == 1 else f"{start},{count}"

        source = span(self.source_start, self.source_count)
        return f"@@ -{source} +{span(self.target_start, self.target_count)} @@"

    @property
    def old_lines(self) -> list[bytes]:
        """The lines the base must hold at source_start: context and removed lines."""
        return [line[1:] for line in self.lines if line[:1] in (b" ", b"-")]


def header_lines(text: str) -> list[str]:
    lines = []
    for line in text.splitlines():
        if line.startswith("--- "):
            break
        lines.append(line)
    return lines


def note_of(text: str) -> str:
    """The note in a patch's header ("" when its first line is not `Mistake: ...`)."""
    lines = header_lines(text)
    if lines and lines[0].startswith(NOTE_PREFIX):
        return lines[0][len(NOTE_PREFIX) :].strip()
    return ""


def read_note(path: Path) -> str:
    return note_of(path.read_text(encoding="utf-8"))


def _lines(data: bytes, where: str) -> list[str]:
    """The lines of a text file, each with its "\\n"; split on "\\n" only, as patch-ng reads."""
    if data and not data.endswith(b"\n"):
        raise PatchError(f"{where} does not end with a newline: add one (patches need it)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PatchError(f"{where} is not UTF-8 text: {exc}") from exc
    return [line + "\n" for line in text.split("\n")[:-1]]


def make(note: str, base: Path, changed: Path, names: Iterable[str]) -> str:
    """The patch text that turns base/NAME into changed/NAME for each of `names` (relative, with
    forward slashes); files that do not differ are left out. Raises PatchError when nothing
    differs, or a file is missing from the base (a patch adds no files)."""
    if not note.strip() or "\n" in note:
        raise PatchError("a mistake needs a one-line note saying what is wrong")
    diffs: list[str] = []
    for name in sorted(set(names)):
        old_path, new_path = base / name, changed / name
        if not old_path.is_file():
            raise PatchError(f"{name} is not in {base}: a patch only changes existing files")
        old = _lines(old_path.read_bytes(), str(old_path))
        new = _lines(new_path.read_bytes(), str(new_path))
        diffs += difflib.unified_diff(old, new, f"a/{name}", f"b/{name}", n=CONTEXT_LINES)
    if not diffs:
        raise PatchError(f"{changed} does not differ from {base}: a mistake must change something")
    return f"{NOTE_PREFIX}{note.strip()}\n" + "".join(diffs)


def files_under(folder: Path) -> list[str]:
    """Every file under `folder` (relative, forward slashes), caches left out."""
    return sorted(
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def hunks(text: str, label: str) -> list[Hunk]:
    """The hunks of a patch, parsed by patch-ng; PatchError when it cannot be read."""
    import patch_ng  # imported here: only the verbs and specs that apply patches need it

    parsed = patch_ng.fromstring(text.encode("utf-8"))
    if parsed is False or not parsed.items:
        raise PatchError(f"{label} is not a unified diff patch-ng can read (or changes nothing)")
    found = []
    for item in parsed.items:
        source, target = item.source.decode("utf-8"), item.target.decode("utf-8")
        if not (source.startswith("a/") and target.startswith("b/")) or source[2:] != target[2:]:
            raise PatchError(
                f"{label}: `--- {source}` / `+++ {target}`: a patch changes existing files, "
                "named a/PATH and b/PATH (no new, deleted or renamed files)"
            )
        name = source[2:]
        if PurePosixPath(name).is_absolute() or ".." in PurePosixPath(name).parts:
            raise PatchError(f"{label}: {name} is outside the folder patched")
        for number, hunk in enumerate(item.hunks, start=1):
            found.append(Hunk(name, number, hunk.startsrc, hunk.linessrc,
                              hunk.starttgt, hunk.linestgt, tuple(hunk.text)))  # fmt: skip
    return found


def files_of(path: Path) -> list[str]:
    """The files (relative to the folder patched) that the patch at `path` changes."""
    return sorted({hunk.file for hunk in hunks(path.read_text(encoding="utf-8"), str(path))})


def check(text: str, root: Path, label: str) -> list[Hunk]:
    """The patch's hunks, once each is known to match root's files exactly where it says."""
    found = hunks(text, label)
    for hunk in found:
        where = f"{label}: {hunk.file}, hunk {hunk.number} ({hunk.header})"
        path = root / hunk.file
        if not path.is_file():
            raise PatchError(f"{where}: {hunk.file} does not exist in the base")
        base = path.read_bytes().split(b"\n")
        base = [line + b"\n" for line in base[:-1]] + ([base[-1]] if base[-1] else [])
        for offset, expected in enumerate(hunk.old_lines):
            index = hunk.source_start - 1 + offset
            actual = base[index] if 0 <= index < len(base) else None
            if actual != expected:
                found_text = "the end of the file" if actual is None else repr(actual.decode())
                raise PatchError(
                    f"{where} does not apply: line {index + 1} should be "
                    f"{expected.decode()!r}, found {found_text}"
                )
    return found


def apply(text: str, root: Path, label: str) -> None:
    """Apply the patch to the files under `root`, in place, exactly or not at all."""
    import patch_ng

    check(text, root, label)
    parsed = patch_ng.fromstring(text.encode("utf-8"))
    if parsed is False:  # check() has parsed it already; kept for the type checker
        raise PatchError(f"{label} cannot be read")
    with _quiet(), _cwd_restored():
        applied = parsed.apply(strip=1, root=str(root), fuzz=False)
    if not applied:
        raise PatchError(f"{label}: patch-ng could not apply it although every hunk matches")


def apply_file(path: Path, root: Path, label: str | None = None) -> None:
    apply(path.read_text(encoding="utf-8"), root, label or str(path))


def patched_copy(
    base_files: dict[str, Path], patch: Path, into: Path, label: str | None = None
) -> Path:
    """into/NAME = base_files[NAME] for each file the patch changes, then the patch applied.

    For patches whose base files live elsewhere than one folder (kata 11's broken apps apply to
    the pristine copies in .original/)."""
    for name in files_of(patch):
        if name not in base_files:
            raise PatchError(f"{patch}: changes {name}, which is not one of its base files")
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(base_files[name], target)
    apply_file(patch, into, label)
    return into


def apply_to_originals(kata_dir: Path, patch: Path, into: Path, label: str | None = None) -> Path:
    """into/ = the pristine copies (kata_dir/.original/NAME.orig) of the files the patch changes,
    patched: never the kata's own files, which a learner may have edited."""
    base_files = {name: layout.original_path(kata_dir, name) for name in files_of(patch)}
    for original in base_files.values():
        if not original.is_file():
            raise PatchError(
                f"{label or patch}: its base {layout.ORIGINALS_DIRNAME}/{original.name} is missing "
                "(`python -m checker dev snapshot` writes it)"
            )
    return patched_copy(base_files, patch, into, label)


@contextmanager
def _quiet() -> Iterator[None]:
    """patch-ng logs every step at INFO and WARNING: our own errors say what matters."""
    logger = logging.getLogger("patch_ng")
    before = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = before


@contextmanager
def _cwd_restored() -> Iterator[None]:
    # patch-ng changes directory into `root` and back, but not when it raises half-way.
    before = os.getcwd()
    try:
        yield
    finally:
        os.chdir(before)
