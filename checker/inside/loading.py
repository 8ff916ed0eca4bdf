"""Loading the implementation under test from a directory, fresh each time.

A kata's module is imported from its file under a plain name (`app`), with its directory first on
sys.path so that sibling modules (`routers/users.py`) import too. Every module that came from that
directory is dropped before and after, so no module state survives from one spec to the next.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import traceback
from pathlib import Path
from types import ModuleType, TracebackType


class ImplementationError(Exception):
    """The learner's code could not be loaded: the message says where and what to do."""


def _is_inside(path: str | None, directory: Path) -> bool:
    # Pure string work, no file-system calls: this runs for every module in sys.modules around
    # every spec. `directory` is resolved, and it is what went on sys.path, so modules imported
    # from it carry it as a prefix.
    if not path:
        return False
    return os.path.abspath(path).startswith(str(directory) + os.sep)


# Modules already seen to live outside a directory, by identity: the purge around every spec then
# looks only at modules that are new since the last one.
_seen_outside: dict[Path, dict[str, object]] = {}


def purge_modules(directory: Path) -> None:
    directory = directory.resolve()
    outside = _seen_outside.setdefault(directory, {})
    for name, module in list(sys.modules.items()):
        if outside.get(name) is module:
            continue
        if _is_inside(getattr(module, "__file__", None), directory):
            del sys.modules[name]
        else:
            outside[name] = module


def learner_location(tb: TracebackType | None, directory: Path) -> str:
    """`app.py:12` for the deepest traceback frame inside `directory`, or "".

    Frames of the hidden specs (a `.spec` folder, which sits inside the kata folder) do not count.
    """
    directory = directory.resolve()
    found = ""
    for frame, lineno in traceback.walk_tb(tb):
        filename = frame.f_code.co_filename
        if _is_inside(filename, directory) and ".spec" not in Path(filename).parts:
            found = f"{os.path.relpath(os.path.abspath(filename), directory)}:{lineno}"
    return found


def load_module(directory: Path, name: str = "app") -> ModuleType:
    """Import `directory/name.py` afresh; ImplementationError says, for a learner, what failed."""
    directory = directory.resolve()
    path = directory / f"{name}.py"
    if not path.is_file():
        raise ImplementationError(f"{path} does not exist: the kata expects its code in {name}.py")
    purge_modules(directory)
    if str(directory) not in sys.path:
        sys.path.insert(0, str(directory))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    # SystemExit too: module-level code that exits must not end the spec run.
    except (Exception, SystemExit) as exc:
        sys.modules.pop(name, None)
        raise ImplementationError(_import_failure(exc, path, directory)) from None
    return module


def _import_failure(exc: BaseException, path: Path, directory: Path) -> str:
    """What a learner needs to know about an import that failed: where, and what."""
    if isinstance(exc, SyntaxError):
        where = Path(exc.filename or path).name
        return f"{where}:{exc.lineno}: SyntaxError: {exc.msg}. Fix the syntax and run again."
    where = learner_location(exc.__traceback__, directory) or path.name
    if isinstance(exc, SystemExit):
        return (
            f"{where}: sys.exit({exc.code!r}) was called while importing {path.name}. "
            "Module-level code must not exit: the server imports this module to run it."
        )
    return f"{where}: importing {path.name} raised {type(exc).__name__}: {exc}"


def unload(directory: Path) -> None:
    directory = directory.resolve()
    purge_modules(directory)
    while str(directory) in sys.path:
        sys.path.remove(str(directory))
