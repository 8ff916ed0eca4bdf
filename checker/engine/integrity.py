"""The integrity scan: constructs in a learner's files that could forge a verdict, found before
`grade` runs them and reported next to the grade as "needs review", with file and line.

A learner's code runs inside pytest's process; it needs none of the machinery below to build a
FastAPI app, and all of it is what a forger reaches for: pytest's or the checker's internals, the
interpreter's (ctypes, gc, frames, sys.modules, builtins), other processes (/proc), code built at
run time (exec, eval, importlib), and raw file descriptors (the result channel's). The scan reads
the syntax tree, never the text, so comments and strings that merely mention a name do not count
and aliases (`import ctypes as c`, `from os import dup2 as d`, `getattr(sys, "_getframe")`) do.
It is a signal for a person, not a verdict: the score does not change.

A kata whose files legitimately need one of the modules (kata 11's files are pytest tests) lists
it in its kata.toml under `may_import`.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from checker.engine.results import Flag, FlagKind

# Top-level packages whose import is reported, and why a kata's code has no business with them.
MODULES = {
    "pytest": "the test runner that judges this code",
    "_pytest": "pytest's internals",
    "pluggy": "pytest's plugin machinery",
    "pytest_asyncio": "a pytest plugin",
    "checker": "the checker that grades this code",
    "ctypes": "raw memory and C calls",
    "_ctypes": "raw memory and C calls",
    "gc": "every live object, the checker's included",
    "inspect": "frames and other modules' internals",
    "importlib": "imports decided at run time",
    "runpy": "code run at run time",
    "code": "code run at run time",
    "codeop": "code compiled at run time",
}
DYNAMIC_CODE = {"exec", "eval", "compile", "__import__"}
# Attributes that reach frames, other modules' globals or the interpreter's hooks.
INTERPRETER_ATTRIBUTES = {
    "_getframe", "_current_frames", "f_locals", "f_back", "f_globals", "f_builtins",
    "tb_frame", "gi_frame", "cr_frame", "ag_frame", "settrace", "setprofile", "addaudithook",
    "__globals__", "__subclasses__", "__builtins__",
}  # fmt: skip
# os functions on raw file descriptors: how an inherited result channel would be written.
FD_FUNCTIONS = {
    "dup", "dup2", "write", "writev", "pwrite", "pwritev", "fdopen", "sendfile", "close",
    "closerange", "set_inheritable", "ftruncate", "lseek", "openpty",
}  # fmt: skip
SYS_MODULES_MUTATORS = {"update", "setdefault", "pop", "popitem", "clear", "__setitem__",
                        "__delitem__"}  # fmt: skip
PATH_PREFIXES = ("/proc", "/dev/fd")


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    evidence: str

    def to_flag(self) -> Flag:
        return Flag(FlagKind.NEEDS_REVIEW, self.evidence, self.file, self.line)


def scan(files: Mapping[str, str], may_import: Collection[str] = ()) -> list[Finding]:
    """Findings in `files` ({name relative to the kata folder: source}), in file and line order.

    A file that does not parse is skipped: the run reports the syntax error.
    """
    findings: list[Finding] = []
    for name, source in sorted(files.items()):
        try:
            tree = ast.parse(source, filename=name)
        except (SyntaxError, ValueError):
            continue
        found = {(line, text) for line, text in _Scanner(may_import).findings(tree)}
        findings += [Finding(name, line, text) for line, text in sorted(found)]
    return findings


class _Scanner:
    def __init__(self, may_import: Collection[str]) -> None:
        self.forbidden = {name: why for name, why in MODULES.items() if name not in may_import}
        self.aliases: dict[str, str] = {}  # local name -> what it was imported as: "os.dup2"
        self.defined: set[str] = set()  # names the file binds itself: not the builtins
        self.docstrings: set[int] = set()  # ids of docstring nodes: prose, not code

    def findings(self, tree: ast.Module) -> Iterator[tuple[int, str]]:
        self._bindings(tree)
        for node in ast.walk(tree):
            yield from self._check(node)

    def _bindings(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.aliases[local] = alias.name if alias.asname else local
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    self.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                self.defined.add(node.id)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                self.defined.add(node.name)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                first = node.body[0] if node.body else None
                if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                    self.docstrings.add(id(first.value))
            elif isinstance(node, ast.arg):
                self.defined.add(node.arg)

    def qualified(self, node: ast.expr) -> str:
        """`os.dup2` for `os.dup2`, `o.dup2` (import os as o) or `dup2` (from os import dup2)."""
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            return f"builtins.{node.id}" if node.id not in self.defined else node.id
        if isinstance(node, ast.Attribute):
            return f"{self.qualified(node.value)}.{node.attr}"
        if isinstance(node, ast.Call) and _is_name_access(node):
            # getattr(os, "dup2") is os.dup2
            target, attribute = node.args[0], node.args[1]
            assert isinstance(attribute, ast.Constant)
            return f"{self.qualified(target)}.{attribute.value!s}"
        return "?"

    def _check(self, node: ast.AST) -> Iterator[tuple[int, str]]:
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from self._module(line, alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield from self._module(line, node.module)
        elif isinstance(node, ast.Attribute):
            yield from self._name(line, self.qualified(node), node.attr)
        elif isinstance(node, ast.Call) and _is_name_access(node):
            attribute = node.args[1]
            assert isinstance(attribute, ast.Constant)
            yield from self._name(line, self.qualified(node), str(attribute.value))
            if isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
                yield from self._write(line, self.qualified(node.args[0]))
        elif isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Store):
            name = self.qualified(node)
            if name.startswith("builtins.") and name.split(".")[1] in DYNAMIC_CODE:
                yield line, f"runs code built at run time ({node.id})"
            elif node.id == "__builtins__":
                yield line, "reaches the interpreter's builtins (__builtins__)"
            elif node.id in self.aliases:  # from sys import _getframe; from os import dup2
                yield from self._name(line, name, name.rsplit(".", 1)[-1])
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign | ast.Delete):
            targets = node.targets if isinstance(node, ast.Assign | ast.Delete) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute | ast.Subscript):
                    yield from self._write(line, self.qualified(target.value))
        elif isinstance(node, ast.Call):
            yield from self._call(line, node)
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in self.docstrings
            and _is_private_path(node.value)
        ):
            yield line, f"reaches other processes or descriptors through {node.value!r}"

    def _module(self, line: int, module: str) -> Iterator[tuple[int, str]]:
        top = module.split(".")[0]
        if top in self.forbidden:
            yield line, f"imports {module} ({self.forbidden[top]})"

    def _name(self, line: int, qualified: str, attribute: str) -> Iterator[tuple[int, str]]:
        if attribute in INTERPRETER_ATTRIBUTES:
            yield line, f"reaches the interpreter's internals ({attribute})"
        elif qualified in {f"os.{name}" for name in FD_FUNCTIONS}:
            yield line, f"works on raw file descriptors ({qualified})"
        elif qualified.startswith("builtins.") and attribute in DYNAMIC_CODE:
            yield line, f"runs code built at run time ({attribute})"
        elif qualified == "sys.modules":
            yield line, "reaches other modules through sys.modules"
        elif qualified.startswith("sys.modules.") and attribute in SYS_MODULES_MUTATORS:
            yield line, f"changes sys.modules ({attribute})"

    def _write(self, line: int, target: str) -> Iterator[tuple[int, str]]:
        if target == "sys.modules":
            yield line, "changes sys.modules"
        elif target == "builtins":
            yield line, "changes the interpreter's builtins"

    def _call(self, line: int, node: ast.Call) -> Iterator[tuple[int, str]]:
        function = self.qualified(node.func)
        opens = function in ("builtins.open", "io.open", "io.FileIO", "os.open")
        first = node.args[0] if node.args else None
        if opens and isinstance(first, ast.Constant) and isinstance(first.value, int):
            yield line, f"opens a raw file descriptor ({function}({first.value}))"


def _is_name_access(node: ast.Call) -> bool:
    """getattr/setattr/delattr/hasattr(obj, "constant name", ...)."""
    return (
        isinstance(node.func, ast.Name)
        and node.func.id in ("getattr", "setattr", "delattr", "hasattr")
        and len(node.args) >= 2
        and isinstance(node.args[1], ast.Constant)
        and isinstance(node.args[1].value, str)
    )


def _is_private_path(text: str) -> bool:
    """/proc, /proc/1/environ, /dev/fd/3: not "/processes", a route."""
    return any(text == prefix or text.startswith(f"{prefix}/") for prefix in PATH_PREFIXES)
