"""The catalog of katas: what each kata.toml says, validated, and how a kata name resolves.

Every verb goes through this module to find katas. The paths come from checker.engine.layout; the
keys a kata.toml may hold are declared once, in KataToml. A kata whose kata.toml is wrong still
lists, and reports the problem as its error, in one line naming the file and the key.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from checker.engine import layout
from checker.engine.layout import Layout

DIFFICULTIES = ("easy", "medium", "advanced")
DEFAULT_TIME_LIMIT_S = 30.0
Difficulty = Literal["easy", "medium", "advanced"]
# Strict scalars (a number is no title, "forty" is no time limit); TOML arrays become tuples.
Text = Annotated[str, Field(min_length=1, strict=True)]


class CatalogError(Exception):
    """A kata name that does not resolve, or a folder that holds no katas."""


class DebriefItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: Text
    answer: Text


class KataLimits(BaseModel):
    """[limits] in kata.toml: what one run of this kata may use, where the default is too small
    (checker.engine.sandbox.Limits holds the defaults; in force inside the sandbox)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    processes: Annotated[int, Field(ge=16, le=4096, strict=True)] | None = None
    memory_mb: Annotated[int, Field(ge=256, le=16384, strict=True)] | None = None
    open_files: Annotated[int, Field(ge=64, le=65536, strict=True)] | None = None
    file_size_mb: Annotated[int, Field(ge=16, le=4096, strict=True)] | None = None
    private_mb: Annotated[int, Field(ge=16, le=4096, strict=True)] | None = None


class KataToml(BaseModel):
    """The keys of a kata.toml: the one place they are declared (later features add keys here)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    difficulty: Difficulty
    track: Text
    topics: tuple[Text, ...] = Field(min_length=1)
    # The files a learner edits, relative to the kata folder; grading takes only these.
    files: tuple[Text, ...] = Field(default=("app.py",), min_length=1)
    # Seconds the specs may run; the runner adds a start-up allowance.
    time_limit: Annotated[float, Field(gt=0, le=600, strict=True)]
    assumes: tuple[Text, ...] = ()
    hints: tuple[Text, ...] = Field(min_length=2)
    debrief: tuple[DebriefItem, ...] = Field(min_length=1)
    limits: KataLimits | None = None
    # Bumped when the kata's contract changes: a pass recorded for an older version is stale.
    version: Annotated[int, Field(ge=1, strict=True)] = 1


@dataclass(frozen=True)
class Kata:
    id: str
    number: int
    slug: str
    path: Path
    layout: Layout = field(repr=False)
    # None when kata.toml is missing or wrong: such a kata lists, and reports load_error.
    meta: KataToml | None = field(repr=False, compare=False, default=None)
    load_error: str = ""

    # The fields every verb reads, with safe values for a kata whose kata.toml is broken.
    @property
    def title(self) -> str:
        return self.meta.title if self.meta else self.id

    @property
    def difficulty(self) -> str:
        return self.meta.difficulty if self.meta else ""

    @property
    def track(self) -> str:
        return self.meta.track if self.meta else ""

    @property
    def topics(self) -> tuple[str, ...]:
        return self.meta.topics if self.meta else ()

    @property
    def files(self) -> tuple[str, ...]:
        return self.meta.files if self.meta else ("app.py",)

    @property
    def hints(self) -> tuple[str, ...]:
        return self.meta.hints if self.meta else ()

    @property
    def time_limit_s(self) -> float:
        return self.meta.time_limit if self.meta else DEFAULT_TIME_LIMIT_S

    @property
    def assumes(self) -> tuple[str, ...]:
        return self.meta.assumes if self.meta else ()

    @property
    def debrief(self) -> tuple[DebriefItem, ...]:
        return self.meta.debrief if self.meta else ()

    @property
    def version(self) -> int:
        return self.meta.version if self.meta else 1

    @property
    def spec_dir(self) -> Path:
        return layout.spec_dir(self.path)

    @property
    def readme(self) -> Path:
        return self.path / layout.README

    @property
    def solution_dir(self) -> Path:
        return self.layout.solution_dir(self.id)

    def spec_files(self) -> list[Path]:
        return layout.spec_files(self.path)


def find_root(start: Path | None = None) -> Path:
    """The project root: the nearest folder above `start` holding katas/ and checker/.

    Falls back to the folder this package lives in, so `python -m checker` works from anywhere
    inside a clone and from an editable install.
    """
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / layout.KATAS_DIRNAME).is_dir() and (candidate / "checker").is_dir():
            return candidate
    return Path(__file__).resolve().parents[2]


def read_kata_toml(path: Path) -> tuple[KataToml | None, str]:
    """The validated kata.toml, or None and one line naming the file and the key at fault."""
    where = f"{path.parent.name}/{path.name}"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{where} is missing"
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return None, f"{where} cannot be read: {exc}"
    try:
        return KataToml.model_validate(data), ""
    except ValidationError as exc:
        return None, f"{where}: " + "; ".join(_key_problem(error) for error in exc.errors())


def _key_problem(error: object) -> str:
    assert isinstance(error, dict)
    key = ".".join(str(part) for part in error.get("loc", ())) or "(file)"
    if error.get("type") == "extra_forbidden":
        return f"{key}: unknown key (known: {', '.join(KataToml.model_fields)})"
    if error.get("type") == "missing":
        return f"{key}: missing"
    message = str(error.get("msg", "invalid")).replace("a valid tuple", "a list, in [brackets]")
    return f"{key}: {message} (got {error.get('input')!r})"


def load_kata(path: Path, checkout: Layout) -> Kata:
    match = layout.KATA_DIR_PATTERN.match(path.name)
    if not match:
        raise CatalogError(f"{path}: a kata folder is named NN_slug (two digits, lowercase slug)")
    meta, load_error = read_kata_toml(path / layout.KATA_TOML)
    return Kata(
        id=path.name,
        number=int(match.group(1)),
        slug=match.group(2),
        path=path,
        layout=checkout,
        meta=meta,
        load_error=load_error,
    )


@dataclass(frozen=True)
class Catalog:
    root: Path
    katas: tuple[Kata, ...]

    @classmethod
    def load(cls, root: Path) -> Catalog:
        checkout = Layout(root)
        if not checkout.katas_dir.is_dir():
            raise CatalogError(f"{root}: no {layout.KATAS_DIRNAME}/ folder here")
        katas = [
            load_kata(child, checkout)
            for child in sorted(checkout.katas_dir.iterdir())
            if child.is_dir() and layout.KATA_DIR_PATTERN.match(child.name)
        ]
        return cls(root=root, katas=tuple(katas))

    @property
    def layout(self) -> Layout:
        return Layout(self.root)

    @property
    def solutions_dir(self) -> Path:
        return self.layout.solutions_dir

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
