"""`dev mutants`: how strong a kata's specs are, measured by mutants of its reference solution.

Each mutant (see checker.engine.mutation) is the solution with one small change. It runs through
the warm workers like any implementation, stops at the first failing spec, and is killed when a
spec fails, when it runs past its time limit (3x the solution's own run plus 2 s, at most the
kata's limit) or when it crashes the run; otherwise it survives. Verdicts are cached by the hash
of the mutant's files and the specs, so a second run only runs what changed.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker.engine import layout, mistakes
from checker.engine.catalog import Catalog, Kata
from checker.engine.mutants_record import (
    MIN_MUTATION_SCORE,
    MutantsRecord,
    RecordError,
    Survivor,
    SurvivorClass,
    digest,
    mutation_score,
    read_record,
    solution_hashes,
    spec_hashes,
)
from checker.engine.mutation import OPERATORS_VERSION, Mutant, SolutionSyntaxError, mutants_of
from checker.engine.results import KataResult, Status
from checker.engine.runner import STARTUP_ALLOWANCE_S, run_many

# A mutant's time limit: this many times the solution's own run, plus the margin below.
LIMIT_FACTOR = 3.0
LIMIT_MARGIN_S = 2.0
# Bumped when what a cached verdict means changes.
CACHE_VERSION = 1
REASON_WIDTH = 160
PROGRESS_EVERY = 25


@dataclass
class Verdict:
    mutant: Mutant
    killed: bool
    reason: str = ""  # why it was killed: the failing spec, "timeout after N s", a crash
    cached: bool = False
    duration_s: float = 0.0  # its run's wall time (when it ran: taken from the cache too)


@dataclass
class KataMutants:
    kata: Kata
    original: dict[str, str] = field(default_factory=dict)  # file -> the solution's source
    verdicts: list[Verdict] = field(default_factory=list)
    given: int = 0  # mutants not made: inside `# katas: given` or a __main__ block
    problem: str = ""  # why no mutant could be judged (unparsable or failing solution)
    classes: dict[str, Survivor] = field(default_factory=dict)  # from the record, by id
    solution_s: float = 0.0
    limit_s: float = 0.0

    @property
    def run_s(self) -> float:
        """The kata's mutant run time: its mutants' runs added up (wall time x parallel runs)."""
        return sum(v.duration_s for v in self.verdicts)

    @property
    def killed(self) -> int:
        return sum(1 for v in self.verdicts if v.killed)

    def survivors(self) -> list[tuple[Verdict, SurvivorClass, str]]:
        found = []
        for verdict in self.verdicts:
            if not verdict.killed:
                known = self.classes.get(verdict.mutant.id)
                kind = known.kind if known else SurvivorClass.UNEXPLAINED
                found.append((verdict, kind, known.reason if known else ""))
        return found

    def count(self, kind: SurvivorClass) -> int:
        return sum(1 for _, k, _ in self.survivors() if k == kind)

    @property
    def recorded(self) -> int:
        return self.count(SurvivorClass.EQUIVALENT) + self.count(SurvivorClass.FREE)

    @property
    def score(self) -> float:
        return mutation_score(self.killed, len(self.verdicts), self.recorded)

    @property
    def ok(self) -> bool:
        return (
            not self.problem
            and self.count(SurvivorClass.UNEXPLAINED) == 0
            and self.score >= MIN_MUTATION_SCORE
        )


# --- making the mutants -----------------------------------------------------------------------


def mutate_kata(kata: Kata) -> KataMutants:
    """The kata's mutants, from the .py files the learner edits, as the solution has them."""
    found = KataMutants(kata)
    for name in kata.files:
        path = kata.solution_dir / name
        if not name.endswith(".py") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        found.original[name] = text
        try:
            mutants, given = mutants_of(name, text)
        except SolutionSyntaxError as exc:
            found.problem = f"solutions/{kata.id}/{exc} (the solution cannot be parsed)"
            found.verdicts = []
            return found
        found.verdicts += [Verdict(m, killed=False) for m in mutants]
        found.given += given
    if not found.original:
        found.problem = f"no Python file of kata.toml's files is in solutions/{kata.id}/"
    return found


# --- the cache ----------------------------------------------------------------------------------


