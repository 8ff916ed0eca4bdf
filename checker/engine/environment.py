"""Whether this Python has what the katas need, and which environment to use when it does not.

A learner who runs `python3 -m checker` from the system Python (no FastAPI there) would otherwise
see every kata error out, as if their code were wrong, and lose the progress they had recorded.
The checker asks here first, and names the environment to activate instead.

Only the standard library is imported here: this runs before anything else is known to work.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path

from checker.engine.results import KataResult, Status

# The top-level modules of pyproject's dependencies: the host and the kata process import them.
REQUIRED_MODULES = (
    "fastapi",
    "starlette",
    "pydantic",
    "anyio",
    "httpx",
    "pytest",
    "pytest_asyncio",
    "asgi_lifespan",
    "blockbuster",
    "rich",
    "pydantic_settings",
    "multipart",
    "jwt",
    "pwdlib",
    "sqlalchemy",
    "uvicorn",
)
# Where the quick start puts the environment that has them (nox's `check` session).
CHECK_ENV = Path(".nox") / "check"
QUICK_START = (
    "python3 -m venv .venv && .venv/bin/python -m pip install nox uv && .venv/bin/nox -s check"
)
_NO_MODULE = re.compile(r"No module named '([\w.]+)'")


def missing_modules(modules: tuple[str, ...] = REQUIRED_MODULES) -> list[str]:
    """The required modules this interpreter cannot import (found without importing them)."""
    return [name for name in modules if importlib.util.find_spec(name) is None]


def env_python(root: Path) -> Path:
    return root / CHECK_ENV / "bin" / "python"


def shown_path(path: Path, cwd: Path | None = None) -> str:
    """`path` as the learner types it from where they stand: relative below cwd, else absolute."""
    here = (cwd or Path.cwd()).resolve()
    try:
        relative = path.resolve().relative_to(here)
    except ValueError:
        return shlex.quote(str(path.resolve()))
    return shlex.quote(str(relative))


def missing_message(root: Path, missing: list[str], cwd: Path | None = None) -> str:
    """What to do when this Python lacks the project's packages: which environment to use."""
    head = (
        f"this Python ({sys.executable}) does not have the katas' packages "
        f"(missing: {', '.join(missing)})."
    )
    python = env_python(root)
    if python.exists():
        activate = shown_path(python.parent / "activate", cwd)
        return (
            f"{head} Use the environment the quick start made: `. {activate}`, then run the "
            f"same command again (or, without activating: `{shown_path(python, cwd)} -m checker "
            "...`). Nothing was run and your progress is unchanged."
        )
    return (
        f"{head} Set one up from the project root ({root}) with the quick start:\n    "
        f"{QUICK_START}\nthen `. {CHECK_ENV}/bin/activate`. Nothing was run and your progress "
        "is unchanged."
    )


def environment_failure(result: KataResult) -> str:
    """The module the kata process could not import when the environment, not the learner's
    code, broke the run (the worker without pytest, say); "" for every other result."""
    if result.status != Status.ERROR or result.tests:
        return ""
    for name in _NO_MODULE.findall(result.output_tail):
        name = str(name)
        top = name.split(".")[0]
        if top in REQUIRED_MODULES or top == "checker":
            return name
    return ""
