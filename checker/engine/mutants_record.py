"""A kata's mutants record: solutions/NN_slug/mutants.json, committed next to the solution.

`dev mutants --record` writes it; `dev verify` reads it without running any mutant. It holds the
hashes of the solution's and the specs' files it was made from (so a changed file makes it stale),
the operators' version, how many mutants there were and how many the specs killed, and every
survivor with its class and a one-line reason:

    equivalent    no observable change (the mutant behaves as the solution does)
    free          left free by the README: a behaviour the contract deliberately does not fix
    unexplained   not classed yet: a spec should kill it, or the author classes it

The score is killed / (mutants - survivors classed equivalent or free), and the shares of the
two classes are reported beside it, so the score cannot be bought with exclusions.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from checker.engine import layout
from checker.engine.catalog import Catalog, Kata
from checker.engine.mutation import OPERATORS_VERSION

# The least mutation score a kata's record may show (`dev verify`).
MIN_MUTATION_SCORE = 0.95
RECORD_ADVICE = "run `python -m checker dev mutants {kata} --record`"


class SurvivorClass(StrEnum):
    EQUIVALENT = "equivalent"
    FREE = "free"
    UNEXPLAINED = "unexplained"


@dataclass
class Survivor:
    id: str
    file: str
    operator: str
    function: str
    before: str
    after: str
    occurrence: int
    kind: SurvivorClass = SurvivorClass.UNEXPLAINED  # "class" in the file
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["class"] = str(data.pop("kind"))
        return data


@dataclass
class MutantsRecord:
    kata: str
    solution: dict[str, str]  # file -> sha256, relative to the solution folder
    specs: dict[str, str]  # file -> sha256, relative to the .spec folder
    mutants: int
    killed: int
    operators_version: int = OPERATORS_VERSION
    survivors: list[Survivor] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return sum(1 for s in self.survivors if s.kind != SurvivorClass.UNEXPLAINED)

    @property
    def score(self) -> float:
        return mutation_score(self.killed, self.mutants, self.recorded)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["survivors"] = [s.to_json() for s in self.survivors]
        return data

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")


def mutation_score(killed: int, mutants: int, recorded: int) -> float:
    judged = mutants - recorded
    return killed / judged if judged > 0 else 1.0


class RecordError(Exception):
    """The record file cannot be read: the message names the file and the fault."""


def read_record(path: Path) -> MutantsRecord:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        survivors = [
            Survivor(
                id=str(s["id"]),
                file=str(s["file"]),
                operator=str(s["operator"]),
                function=str(s["function"]),
                before=str(s["before"]),
                after=str(s["after"]),
                occurrence=int(s["occurrence"]),
                kind=SurvivorClass(s["class"]),
                reason=str(s.get("reason", "")),
            )
            for s in data["survivors"]
        ]
        return MutantsRecord(
            kata=str(data["kata"]),
            solution={str(k): str(v) for k, v in data["solution"].items()},
            specs={str(k): str(v) for k, v in data["specs"].items()},
            mutants=int(data["mutants"]),
            killed=int(data["killed"]),
            operators_version=int(data["operators_version"]),
            survivors=survivors,
        )
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordError(f"{path.name} cannot be read: {exc}") from None
    except (KeyError, TypeError, AttributeError) as exc:
        raise RecordError(f"{path.name}: missing or malformed entry {exc}") from None
    except ValueError as exc:
        known = ", ".join(SurvivorClass)
        raise RecordError(f"{path.name}: {exc} (a survivor's class is one of {known})") from None


# --- the hashes a record is stamped with ----------------------------------------------------


def _file_hashes(folder: Path, skip: tuple[str, ...]) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not set(path.relative_to(folder).parts) & set(skip)
    }


def solution_hashes(kata: Kata) -> dict[str, str]:
    """Every file of the reference solution (not its mistakes, nor the record itself)."""
    skip = (layout.MISTAKES_DIRNAME, layout.MUTANTS_RECORD, "__pycache__")
    return _file_hashes(kata.solution_dir, skip)


def spec_hashes(kata: Kata) -> dict[str, str]:
    return _file_hashes(kata.spec_dir, ("__pycache__",))


def digest(*hashes: dict[str, str]) -> str:
    """One hash for several {file: hash} maps."""
    text = json.dumps(hashes, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# --- what `dev verify` checks -----------------------------------------------------------------


def record_problems(catalog: Catalog, kata: Kata, required: bool) -> list[str]:
    """What is wrong with `kata`'s record; a missing record is a problem only when `required`."""
    path = catalog.layout.mutants_record(kata.id)
    where = catalog.layout.relative(path)
    advice = RECORD_ADVICE.format(kata=kata.id)
    if not path.is_file():
        return [f"no mutants record ({where}): {advice}"] if required else []
    try:
        record = read_record(path)
    except RecordError as exc:
        return [f"{exc}: fix it, or {advice}"]
    problems = []
    changed = _changed(record.solution, solution_hashes(kata), "solutions")
    changed += _changed(record.specs, spec_hashes(kata), ".spec")
    if record.operators_version != OPERATORS_VERSION:
        changed.append(f"the operators (version {record.operators_version} -> {OPERATORS_VERSION})")
    if changed:
        problems.append(f"the mutants record is stale ({', '.join(changed)} changed): {advice}")
    unexplained = [s for s in record.survivors if s.kind == SurvivorClass.UNEXPLAINED]
    if unexplained:
        ids = ", ".join(s.id for s in unexplained[:5]) + (" ..." if len(unexplained) > 5 else "")
        problems.append(
            f"{len(unexplained)} unexplained mutant survivors in {where} ({ids}): kill each with "
            "a spec, or class it equivalent or free with a one-line reason"
        )
    reasonless = [s.id for s in record.survivors if s.kind != "unexplained" and not s.reason]
    if reasonless:
        problems.append(f"survivors classed without a reason in {where}: {', '.join(reasonless)}")
    if record.score < MIN_MUTATION_SCORE:
        problems.append(
            f"mutation score {record.score:.1%} is below {MIN_MUTATION_SCORE:.0%} "
            f"({record.killed} killed of {record.mutants - record.recorded})"
        )
    return problems


def _changed(recorded: dict[str, str], current: dict[str, str], where: str) -> list[str]:
    names = sorted(set(recorded) | set(current))
    return [f"{where}/{n}" for n in names if recorded.get(n) != current.get(n)]