class Cache:
    """Verdicts in .katas-cache/mutants/<hash>.json, by the hash of the mutant's files and specs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def put(self, key: str, data: dict[str, Any]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        temporary = self._path(key).with_suffix(".tmp")
        temporary.write_text(json.dumps(data), encoding="utf-8")
        temporary.replace(self._path(key))


def _mutant_key(specs_digest: str, solution: dict[str, str], mutant: Mutant | None) -> str:
    files = dict(solution)
    if mutant is not None:
        files[mutant.file] = hashlib.sha256(mutant.source.encode()).hexdigest()
    text = json.dumps([CACHE_VERSION, OPERATORS_VERSION, specs_digest, files], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


# --- running ------------------------------------------------------------------------------------


def _assemble(kata: Kata, tree: Path, mutant: Mutant | None) -> None:
    """tree/NN_slug/ = the reference solution, with the mutant's file in place of its own."""
    target = tree / kata.id
    ignore = shutil.ignore_patterns(layout.MISTAKES_DIRNAME, layout.MUTANTS_RECORD, "__pycache__")
    shutil.copytree(kata.solution_dir, target, ignore=ignore)
    if mutant is not None:
        (target / mutant.file).write_text(mutant.source, encoding="utf-8")


def why_killed(result: KataResult) -> str | None:
    """None when the mutant survived, else why it was killed."""
    if result.status == Status.PASS:
        return None
    if result.status == Status.TIMEOUT:
        return f"timeout after {result.duration_s:.1f} s"
    problem = result.first_problem
    if result.status == Status.FAIL and problem is not None:
        return f"{problem.name} failed"
    return _clip(f"{result.status}: {result.message}")


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= REASON_WIDTH else text[: REASON_WIDTH - 1] + "…"


def run(
    catalog: Catalog,
    katas: list[Kata],
    parallel: int,
    progress: Callable[[str], None],
    sandboxed: bool = False,
) -> list[KataMutants]:
    cache = Cache(catalog.layout.mutants_cache_dir)
    reports = [mutate_kata(kata) for kata in katas]
    keys: dict[str, str] = {}  # mutant key by (kata id, mutant id)
    baselines: dict[str, str] = {}  # the unmutated solution's key, by kata id
    for report in reports:
        kata = report.kata
        _load_classes(catalog, report, progress)
        if report.problem:
            continue
        specs, solution = digest(spec_hashes(kata)), solution_hashes(kata)
        baselines[kata.id] = _mutant_key(specs, solution, None)
        for verdict in report.verdicts:
            key = _mutant_key(specs, solution, verdict.mutant)
            keys[f"{kata.id}/{verdict.mutant.id}"] = key
            cached = cache.get(key)
            if cached is not None and isinstance(cached.get("killed"), bool):
                verdict.killed, verdict.reason = cached["killed"], str(cached.get("reason", ""))
                verdict.duration_s = float(cached.get("duration_s", 0.0))
                verdict.cached = True

    with tempfile.TemporaryDirectory(prefix="katas-mutants-") as scratch:
        judged = [r for r in reports if not r.problem]
        limits = _solution_runs(
            judged, cache, baselines, parallel, Path(scratch), progress, sandboxed
        )
        jobs: list[tuple[Kata, Path | None]] = []
        todo: list[tuple[KataMutants, Verdict]] = []
        for report in judged:
            if report.problem:
                report.verdicts = []
                continue
            report.limit_s = limits[report.kata.id]
            for verdict in report.verdicts:
                if verdict.cached:
                    continue
                tree = Path(scratch) / f"{report.kata.id}-{verdict.mutant.id}"
                _assemble(report.kata, tree, verdict.mutant)
                jobs.append((report.kata, tree))
                todo.append((report, verdict))
        if jobs:
            progress(f"running {len(jobs)} mutants ({parallel} at a time)")
        done = 0

        def judged_one(index: int, result: KataResult) -> None:
            # Cached as each ends: an interrupted run keeps what it had judged.
            nonlocal done
            report, verdict = todo[index]
            reason = why_killed(result)
            verdict.killed, verdict.reason = reason is not None, reason or ""
            verdict.duration_s = result.duration_s
            key = keys[f"{report.kata.id}/{verdict.mutant.id}"]
            entry = {
                "killed": verdict.killed,
                "reason": verdict.reason,
                "duration_s": result.duration_s,
            }
            cache.put(key, entry)
            done += 1
            if done % PROGRESS_EVERY == 0 and done < len(jobs):
                progress(f"{done}/{len(jobs)} mutants run")

        run_many(
            jobs,
            parallel,
            exit_first=True,
            limits=limits,
            on_job_result=judged_one,
            sandboxed=sandboxed,
        )
    return reports


