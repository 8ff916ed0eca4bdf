"""Sessions for learners (check), kata authors and maintainers (tests, lint, lowest, newest).

nox -s check                                          the quick start: set up, then a summary
nox -s check -- --table | KATA ... | --impl-root solutions    the table of every kata's problem
nox -s tests                                          the checker's tests and `dev verify`
nox -s lint                                           ruff and mypy --strict
nox -s mutants [-- KATA ... --record]                 mutation testing of the katas' specs
nox -s lowest                                         tests and dev verify, lowest versions allowed
nox -s newest                                         tests and dev verify, newest releases, no caps

`check` installs from pyproject's ranges (what a learner gets); `tests` and `lint` also hold every
package to constraints.txt, so CI runs what the maintainers ran. `lowest` and `newest` need uv.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import tomllib
from pathlib import Path

import nox
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

nox.options.sessions = ["check"]
# Learners run `nox -s check` after every edit: keep the environment between runs.
nox.options.reuse_venv = "yes"
# uv installs the project in seconds where pip takes half a minute; virtualenv when uv is absent.
nox.options.default_venv_backend = "uv|virtualenv"

ROOT = Path(__file__).parent
CONSTRAINTS = ROOT / "constraints.txt"


def _install(session: nox.Session, target: str, *, constrained: bool = False) -> None:
    """Install the project once per environment; again when pyproject (or constraints) change."""
    inputs = (ROOT / "pyproject.toml").read_bytes() + target.encode()
    if constrained:
        inputs += CONSTRAINTS.read_bytes()
    digest = hashlib.sha256(inputs).hexdigest()
    venv = getattr(session.virtualenv, "location", None)
    marker = Path(venv) / ".katas-installed" if venv else None
    if marker is not None and marker.exists() and marker.read_text() == digest:
        return
    # uv does not compile bytecode unless asked (pip does), and the kata process never writes it
    # (it keeps __pycache__ out of the learner's folders): without it every run compiles FastAPI,
    # pydantic and pytest again, about 2 s of CPU per run for 4 s once here.
    session.install(
        *(["-c", str(CONSTRAINTS)] if constrained else []),
        "-e",
        target,
        env={"UV_COMPILE_BYTECODE": "1"},
    )
    if marker is not None:
        marker.write_text(digest)


def _tests_and_verify(session: nox.Session) -> None:
    # The tests wait on subprocesses more than they compute: one pytest-xdist worker per core
    # takes the suite from about 4m40s to 2m50s on 2 cores (`-n 0` runs them in one process).
    # loadfile: a file's tests stay on one worker, so a module-scoped fixture (the hostile
    # matrix, the canary grade) runs once, not once per worker.
    session.run("python", "-m", "pytest", "-n", "auto", "--dist", "loadfile", *session.posargs)
    session.run("python", "-m", "checker", "dev", "verify")


@nox.session
def check(session: nox.Session) -> None:
    """Check your katas: `nox -s check`, or `nox -s check -- 01` for one, `-- --table` for all.

    Failing katas are where a learner starts, not a failed set-up: the session fails only when
    the run itself does (exit 2: a usage error, an environment without the packages).
    """
    _install(session, ".")
    args = [a for a in session.posargs if a != "--table"]
    if not session.posargs:
        args = ["--summary"]  # the quick start: a few lines, not a table of 31 first problems
    session.run("python", "-m", "checker", "check", *args, success_codes=[0, 1])


@nox.session
def tests(session: nox.Session) -> None:
    """The checker's own tests, then proof that every kata's specs tell right from wrong."""
    _install(session, ".[dev]", constrained=True)
    _tests_and_verify(session)


@nox.session
def lint(session: nox.Session) -> None:
    _install(session, ".[dev]", constrained=True)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy", "--strict", "checker")


@nox.session
def mutants(session: nox.Session) -> None:
    """Mutants of each reference solution against its kata's specs: killed, survived, score."""
    _install(session, ".")
    session.run("python", "-m", "checker", "dev", "mutants", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """The speed figures (check vs plain pytest, watch vs cold pytest, start-up); no asserts."""
    _install(session, ".")
    session.run("python", "-m", "checker", "dev", "bench", *session.posargs)


@nox.session
def flake(session: nox.Session) -> None:
    """Run katas repeatedly (solutions and stubs) and list every spec whose verdict changed."""
    _install(session, ".")
    session.run("python", "-m", "checker", "dev", "flake", *session.posargs)


@nox.session(venv_backend="uv", reuse_venv=False)
def lowest(session: nox.Session) -> None:
    """The tests and `dev verify` on the lowest version of every direct dependency pyproject allows.

    Fails when a floor in pyproject.toml is too low: raise it to a version that passes.
    """
    session.run("uv", "pip", "install", "--resolution", "lowest-direct", "-e", ".[dev]")
    _show_versions(session, _capped())
    _tests_and_verify(session)


@nox.session(venv_backend="uv", reuse_venv=False)
def newest(session: nox.Session) -> None:
    """The tests and `dev verify` on the newest releases, pyproject's caps ignored.

    Prints, for each capped library, the version installed against pyproject's range: a row
    marked ABOVE CAP is a release the katas have not been checked on. Raise a cap on purpose,
    after this session passes and the claims it backs still hold.
    """
    capped = _capped()
    with tempfile.TemporaryDirectory() as scratch:
        uncapped = Path(scratch) / "uncapped.txt"
        uncapped.write_text("\n".join(_without_caps(r) for r in _requirements()) + "\n")
        session.run("uv", "pip", "install", "--upgrade", "-r", str(uncapped))
    # The project itself without its dependencies: they would bring the caps back.
    session.run("uv", "pip", "install", "--no-deps", "-e", ".")
    failures = []
    steps = {"pytest": ["pytest", *session.posargs], "dev verify": ["checker", "dev", "verify"]}
    for name, args in steps.items():
        try:
            session.run("python", "-m", *args)
        except nox.command.CommandFailed:
            failures.append(name)
    _show_versions(session, capped)
    if failures:
        session.error(f"on the newest releases, {' and '.join(failures)} failed")
    session.log("the newest releases pass the tests and `dev verify`")


def _requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(line) for line in lines]


