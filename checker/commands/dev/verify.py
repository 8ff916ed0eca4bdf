"""`dev verify`, for kata authors: every kata is complete and its specs tell right from wrong.

For each kata: its files and metadata are complete, the reference solution passes every spec with
no warnings, the untouched stub fails (not errors), and every common mistake fails at least one
spec. A mistake is solutions/NN_slug/mistakes/NAME.patch (checker.engine.mistakes), applied
exactly to a scratch copy of the reference: a patch that no longer applies is a problem naming its
file and hunk. Patches under a kata's .spec (kata 11's broken apps) must apply to its originals.

The mutants are not run here (that is `dev mutants`): a kata's committed mutants record is checked
instead, when there is one (or for every kata with --mutants): it must be current (the hashes of
the solution and the specs it was made from), list no unexplained survivor, and show a score of
at least MIN_MUTATION_SCORE.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from checker.commands.dev.scaffold import placeholder_problems
from checker.engine import layout, mistakes, originals, patches
from checker.engine.catalog import Catalog, Kata
from checker.engine.mistakes import Mistake
from checker.engine.mutants_record import record_problems
from checker.engine.results import KataResult, Role, Status
from checker.engine.runner import run_many

MIN_MISTAKES = 2


@dataclass
class KataVerdict:
    kata: Kata
    problems: list[str] = field(default_factory=list)
    mistakes_caught: int = 0
    mistakes_total: int = 0


def metadata_problems(catalog: Catalog, kata: Kata) -> list[str]:
    # kata.toml's keys, types and minimums (hints, debrief) are checked by its model on load.
    problems = [kata.load_error] if kata.load_error else []
    for name in (layout.README, layout.KATA_TOML):
        if not (kata.path / name).is_file():
            problems.append(f"no {name}")
    if not kata.spec_files():
        problems.append(f"no {layout.SPEC_DIRNAME}/{layout.SPEC_GLOB}")
    for name in kata.files:
        if not (kata.path / name).is_file():
            problems.append(f"stub file {name} is listed in kata.toml but missing")
        if not (catalog.solutions_dir / kata.id / name).is_file():
            problems.append(f"solutions/{kata.id}/{name} is missing")
    problems += originals.problems(kata)
    problems += placeholder_problems(kata.path, kata.solution_dir, catalog.root)
    known = {k.id for k in catalog.katas}
    for assumed in kata.assumes:
        if assumed not in known:
            problems.append(f"assumes {assumed!r}, which is not a kata id")
        elif assumed >= kata.id:
            problems.append(f"assumes {assumed}, which comes later in the curriculum")
    numbers = [k.number for k in catalog.katas if k.number == kata.number]
    if len(numbers) > 1:
        problems.append(f"number {kata.number:02d} is used by {len(numbers)} katas")
    return problems


def spec_patch_problems(kata: Kata) -> list[str]:
    """Each patch under .spec applies exactly to the kata's pristine originals."""
    found = []
    for patch in originals.spec_patches(kata):
        label = kata.layout.relative(patch)
        try:
            with tempfile.TemporaryDirectory(prefix="katas-spec-patch-") as scratch:
                originals.patched_original(kata, patch, Path(scratch))
        except patches.PatchError as exc:
            found.append(str(exc))  # it names the patch, the file and the hunk
        else:
            if not patches.read_note(patch):
                found.append(f"{label} has no note (`{patches.NOTE_PREFIX}...` as its first line)")
    return found