def _solution_runs(
    reports: list[KataMutants],
    cache: Cache,
    baselines: dict[str, str],
    parallel: int,
    scratch: Path,
    progress: Callable[[str], None],
    sandboxed: bool,
) -> dict[str, float]:
    """Run each solution once (or take its cached run): its time sets its mutants' limit."""
    jobs: list[tuple[Kata, Path | None]] = []
    for report in reports:
        cached = cache.get(baselines[report.kata.id])
        if cached is not None and isinstance(cached.get("duration_s"), float):
            report.solution_s = cached["duration_s"]
        else:
            _assemble(report.kata, scratch / f"{report.kata.id}-solution", None)
            jobs.append((report.kata, scratch / f"{report.kata.id}-solution"))
    if jobs:
        progress(f"running {len(jobs)} solutions to time them")
    by_id = {r.kata.id: r for r in reports}
    for (kata, _), result in zip(
        jobs, run_many(jobs, parallel, exit_first=True, sandboxed=sandboxed), strict=True
    ):
        report = by_id[kata.id]
        if result.status != Status.PASS:
            report.problem = _clip(
                f"the solution does not pass its specs ({result.status}: {result.message}), "
                "so its mutants mean nothing"
            )
            continue
        report.solution_s = result.duration_s
        cache.put(baselines[kata.id], {"duration_s": result.duration_s})
    return {
        r.kata.id: min(
            LIMIT_FACTOR * r.solution_s + LIMIT_MARGIN_S, r.kata.time_limit_s + STARTUP_ALLOWANCE_S
        )
        for r in reports
    }


def _load_classes(catalog: Catalog, report: KataMutants, progress: Callable[[str], None]) -> None:
    path = catalog.layout.mutants_record(report.kata.id)
    if not path.is_file():
        return
    try:
        record = read_record(path)
    except RecordError as exc:
        # Said now: --record would rewrite it with every survivor unexplained.
        progress(f"{report.kata.id}: {exc}; its survivors' classes are not used")
        return
    report.classes = {s.id: s for s in record.survivors}


# --- the record and --promote -------------------------------------------------------------------


def make_record(report: KataMutants) -> MutantsRecord:
    """The record of this run; survivors already classed keep their class and reason."""
    survivors = []
    for verdict, kind, reason in report.survivors():
        m = verdict.mutant
        fields = (m.id, m.file, m.operator, m.function, m.before, m.after, m.occurrence)
        survivors.append(Survivor(*fields, kind, reason))
    return MutantsRecord(
        kata=report.kata.id,
        solution=solution_hashes(report.kata),
        specs=spec_hashes(report.kata),
        mutants=len(report.verdicts),
        killed=report.killed,
        survivors=survivors,
    )


def promote(catalog: Catalog, kata: Kata, mutant_id: str, name: str, note: str) -> Path:
    """Write the mutant as a mistake patch: solutions/NN_slug/mistakes/NAME.patch."""
    report = mutate_kata(kata)
    if report.problem:
        raise ValueError(report.problem)
    matches = [v.mutant for v in report.verdicts if v.mutant.id.startswith(mutant_id)]
    if len(matches) != 1:
        found = "no mutant" if not matches else f"{len(matches)} mutants"
        raise ValueError(f"{found} of {kata.id} with an id starting {mutant_id!r}")
    target = catalog.layout.mistake_patch(kata.id, name)
    if target.exists():
        raise ValueError(f"{catalog.layout.relative(target)} exists already: choose another name")
    return write_mistake(catalog, kata, matches[0], name, note)


def write_mistake(catalog: Catalog, kata: Kata, mutant: Mutant, name: str, note: str) -> Path:
    """The mutant as solutions/NN_slug/mistakes/NAME.patch, written the way every mistake is
    (checker.engine.mistakes), so `dev verify` applies it like the others."""
    with tempfile.TemporaryDirectory(prefix="katas-promote-") as scratch:
        tree = Path(scratch) / kata.id
        mistakes.copy_reference(catalog.layout, kata.id, tree)
        (tree / mutant.file).write_text(mutant.source, encoding="utf-8")
        return mistakes.write(catalog.layout, kata.id, name, " ".join(note.split()), tree)


