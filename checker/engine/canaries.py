"""Must-fail canary specs that `grade` hides among a kata's own specs, a fresh set for every run.

Why: the learner's code runs inside pytest's process, so it can patch pytest's reporting or write
result lines of its own. It cannot be stopped from doing so, but it can be caught: each graded run
gets specs that always fail, planted into the run's private copy of the spec folder just before
the run starts (never into a tree that other code could list earlier). They are appended to one
of the kata's own spec files and named like its specs (a sibling's name plus a word, one of them
parametrized with random ids), and they fail through the normal machinery, with an assertion
message written like a spec's. A forger that reports passes it did not earn reports theirs too,
unless it parses the run to tell them apart. The trusted parent knows their names: it takes them
out of the results (a learner never sees them, in the list or the counts) and grades a run that
reported one passed, or that claims a pass without reporting them at all, as TAMPERED.
"""

from __future__ import annotations

import ast
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from checker.engine import layout
from checker.engine.results import Flag, FlagKind, KataResult, Status
from checker.engine.runner import PYTEST_EXIT_MESSAGES

# Words a spec author adds to a sibling spec's name; the canary's name is one of the kata's
# own names plus one of these, so no fixed marker in the name gives it away.
SUFFIXES = (
    "again", "twice", "edge", "boundary", "variant", "case", "repeated", "later", "mixed",
    "empty", "unicode", "large", "small", "other", "second", "concurrent", "retry", "order",
)  # fmt: skip
MESSAGES = (
    "GET {path} returned 200 with the previous body: expected the README's answer for this case "
    "(check which value your handler reads)",
    "the response to {path} does not match the contract in the README: expected a different "
    "status code for this input (read the section on errors again)",
    "{path} answered with a body missing the field the README lists for this case: compare "
    "your return value with the README's example",
)
TAMPERED_MESSAGE = (
    "the results of this run were forged: a spec that always fails was reported as passed, "
    "or the run claimed a pass without reporting it (see the flags for the evidence)"
)


@dataclass(frozen=True)
class Canary:
    name: str  # the name pytest reports, as SpecResult.name holds it: "test_x_edge[3fa9c1d2]"
    file: str  # the spec file it was appended to, relative to the kata folder


def plant(spec_dir: Path) -> list[Canary]:
    """Append two must-fail specs to one of spec_dir's spec files; return what they are called.

    Called on the run's private copy of the kata's spec folder, right before the run starts.
    """
    files = layout.spec_files(spec_dir.parent)
    if not files:
        return []
    rng = secrets.SystemRandom()
    target = rng.choice(files)
    source = target.read_text(encoding="utf-8")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []  # the spec file is broken: the run errors anyway, and earns nothing
    names = [
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    ]
    # A canary's name must not shadow anything the file uses, nor be any spec's name: the
    # parent takes every result of that name out of the list.
    taken = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    for spec_file in files:
        taken |= set(re.findall(r"def\s+(test_\w+)", spec_file.read_text(encoding="utf-8")))

    def sibling_name() -> str:
        while True:
            base = rng.choice(names) if names else f"test_{rng.choice(SUFFIXES)}"
            name = f"{base}_{rng.choice(SUFFIXES)}"
            if name not in taken:
                taken.add(name)
                return name

    plain, parametrized = sibling_name(), sibling_name()
    ids = [secrets.token_hex(4) for _ in range(2)]
    path = f"/{rng.choice(SUFFIXES)}/{rng.randint(2, 97)}"
    message_a, message_b = (rng.choice(MESSAGES).format(path=path) for _ in range(2))
    # `import pytest as _pytest_mark` keeps the file's own names untouched, whatever it imports.
    block = (
        f"\n\ndef {plain}():\n"
        f"    assert False, {message_a!r}\n"
        f"\n\nimport pytest as _pytest_mark\n\n\n"
        f"@_pytest_mark.mark.parametrize('case', {ids!r})\n"
        f"def {parametrized}(case):\n"
        f"    assert False, {message_b!r}\n"
    )
    target.write_text(source.rstrip("\n") + "\n" + block, encoding="utf-8")
    relative = str(target.relative_to(spec_dir.parent))
    return [Canary(plain, relative)] + [Canary(f"{parametrized}[{i}]", relative) for i in ids]


def judge(result: KataResult, canaries: list[Canary]) -> KataResult:
    """Take the canaries out of `result` and decide, from what the run said of them, whether
    it was forged. Changes `result` in place and returns it."""
    if not canaries:
        return result
    by_name = {c.name: c for c in canaries}
    reported = [t for t in result.tests if t.name in by_name]
    result.tests = [t for t in result.tests if t.name not in by_name]
    canary_messages = {t.message for t in reported}
    evidence = [
        Flag(
            FlagKind.TAMPERED,
            f"must-fail spec {t.name} was reported {t.status.value}",
            by_name[t.name].file,
            t.line,
        )
        for t in reported
        if t.status == Status.PASS
    ]
    # The runner chose the kata's verdict with the canaries in the list: choose again without.
    completed = result.status in (Status.PASS, Status.FAIL) or (
        result.status == Status.ERROR and result.message in canary_messages
    )
    if completed:
        _rejudge(result)
        seen = {t.name for t in reported}
        missing = [c for c in canaries if c.name not in seen]
        if result.status == Status.PASS and missing:
            evidence += [
                Flag(FlagKind.TAMPERED, f"must-fail spec {c.name} was never reported", c.file)
                for c in missing
            ]
    if evidence:
        result.status = Status.TAMPERED
        result.message = TAMPERED_MESSAGE
        result.flags = [*result.flags, *evidence]
    return result


def _rejudge(result: KataResult) -> None:
    problem = next((t for t in result.tests if t.status == Status.ERROR), None) or next(
        (t for t in result.tests if t.status == Status.FAIL), None
    )
    if problem is not None:
        result.status, result.message = problem.status, problem.message
    elif not result.tests:
        result.status, result.message = Status.ERROR, PYTEST_EXIT_MESSAGES[5]
    else:
        result.status, result.message = Status.PASS, ""
