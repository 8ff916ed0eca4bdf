"""Grading a learner's checkout from the trusted side.

Only the learner-editable files that each kata's kata.toml lists (in *this* tree) are taken from
the submission and copied into a scratch tree; the specs, plugin and checker that run are this
tree's own. Nothing else in the submission (a conftest.py, pytest.ini, an edited spec, a plugin)
takes part. Edits to protected files are reported, as information, by comparing them with ours.

Every run also gets must-fail canary specs (checker.engine.canaries): a run that reports one
passed is graded TAMPERED. Flags for a person to review are added next to each kata's verdict:
what the integrity scan found in the learner's files before they ran (checker.engine.integrity),
and whether they are the reference solution or a mistake, renamed (checker.engine.similarity).

Score: points per passing kata by difficulty (POINTS), out of the points of every kata graded.
"""

from __future__ import annotations

import filecmp
import io
import shutil
import subprocess
import tarfile
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from checker.engine import canaries, integrity, layout, similarity
from checker.engine.catalog import Catalog, Kata
from checker.engine.layout import Layout
from checker.engine.results import Flag, FlagKind, KataResult, Status
from checker.engine.runner import run_many

POINTS = {"easy": 1, "medium": 2, "advanced": 3}
# What a learner has no reason to change; a change is reported next to the grade.
PROTECTED_GLOBS = (
    f"{layout.KATAS_DIRNAME}/*/{layout.SPEC_DIRNAME}/**/*",
    f"{layout.KATAS_DIRNAME}/*/{layout.KATA_TOML}",
    "checker/**/*",
    "noxfile.py",
    "pyproject.toml",
    ".github/workflows/*",
)


@dataclass
class Grade:
    submission: Path
    results: list[KataResult]
    katas: list[Kata]
    protected_changes: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return score(self.katas, self.results)["score"]

    @property
    def max_score(self) -> int:
        return score(self.katas, self.results)["max_score"]

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.status == Status.PASS)

    def summary_line(self) -> str:
        return f"{self.passed}/{len(self.katas)} katas pass, score {self.score}/{self.max_score}"


def _points(kata: Kata) -> int:
    return POINTS.get(kata.difficulty, 1)


def score(katas: list[Kata], results: list[KataResult]) -> dict[str, int]:
    by_id = {k.id: k for k in katas}
    passing = [r for r in results if r.status == Status.PASS]
    return {
        "score": sum(_points(by_id[r.id]) for r in passing),
        "max_score": sum(_points(by_id[r.id]) for r in results),
        "passed": len(passing),
        "total": len(results),
    }


def collect_submission(catalog: Catalog, katas: list[Kata], submission: Path, tree: Path) -> None:
    """tree/NN_slug/: our kata's support files (a given store.py, say), then the learner's
    editable files (as our kata.toml lists them) from the submission, and nothing else."""
    for kata in katas:
        target = tree / kata.id
        shutil.copytree(kata.path, target, ignore=shutil.ignore_patterns(*layout.NOT_SUPPORT_FILES))
        for name in kata.files:
            (target / name).unlink(missing_ok=True)  # only the learner's own version counts
        for name in kata.files:
            source = Layout(submission).kata_dir(kata.id) / name
            # Only regular files inside the submission: a symlink could point at anything.
            if source.is_file() and not source.is_symlink():
                destination = target / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)


def protected_changes(catalog: Catalog, submission: Path) -> list[str]:
    """Protected files that differ from ours, are missing, or were added in the submission."""
    changes = []
    for pattern in PROTECTED_GLOBS:
        ours = {p.relative_to(catalog.root) for p in catalog.root.glob(pattern) if _counts(p)}
        theirs = {p.relative_to(submission) for p in submission.glob(pattern) if _counts(p)}
        for path in sorted(ours | theirs):
            if path not in theirs:
                changes.append(f"{path} (deleted)")
            elif path not in ours:
                changes.append(f"{path} (added)")
            elif not filecmp.cmp(catalog.root / path, submission / path, shallow=False):
                changes.append(f"{path} (modified)")
    return sorted(set(changes))