# --- the reports ----------------------------------------------------------------------------------


def to_json(reports: list[KataMutants]) -> dict[str, Any]:
    katas = []
    for r in reports:
        total = len(r.verdicts)
        katas.append(
            {
                "id": r.kata.id,
                "problem": r.problem,
                "mutants": total,
                "killed": r.killed,
                "survived": total - r.killed,
                "equivalent": r.count(SurvivorClass.EQUIVALENT),
                "free": r.count(SurvivorClass.FREE),
                "unexplained": r.count(SurvivorClass.UNEXPLAINED),
                "given": r.given,
                "score": round(r.score, 4),
                "share": {
                    kind.value: round(r.count(kind) / total, 4) if total else 0.0
                    for kind in (SurvivorClass.EQUIVALENT, SurvivorClass.FREE)
                },
                "ok": r.ok,
                "run_s": round(r.run_s, 2),
                "solution_s": round(r.solution_s, 2),
                "limit_s": round(r.limit_s, 2),
                "cached": sum(1 for v in r.verdicts if v.cached),
                "survivors": [
                    {
                        **_mutant_json(v.mutant),
                        "class": str(kind),
                        "reason": reason,
                        "diff": v.mutant.diff(r.original[v.mutant.file]),
                    }
                    for v, kind, reason in r.survivors()
                ],
                "killed_without_a_failing_spec": [
                    {**_mutant_json(v.mutant), "reason": v.reason}
                    for v in r.verdicts
                    if v.killed and not v.reason.endswith(" failed")
                ],
            }
        )
    return {"min_score": MIN_MUTATION_SCORE, "katas": katas}


def _mutant_json(mutant: Mutant) -> dict[str, Any]:
    return {
        "id": mutant.id,
        "file": mutant.file,
        "line": mutant.line,
        "operator": mutant.operator,
        "function": mutant.function,
        "before": mutant.before,
        "after": mutant.after,
        "occurrence": mutant.occurrence,
    }


def render(reports: list[KataMutants]) -> str:
    lines: list[str] = []
    for r in reports:
        lines += _render_kata(r)
    good = sum(1 for r in reports if r.ok)
    lines.append(
        f"{good}/{len(reports)} katas at a mutation score of at least {MIN_MUTATION_SCORE:.0%} "
        "with no unexplained survivor"
    )
    return "\n".join(lines)


def _render_kata(r: KataMutants) -> list[str]:
    mark = "ok  " if r.ok else "FAIL"
    if r.problem:
        return [f"{mark} {r.kata.id}: {r.problem}"]
    total = len(r.verdicts)
    equivalent, free = r.count(SurvivorClass.EQUIVALENT), r.count(SurvivorClass.FREE)
    unexplained = r.count(SurvivorClass.UNEXPLAINED)

    def share(n: int) -> str:
        return f"{n / total:.0%}" if total else "0%"

    cached = sum(1 for v in r.verdicts if v.cached)
    lines = [
        f"{mark} {r.kata.id}  score {r.score:.1%}  mutants {total}: killed {r.killed}, "
        f"survived {total - r.killed} (equivalent {equivalent} = {share(equivalent)}, "
        f"free {free} = {share(free)}, unexplained {unexplained})",
        f"     {r.given} in given code not mutated; runs {r.run_s:.0f} s added up "
        f"({total - cached} now, {cached} cached); solution {r.solution_s:.1f} s, "
        f"limit {r.limit_s:.1f} s each",
    ]
    for verdict in r.verdicts:
        if verdict.killed and not verdict.reason.endswith(" failed"):
            m = verdict.mutant
            lines.append(f"     killed {m.id} {m.file}:{m.line} {m.label}: {verdict.reason}")
    for verdict, kind, reason in r.survivors():
        m = verdict.mutant
        note = f" [{kind}: {reason}]" if kind != SurvivorClass.UNEXPLAINED else ""
        lines.append(f"  survived {m.id} {m.file}:{m.line} {m.operator} in {m.function}{note}")
        if kind == SurvivorClass.UNEXPLAINED:
            lines += [f"       {line}" for line in _changed_lines(m, r.original[m.file])]
    return lines


def _changed_lines(mutant: Mutant, original: str) -> list[str]:
    diff = mutant.diff(original, context=0).splitlines()
    return [line for line in diff if line[:1] in "-+" and not line.startswith(("---", "+++"))]
