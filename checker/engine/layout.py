"""Where things live in a checkout of the katas: every path rule of the project, in one place.

    <root>/katas/NN_slug/             README.md, kata.toml, the stub files,
                                      .spec/ (the hidden specs, test_*.py, in subfolders too),
                                      .original/<file>.orig (the stubs as shipped, for `reset`),
                                      .original/shipped.txt (every file the kata ships)
    <root>/solutions/NN_slug/         the reference files, and mistakes/NAME.patch
    <root>/solutions/NN_slug/mutants.json   the kata's mutants record (`dev mutants --record`)
    <root>/.katas-state.json          the learner's progress
    <root>/.katas-cache/              derived data, rebuilt when missing (git ignores it)
    <root>/.katas-cache/mutants/      cached mutant verdicts
    <root>/.mistakes-work/NN_slug/    mistakes being edited by `dev mistake` (git-ignored)
    <root>/.katas-backups/NN_slug/STAMP/<file>   what `reset` replaced (git ignores it)

Nothing here imports anything heavy: the code inside the kata process uses it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

KATAS_DIRNAME = "katas"
SOLUTIONS_DIRNAME = "solutions"
SPEC_DIRNAME = ".spec"
ORIGINALS_DIRNAME = ".original"
ORIGINAL_SUFFIX = ".orig"
# In .original/: every file the kata ships outside .spec/, one relative path a line.
SHIPPED_MANIFEST = "shipped.txt"
MISTAKES_DIRNAME = "mistakes"
MISTAKE_SUFFIX = ".patch"
KATA_TOML = "kata.toml"
README = "README.md"
STATE_FILE = ".katas-state.json"
MUTANTS_RECORD = "mutants.json"
# Derived data a checkout can rebuild at any time (validated kata.toml files, mutant results).
CACHE_DIRNAME = ".katas-cache"
MISTAKES_WORK_DIRNAME = ".mistakes-work"
# What `reset` replaced, kept outside the kata folders so that nothing there changes what runs.
BACKUPS_DIRNAME = ".katas-backups"
SPEC_GLOB = "test_*.py"
KATA_DIR_PATTERN = re.compile(r"^(\d{2})_([a-z0-9_]+)$")
# Folders of a kata that are not code the implementation imports.
NOT_SUPPORT_FILES = (SPEC_DIRNAME, ORIGINALS_DIRNAME, "__pycache__", KATA_TOML, README)


@dataclass(frozen=True)
class Layout:
    """The paths of one checkout (a learner's clone, a trusted tree, a scratch tree)."""

    root: Path

    @property
    def katas_dir(self) -> Path:
        return self.root / KATAS_DIRNAME

    @property
    def solutions_dir(self) -> Path:
        return self.root / SOLUTIONS_DIRNAME

    @property
    def state_file(self) -> Path:
        return self.root / STATE_FILE

    @property
    def cache_dir(self) -> Path:
        return self.root / CACHE_DIRNAME

    @property
    def kata_toml_cache(self) -> Path:
        return self.cache_dir / "kata-toml.json"

    @property
    def mistakes_work_dir(self) -> Path:
        return self.root / MISTAKES_WORK_DIRNAME

    @property
    def backups_dir(self) -> Path:
        return self.root / BACKUPS_DIRNAME

    def backup_dir(self, kata_id: str, stamp: str) -> Path:
        return self.backups_dir / kata_id / stamp

    def kata_dir(self, kata_id: str) -> Path:
        return self.katas_dir / kata_id

    def solution_dir(self, kata_id: str) -> Path:
        return self.solutions_dir / kata_id

    def mistakes_dir(self, kata_id: str) -> Path:
        return self.solution_dir(kata_id) / MISTAKES_DIRNAME

    def mistake_patch(self, kata_id: str, name: str) -> Path:
        return self.mistakes_dir(kata_id) / f"{name}{MISTAKE_SUFFIX}"

    def mutants_record(self, kata_id: str) -> Path:
        return self.solution_dir(kata_id) / MUTANTS_RECORD

    @property
    def mutants_cache_dir(self) -> Path:
        return self.cache_dir / "mutants"

    def relative(self, path: Path) -> str:
        """`path` as a learner types it from the root, or as given when it lies elsewhere."""
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)


def spec_dir(kata_dir: Path) -> Path:
    return kata_dir / SPEC_DIRNAME


def spec_files(kata_dir: Path) -> list[Path]:
    """The kata's spec files, in subfolders of .spec too, in a stable order."""
    return sorted(spec_dir(kata_dir).rglob(SPEC_GLOB))


def original_path(kata_dir: Path, file_name: str) -> Path:
    return kata_dir / ORIGINALS_DIRNAME / f"{file_name}{ORIGINAL_SUFFIX}"


def shipped_manifest(kata_dir: Path) -> Path:
    return kata_dir / ORIGINALS_DIRNAME / SHIPPED_MANIFEST


def kata_dir_of_spec(spec_path: Path) -> Path:
    """The kata folder a spec file belongs to: the parent of its nearest `.spec` ancestor."""
    for parent in spec_path.resolve().parents:
        if parent.name == SPEC_DIRNAME:
            return parent.parent
    return spec_path.resolve().parent  # a spec run outside a kata (the checker's own tests)
