"""The catalog of katas: what each kata.toml says, validated, and how a kata name resolves.

Every verb goes through this module to find katas. The paths come from checker.engine.layout; the
keys a kata.toml may hold are declared once, in checker.engine.kata_toml.KataToml. A kata whose
kata.toml is wrong still lists, and reports the problem as its error, in one line naming the
file and the key.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checker.engine import layout
from checker.engine.layout import Layout

if TYPE_CHECKING:
    from pydantic import ValidationError

DEFAULT_TIME_LIMIT_S = 30.0
# The difficulties a kata.toml may give (checker.engine.kata_toml.Difficulty checks the same).
DIFFICULTIES = ("easy", "medium", "advanced")


class CatalogError(Exception):
    """A kata name that does not resolve, or a folder that holds no katas."""


@dataclass(frozen=True)
class DebriefItem:
    question: str
    answer: str


@dataclass(frozen=True)
class KataMeta:
    """A kata.toml that passed validation (checker.engine.kata_toml.KataToml), as plain data."""

    title: str
    difficulty: str
    track: str
    topics: tuple[str, ...]
    files: tuple[str, ...]
    time_limit: float
    assumes: tuple[str, ...]
    hints: tuple[str, ...]
    debrief: tuple[DebriefItem, ...]
    may_import: tuple[str, ...]
    # [limits]: what one run may use where the sandbox's defaults are too small (only those set).
    limits: dict[str, int]
    version: int

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> KataMeta:
        return cls(
            title=str(data["title"]),
            difficulty=str(data["difficulty"]),
            track=str(data["track"]),
            topics=tuple(data["topics"]),
            files=tuple(data["files"]),
            time_limit=float(data["time_limit"]),
            assumes=tuple(data["assumes"]),
            hints=tuple(data["hints"]),
            debrief=tuple(
                DebriefItem(str(d["question"]), str(d["answer"])) for d in data["debrief"]
            ),
            may_import=tuple(data.get("may_import", ())),
            limits={k: int(v) for k, v in (data.get("limits") or {}).items() if v is not None},
            version=int(data["version"]),
        )


@dataclass(frozen=True)
class Kata:
    id: str
    number: int
    slug: str
    path: Path
    layout: Layout = field(repr=False)
    # None when kata.toml is missing or wrong: such a kata lists, and reports load_error.
    meta: KataMeta | None = field(repr=False, compare=False, default=None)
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
    def may_import(self) -> tuple[str, ...]:
        return self.meta.may_import if self.meta else ()

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


def read_kata_toml(path: Path, cache: dict[str, Any] | None = None) -> tuple[KataMeta | None, str]:
    """The validated kata.toml, or None and one line naming the file and the key at fault.

    `cache` maps a digest of the file's bytes to what validation gave last time, so `list` does
    not import pydantic when no kata.toml changed (it costs more than the rest of `list`).
    """
    where = f"{path.parent.name}/{path.name}"
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, f"{where} is missing"
    digest = hashlib.sha256(raw).hexdigest()
    if cache is not None and digest in cache:
        return KataMeta.from_dict(cache[digest]), ""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return None, f"{where} cannot be read: {exc}"
    from pydantic import ValidationError

    from checker.engine.kata_toml import KataToml

    try:
        valid = KataToml.model_validate(data)
    except ValidationError as exc:
        return None, f"{where}: " + "; ".join(_key_problem(error) for error in _errors(exc))
    meta = KataMeta.from_dict(valid.model_dump())
    if cache is not None:
        cache[digest] = asdict(meta)
    return meta, ""


def _errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [dict(error) for error in exc.errors()]


def _key_problem(error: dict[str, Any]) -> str:
    from checker.engine.kata_toml import KataToml

    key = ".".join(str(part) for part in error.get("loc", ())) or "(file)"
    if error.get("type") == "extra_forbidden":
        return f"{key}: unknown key (known: {', '.join(KataToml.model_fields)})"
    if error.get("type") == "missing":
        return f"{key}: missing"
    message = str(error.get("msg", "invalid")).replace("a valid tuple", "a list, in [brackets]")
    return f"{key}: {message} (got {error.get('input')!r})"


def load_kata(path: Path, checkout: Layout, cache: dict[str, Any] | None = None) -> Kata:
    match = layout.KATA_DIR_PATTERN.match(path.name)
    if not match:
        raise CatalogError(f"{path}: a kata folder is named NN_slug (two digits, lowercase slug)")
    meta, load_error = read_kata_toml(path / layout.KATA_TOML, cache)
    return Kata(
        id=path.name,
        number=int(match.group(1)),
        slug=match.group(2),
        path=path,
        layout=checkout,
        meta=meta,
        load_error=load_error,
    )


def _cache_key() -> str:
    """Validation results are only as good as the model that gave them."""
    model = Path(__file__).with_name("kata_toml.py")
    return hashlib.sha256(model.read_bytes() + Path(__file__).read_bytes()).hexdigest()[:16]


def _load_cache(checkout: Layout) -> dict[str, Any]:
    try:
        data = json.loads(checkout.kata_toml_cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("model") != _cache_key():
        return {}
    entries = data.get("entries")
    return dict(entries) if isinstance(entries, dict) else {}


def _save_cache(checkout: Layout, cache: dict[str, Any]) -> None:
    path = checkout.kata_toml_cache
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps({"model": _cache_key(), "entries": cache}), "utf-8")
        temporary.replace(path)
    except OSError:
        pass  # a read-only checkout validates again next time


@dataclass(frozen=True)
class Catalog:
    root: Path
    katas: tuple[Kata, ...]

    @classmethod
    def load(cls, root: Path) -> Catalog:
        checkout = Layout(root)
        if not checkout.katas_dir.is_dir():
            raise CatalogError(f"{root}: no {layout.KATAS_DIRNAME}/ folder here")
        cache = _load_cache(checkout)
        before = len(cache)
        katas = [
            load_kata(child, checkout, cache)
            for child in sorted(checkout.katas_dir.iterdir())
            if child.is_dir() and layout.KATA_DIR_PATTERN.match(child.name)
        ]
        if len(cache) != before:
            _save_cache(checkout, cache)
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
        names = [k.id for k in self.katas] + [k.slug for k in self.katas]
        close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.6)
        if close:
            kata = next(k for k in self.katas if close[0] in (k.id, k.slug))
            raise CatalogError(f"no kata named {name!r}; did you mean {kata.id}?")
        known = ", ".join(k.id for k in self.katas) or "none"
        raise CatalogError(f"no kata named {name!r} (known: {known})")

    @property
    def tracks(self) -> list[str]:
        return list(dict.fromkeys(k.track for k in self.katas if k.track))

    def resolve_track(self, name: str) -> str:
        """A track from its name or a part of it ("security", "dependency")."""
        wanted = name.strip().lower()
        for track in self.tracks:
            if wanted == track.lower():
                return track
        partial = [t for t in self.tracks if wanted and wanted in t.lower()]
        if len(partial) == 1:
            return partial[0]
        close = difflib.get_close_matches(wanted, [t.lower() for t in self.tracks], n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        known = ", ".join(repr(t) for t in self.tracks) or "none"
        raise CatalogError(f"no track named {name!r}{hint} (tracks: {known})")

    def select(self, names: list[str]) -> list[Kata]:
        if not names:
            return list(self.katas)
        selected: list[Kata] = []
        for name in names:
            kata = self.resolve(name)
            if kata not in selected:
                selected.append(kata)
        return selected