def _capped() -> dict[str, str]:
    """{name: its range} for every dependency with an upper bound."""
    return {
        r.name: str(r.specifier)
        for r in _requirements()
        if any(s.operator in ("<", "<=") for s in r.specifier)
    }


def _without_caps(requirement: Requirement) -> str:
    kept = [str(s) for s in requirement.specifier if s.operator not in ("<", "<=")]
    extras = f"[{','.join(sorted(requirement.extras))}]" if requirement.extras else ""
    return f"{requirement.name}{extras}{','.join(kept)}"


def _show_versions(session: nox.Session, ranges: dict[str, str]) -> None:
    """A table of each capped library: pyproject's range, the version installed, and the verdict."""
    script = (
        "import json, sys\nfrom importlib.metadata import version\n"
        "print(json.dumps({n: version(n) for n in sys.argv[1:]}))"
    )
    output = session.run("python", "-c", script, *ranges, silent=True)
    installed = json.loads(str(output).strip().splitlines()[-1])
    tested = _constrained_versions()
    rows = [("library", "pyproject", "constraints.txt", "installed", "")]
    for name, allowed in ranges.items():
        inside = SpecifierSet(allowed).contains(installed[name], prereleases=True)
        pinned = tested.get(canonicalize_name(name), "-")
        rows.append((name, allowed, pinned, installed[name], "" if inside else "ABOVE CAP"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    session.log("versions against pyproject's ranges:\n" + "\n".join(map(str.rstrip, lines)))


def _constrained_versions() -> dict[str, str]:
    """{name: version} pinned in constraints.txt: what `nox -s tests` and CI run."""
    pins = {}
    for line in CONSTRAINTS.read_text().splitlines():
        requirement = line.split(";")[0].strip()
        if "==" in requirement and not requirement.startswith("#"):
            name, _, version = requirement.partition("==")
            pins[canonicalize_name(name)] = version
    return pins
