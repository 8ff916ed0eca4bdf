"""Sessions for learners (check), kata authors and maintainers (tests, lint).

nox -s check                                          the quick start: set up, then a summary
nox -s check -- --table | KATA ... | --impl-root solutions    the table of every kata's problem
nox -s tests                                          the checker's tests and `dev verify`
nox -s lint                                           ruff
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import nox

nox.options.sessions = ["check"]
# Learners run `nox -s check` after every edit: keep the environment between runs.
nox.options.reuse_venv = "yes"
# uv installs the project in seconds where pip takes half a minute; virtualenv when uv is absent.
nox.options.default_venv_backend = "uv|virtualenv"

ROOT = Path(__file__).parent


def _install(session: nox.Session, target: str) -> None:
    """Install the project once per environment; again only when pyproject.toml changes."""
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + target.encode()).hexdigest()
    venv = getattr(session.virtualenv, "location", None)
    marker = Path(venv) / ".katas-installed" if venv else None
    if marker is not None and marker.exists() and marker.read_text() == digest:
        return
    # uv does not compile bytecode unless asked (pip does), and the kata process never writes it
    # (it keeps __pycache__ out of the learner's folders): without it every run compiles FastAPI,
    # pydantic and pytest again, about 2 s of CPU per run for 4 s once here.
    session.install("-e", target, env={"UV_COMPILE_BYTECODE": "1"})
    if marker is not None:
        marker.write_text(digest)


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
    _install(session, ".[dev]")
    session.run("python", "-m", "pytest", *session.posargs)
    session.run("python", "-m", "checker", "dev", "verify")


@nox.session
def lint(session: nox.Session) -> None:
    _install(session, ".[dev]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


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
