"""The catalog of katas: where they live, what their kata.toml says, and how a name resolves.

Every verb goes through this module to find katas, so the layout is decided here only:

    <root>/katas/NN_slug/       README.md, kata.toml, the stub files, .spec/test_*.py
    <root>/solutions/NN_slug/   the reference files, and mistakes/<name>/ with common mistakes
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

DIFFICULTIES = ("easy", "medium", "advanced")
KATA_DIR_PATTERN = re.compile(r"^(\d{2})_([a-z0-9_]+)$")
DEFAULT_TIME_LIMIT_S = 30.0


class CatalogError(Exception):
    """A kata name that does not resolve, or a kata.toml that cannot be read."""


@dataclass(frozen=True)
class DebriefItem:
    question: str
    answer: str


@dataclass(frozen=True)
class Kata:
    id: str
    number: int
    slug: str
    path: Path
    title: str
    difficulty: str
    track: str
    topics: tuple[str, ...]
    files: tuple[str, ...]
    hints: tuple[str, ...]
    time_limit_s: float
    assumes: tuple[str, ...]
    debrief: tuple[DebriefItem, ...]
    raw: dict = field(repr=False, compare=False, default_factory=dict)
    # Why kata.toml could not be read; such a kata still lists, and reports this as its error.
    load_error: str = ""

    @property
    def spec_dir(self) -> Path:
        return self.path / ".spec"

    @property
    def readme(self) -> Path:
        return self.path / "README.md"

    def spec_files(self) -> list[Path]:
        return sorted(self.spec_dir.glob("test_*.py"))


def find_root(start: Path | None = None) -> Path:
    """The project root: the nearest folder above `start` holding katas/ and checker/.

    Falls back to the folder this package lives in, so `python -m checker` works from anywhere
    inside a clone and from an editable install.
    """
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "katas").is_dir() and (candidate / "checker").is_dir():
            return candidate
    return Path(__file__).resolve().parent.parent


def load_kata(path: Path) -> Kata:
    match = KATA_DIR_PATTERN.match(path.name)
    if not match:
        raise CatalogError(f"{path}: a kata folder is named NN_slug (two digits, lowercase slug)")
    toml_path = path / "kata.toml"
    load_error = ""
    try:
        data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        data, load_error = {}, f"{path.name}/kata.toml is missing"
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        data, load_error = {}, f"{path.name}/kata.toml cannot be read: {exc}"
    debrief = tuple(
        DebriefItem(str(item.get("question", "")), str(item.get("answer", "")))
        for item in data.get("debrief", [])
    )
    return Kata(
        id=path.name,
        number=int(match.group(1)),
        slug=match.group(2),
        path=path,
        title=str(data.get("title", path.name)),
        difficulty=str(data.get("difficulty", "")),
        track=str(data.get("track", "")),
        topics=tuple(data.get("topics", ())),
        files=tuple(data.get("files", ("app.py",))),
        hints=tuple(data.get("hints", ())),
        time_limit_s=float(data.get("time_limit", DEFAULT_TIME_LIMIT_S)),
        assumes=tuple(data.get("assumes", ())),
        debrief=debrief,
        raw=data,
        load_error=load_error,
    )


@dataclass(frozen=True)
class Catalog:
    root: Path
    katas: tuple[Kata, ...]

    @classmethod
    def load(cls, root: Path) -> Catalog:
        katas_dir = root / "katas"
        if not katas_dir.is_dir():
            raise CatalogError(f"{root}: no katas/ folder here")
        katas = [
            load_kata(child)
            for child in sorted(katas_dir.iterdir())
            if child.is_dir() and KATA_DIR_PATTERN.match(child.name)
        ]
        return cls(root=root, katas=tuple(katas))

    @property
    def solutions_dir(self) -> Path:
        return self.root / "solutions"

    def resolve(self, name: str) -> Kata:
        """A kata from `7`, `07`, `dependencies` or `07_dependencies`."""
        wanted = name.strip().rstrip("/").split("/")[-1]
        for kata in self.katas:
            if wanted in (kata.id, kata.slug):
                return kata
            if wanted.isdigit() and int(wanted) == kata.number:
                return kata
        known = ", ".join(k.id for k in self.katas) or "none"
        raise CatalogError(f"no kata named {name!r} (known: {known})")

    def select(self, names: list[str]) -> list[Kata]:
        if not names:
            return list(self.katas)
        selected: list[Kata] = []
        for name in names:
            kata = self.resolve(name)
            if kata not in selected:
                selected.append(kata)
        return selected
