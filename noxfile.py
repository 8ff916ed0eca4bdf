"""Sessions for learners (check), kata authors and maintainers (tests, lint).

nox -s check [-- KATA ... | --impl-root solutions]    run the katas' specs
nox -s tests                                          the checker's tests and `dev verify`
nox -s lint                                           ruff
nox -s mutants [-- KATA ... --record]                 mutation testing of the katas' specs
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nox

nox.options.sessions = ["check"]
# Learners run `nox -s check` after every edit: keep the environment between runs.
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent


def _install(session: nox.Session, target: str) -> None:
    """Install the project once per environment; again only when pyproject.toml changes."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + target.encode()).hexdigest()
    venv = getattr(session.virtualenv, "location", None)
    marker = Path(venv) / ".katas-installed" if venv else None
    if marker is not None and marker.exists() and marker.read_text() == digest:
        return
    session.install("-e", target)
    if marker is not None:
        marker.write_text(digest)


@nox.session
def check(session: nox.Session) -> None:
    """Check your katas: `nox -s check`, or `nox -s check -- 01` for one."""
    _install(session, ".")
    session.run("python", "-m", "checker", "check", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """The checker's own tests, then proof that every kata's specs tell right from wrong."""
    _install(session, ".[dev]")
    session.run("python", "-m", "pytest", *session.posargs)
    session.run("python", "-m", "checker", "dev", "verify")


@nox.session
def lint(session: nox.Session) -> None:
    _install(session, ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


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