def verify(
    catalog: Catalog,
    katas: list[Kata],
    parallel: int,
    require_mutants: bool = False,
    sandboxes: tuple[bool, ...] = (False,),
) -> list[KataVerdict]:
    """Every check above, with each of `sandboxes` (True: in the OS sandbox). With both, every
    solution, stub and mistake must also get the same verdict in and out of the sandbox."""
    verdicts = {
        k.id: KataVerdict(
            k, metadata_problems(catalog, k) + record_problems(catalog, k, require_mutants)
        )
        for k in katas
    }
    with tempfile.TemporaryDirectory(prefix="katas-mistakes-") as scratch:
        jobs: list[tuple[Kata, Path | None]] = []
        roles: list[tuple[Role, Mistake | None]] = []
        for kata in katas:
            jobs.append((kata, catalog.solutions_dir))
            roles.append((Role.SOLUTION, None))
            jobs.append((kata, None))
            roles.append((Role.STUB, None))
            found = mistakes.find(catalog.layout, kata.id)
            problems = verdicts[kata.id].problems
            problems += spec_patch_problems(kata)
            verdicts[kata.id].mistakes_total = len(found)
            if len(found) < MIN_MISTAKES:
                problems.append(
                    f"{len(found)} common mistakes in solutions/{kata.id}/mistakes, "
                    f"at least {MIN_MISTAKES} wanted"
                )
            for copy in mistakes.leftover_copies(catalog.layout, kata.id):
                problems.append(
                    f"{catalog.layout.relative(copy)}/ is a mistake in the old full-copy form, "
                    f"which is ignored: make it a {layout.MISTAKE_SUFFIX} (docs/AUTHORING.md)"
                )
            for one in found:
                if not one.note:
                    problems.append(
                        f"mistake {one.name} has no note (`{patches.NOTE_PREFIX}...` as the "
                        "first line of its patch)"
                    )
                # Each mistake's tree is tree/NN_slug, as the runner expects an implementation root.
                tree = Path(scratch) / f"{kata.id}-{one.name}"
                try:
                    mistakes.assemble(catalog.layout, one, tree / kata.id)
                except patches.PatchError as exc:
                    problems.append(f"mistake {one.name} cannot be built: {exc}")
                    continue
                jobs.append((kata, tree))
                roles.append((Role.MISTAKE, one))
        runs = [run_many(jobs, parallel, sandboxed=on) for on in sandboxes]
    results = runs[0]
    for other, on in zip(runs[1:], sandboxes[1:], strict=True):
        for (kata, _), (role, mistake), first, second in zip(jobs, roles, results, other,
                                                             strict=True):  # fmt: skip
            # A mistake's failing specs may depend on timing (a race it has): its kata verdict
            # must match; honest code (solution, stub) must match spec by spec.
            exact = mistake is None
            if _verdict(first, exact) != _verdict(second, exact):
                what = f"mistake {mistake.name}" if mistake is not None else f"the {role}"
                verdicts[kata.id].problems.append(
                    f"{what} gets a different verdict with the sandbox "
                    f"{_side(sandboxes[0])} ({_verdict(first, exact)}) and {_side(on)} "
                    f"({_verdict(second, exact)}): {_clip(second.message or first.message)}"
                )
    for (kata, _), (role, mistake), result in zip(jobs, roles, results, strict=True):
        verdict = verdicts[kata.id]
        if role == Role.SOLUTION:
            verdict.problems += _solution_problems(result)
        elif role == Role.STUB:
            verdict.problems += _stub_problems(result)
        elif result.status == Status.FAIL:
            verdict.mistakes_caught += 1
        elif mistake is not None:
            verdict.problems.append(
                f"mistake {mistake.name} ({mistake.note}) was not rejected: "
                f"{result.status}{': ' + result.message if result.message else ''}"
            )
    return list(verdicts.values())


def _verdict(result: KataResult, exact: bool = True) -> str:
    """What must not depend on the sandbox: the kata's status and (exact) each spec's."""
    if not exact:
        return str(result.status)
    specs = ", ".join(f"{t.name}={t.status}" for t in result.tests)
    return f"{result.status} [{specs}]"


def _side(on: bool) -> str:
    return "on" if on else "off"


def _solution_problems(result: KataResult) -> list[str]:
    problems = []
    if result.status != Status.PASS:
        problems.append(f"the solution does not pass: {result.status}: {_clip(result.message)}")
    for warning in sorted(set(result.warnings)):
        problems.append(f"the solution's run warns: {_clip(warning)}")
    return problems


def _stub_problems(result: KataResult) -> list[str]:
    if result.status == Status.FAIL:
        return []
    if result.status == Status.PASS:
        return ["the stub passes every spec: it must fail at least one"]
    if result.status == Status.ERROR:
        return [f"the stub errors instead of failing: {_clip(result.message)}"]
    return [f"the stub {result.status}: {_clip(result.message)}"]


def _clip(text: str, width: int = 400) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def render(verdicts: list[KataVerdict]) -> str:
    lines = []
    for verdict in verdicts:
        mark = "ok  " if not verdict.problems else "FAIL"
        lines.append(
            f"{mark} {verdict.kata.id:<24} mistakes rejected "
            f"{verdict.mistakes_caught}/{verdict.mistakes_total}"
        )
        lines += [f"       - {problem}" for problem in verdict.problems]
    bad = sum(1 for v in verdicts if v.problems)
    lines.append(f"{len(verdicts) - bad}/{len(verdicts)} katas verified")
    return "\n".join(lines)