def _counts(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts


def grade(
    catalog: Catalog,
    katas: list[Kata],
    submissions: list[Path],
    parallel: int,
    sandboxed: bool = False,
    katas_ref: str | None = None,
) -> list[Grade]:
    """Grade each submission against this tree's specs, or against the specs as they were at git
    commit `katas_ref` (the version of the katas a class started with)."""
    grades = []
    with tempfile.TemporaryDirectory(prefix="katas-grade-", ignore_cleanup_errors=True) as scratch:
        # The sandbox's non-root uid passes through to the one submission folder it is shown.
        Path(scratch).chmod(0o711)
        # The specs are read from a copy taken before any learner code runs, so code that writes
        # into this tree cannot change how a later kata or a later submission is graded.
        trusted = Path(scratch) / "trusted"
        if katas_ref is None:
            shutil.copytree(catalog.layout.katas_dir, Layout(trusted).katas_dir,
                            ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        else:
            export_katas(catalog.root, katas_ref, trusted)
        snapshot = Catalog.load(trusted)
        katas_to_run = [snapshot.resolve(k.id) for k in katas]
        jobs: list[tuple[Kata, Path | None]] = []
        flags: list[list[Flag]] = []  # one list per job, found before any learner code runs
        variants = {
            kata.id: similarity.fingerprints(reference_variants(kata, catalog.solutions_dir))
            for kata in katas
        }
        for index, submission in enumerate(submissions):
            tree = Path(scratch) / str(index)
            collect_submission(catalog, katas, submission, tree)
            jobs += [(kata, tree) for kata in katas_to_run]
            flags += [review_flags(kata, tree / kata.id, variants[kata.id]) for kata in katas]
        results = _run_with_canaries(jobs, parallel, sandboxed)
    for result, found in zip(results, flags, strict=True):
        result.flags = [*result.flags, *found]
    for index, submission in enumerate(submissions):
        chunk = results[index * len(katas) : (index + 1) * len(katas)]
        grades.append(Grade(submission, chunk, katas, protected_changes(catalog, submission)))
    return grades


def export_katas(root: Path, ref: str, target: Path) -> None:
    """target/katas/ = the katas/ folder of git commit `ref` in the repository at `root`."""
    target.mkdir(parents=True, exist_ok=True)
    try:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", "--format=tar", ref, layout.KATAS_DIRNAME],
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or str(exc).encode()
        raise GradingError(
            f"--katas-ref {ref}: cannot read katas/ at that commit "
            f"({detail.decode(errors='replace').strip()})"
        ) from None
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(target, filter="data")


class GradingError(Exception):
    """Grading cannot start: the message says why (an unknown --katas-ref, say)."""


# Where the variants a submission is compared with come from: the one function to change when
# mistakes are stored differently.
reference_variants: similarity.VariantSource = similarity.reference_variants


def review_flags(
    kata: Kata, learner_dir: Path, variants: list[tuple[str, similarity.Fingerprint]]
) -> list[Flag]:
    """The integrity scan's findings in the learner's files of `kata`, and whether those files
    are a reference variant renamed. Read from the submission's copy before anything runs."""
    files = similarity.read_files(learner_dir, kata.files)
    python = {name: source for name, source in files.items() if name.endswith(".py")}
    found = [finding.to_flag() for finding in integrity.scan(python, kata.may_import)]
    if files and len(files) == len(kata.files):
        match = similarity.match_fingerprint(similarity.fingerprint(files), variants)
        if match == similarity.REFERENCE:
            found.append(Flag(FlagKind.MATCHES_REFERENCE,
                              "the same code as the reference solution once formatting and "
                              "names are normalised"))  # fmt: skip
        elif match is not None:
            found.append(Flag(FlagKind.MATCHES_MISTAKE,
                              f"the same code as {match} once formatting and names are "
                              "normalised"))  # fmt: skip
    return found


def _run_with_canaries(
    jobs: list[tuple[Kata, Path | None]], parallel: int, sandboxed: bool
) -> list[KataResult]:
    """run_many, with fresh canaries planted in each run's private spec copy, then judged."""
    planted: dict[tuple[str, Path | None], list[canaries.Canary]] = {}
    lock = threading.Lock()

    def plant(kata: Kata, impl_root: Path | None, spec_copy: Path) -> None:
        found = canaries.plant(spec_copy)
        with lock:
            planted[(kata.id, impl_root)] = found

    results = run_many(jobs, parallel, sandboxed=sandboxed, prepare_specs=plant)
    return [
        canaries.judge(result, planted.get((kata.id, impl_root), []))
        for (kata, impl_root), result in zip(jobs, results, strict=True)
    ]
