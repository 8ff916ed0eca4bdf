"""Comparing submissions' code after normalising away formatting and names.

`grade` uses it to flag a learner's files that are the reference solution (or one of the mistakes
the specs must reject) with only the formatting, comments, docstrings and names changed. The same
API is meant to compare learners with each other:

    fingerprint(files)      -> Fingerprint: a digest of the normalised code, and its statements
    similarity(a, b)        -> Similarity: a score in [0, 1] and the matching regions (file, lines)
    match_variant(files, variants) -> the name of the first variant with the same digest, or None
    (fingerprints/match_fingerprint: the same with the variants' fingerprints computed once)

Normalisation works on the syntax tree: comments and formatting are not in it; docstrings and
other bare strings standing as statements are dropped; every name the code binds itself
(variables, functions, classes, parameters, attributes it assigns) becomes a placeholder numbered
in the order it is first bound. Imported names, attributes of other code, string values (routes,
JSON keys) and the order of statements are kept: they change what the code means.
"""

from __future__ import annotations

import ast
import copy
import hashlib
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from checker.engine import mistakes, patches
from checker.engine.catalog import Kata
from checker.engine.layout import Layout

Files = Mapping[str, str]  # a file's name relative to the kata folder -> its source
Variant = tuple[str, Files]  # ("reference", files) or ("mistake NAME", files)
REFERENCE = "reference"


@dataclass(frozen=True)
class Statement:
    file: str
    first_line: int
    last_line: int
    digest: str  # of the normalised statement (a compound one without its body)


@dataclass(frozen=True)
class Fingerprint:
    digest: str  # of every file's normalised code, with the file names
    statements: tuple[Statement, ...]  # in file-name order, then source order
    unparsable: tuple[str, ...] = ()  # files that are not valid Python: compared as text


@dataclass(frozen=True)
class Region:
    """Lines of `a` and of `b` whose statements match one for one."""

    a_file: str
    a_lines: tuple[int, int]
    b_file: str
    b_lines: tuple[int, int]
    statements: int


@dataclass(frozen=True)
class Similarity:
    score: float  # matching statements over all statements, both sides (difflib's ratio)
    regions: tuple[Region, ...]
    identical: bool  # the normalised code is the same


def normalise(source: str) -> ast.Module:
    """The normalised tree of `source`. Raises SyntaxError or ValueError."""
    tree = _without_prose(source)
    _Renamer(_bound_names(tree)).visit(tree)
    return tree


def fingerprint(files: Files) -> Fingerprint:
    whole = hashlib.sha256()
    statements: list[Statement] = []
    unparsable: list[str] = []
    for name in sorted(files):
        try:
            tree = _without_prose(files[name])
        except (SyntaxError, ValueError):
            unparsable.append(name)
            whole.update(f"{name}\0text\0{files[name]}\0".encode())
            continue
        # Statements are compared with names numbered within each statement, so that one added
        # variable does not change the placeholders, and so the digest, of every later statement.
        ours = set(_bound_names(tree))
        statements += [
            Statement(name, node.lineno, node.end_lineno or node.lineno, _digest(node, ours))
            for node in _statements(tree.body)
        ]
        _Renamer(_bound_names(tree)).visit(tree)
        whole.update(f"{name}\0{ast.dump(tree)}\0".encode())
    return Fingerprint(whole.hexdigest(), tuple(statements), tuple(unparsable))


def similarity(a: Fingerprint, b: Fingerprint) -> Similarity:
    left = [s.digest for s in a.statements]
    right = [s.digest for s in b.statements]
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    regions: list[Region] = []
    for block in matcher.get_matching_blocks():
        if block.size:
            regions += _regions(a.statements[block.a : block.a + block.size],
                                b.statements[block.b : block.b + block.size])  # fmt: skip
    score = matcher.ratio() if (left or right) else float(a.digest == b.digest)
    return Similarity(score, tuple(regions), a.digest == b.digest)


def match_variant(files: Files, variants: list[Variant]) -> str | None:
    """The name of the first variant whose normalised code is the same as `files`', or None."""
    return match_fingerprint(fingerprint(files), fingerprints(variants))


def fingerprints(variants: list[Variant]) -> list[tuple[str, Fingerprint]]:
    """Each variant's fingerprint, computed once for comparing many submissions with them."""
    return [(name, fingerprint(files)) for name, files in variants]


def match_fingerprint(mine: Fingerprint, known: list[tuple[str, Fingerprint]]) -> str | None:
    return next((name for name, theirs in known if theirs.digest == mine.digest), None)


def read_files(folder: Path, names: tuple[str, ...]) -> dict[str, str]:
    """The named files of `folder` that exist, as text."""
    found = {}
    for name in names:
        path = folder / name
        if path.is_file() and not path.is_symlink():
            found[name] = path.read_text(encoding="utf-8", errors="replace")
    return found


def reference_variants(kata: Kata, solutions_dir: Path) -> list[Variant]:
    """The reference solution's learner files, then each mistake's: the reference with the
    mistake's patch applied (checker.engine.mistakes). A patch that no longer applies is left out
    here; `dev verify` reports it."""
    checkout = Layout(solutions_dir.parent)
    reference = read_files(solutions_dir / kata.id, kata.files)
    if not reference:
        return []
    variants: list[Variant] = [(REFERENCE, reference)]
    for mistake in mistakes.find(checkout, kata.id):
        with tempfile.TemporaryDirectory(prefix="katas-variant-") as scratch:
            tree = Path(scratch) / kata.id
            try:
                mistakes.assemble(checkout, mistake, tree)
            except patches.PatchError:
                continue
            variants.append((f"mistake {mistake.name}", read_files(tree, kata.files)))
    return variants


VariantSource = Callable[[Kata, Path], list[Variant]]


# --- normalisation ----------------------------------------------------------------------------


def _without_prose(source: str) -> ast.Module:
    tree = ast.parse(source)
    _drop_bare_strings(tree)
    ast.fix_missing_locations(tree)  # the `pass` put in an emptied body
    return tree


def _drop_bare_strings(tree: ast.AST) -> None:
    """Docstrings and strings standing as statements: prose, whatever their place."""
    for node in ast.walk(tree):
        for field in ("body", "orelse", "finalbody"):
            body = getattr(node, field, None)
            if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                continue
            kept = [
                s
                for s in body
                if not (
                    isinstance(s, ast.Expr)
                    and isinstance(s.value, ast.Constant)
                    and isinstance(s.value.value, str)
                )
            ]
            if not kept and field == "body" and not isinstance(node, ast.Module):
                kept = [ast.Pass()]
            setattr(node, field, kept)


def _bound_names(tree: ast.Module) -> dict[str, str]:
    """Each name the code binds itself -> a placeholder, numbered in order of first binding."""
    imported = {
        alias.asname or alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    order: list[str] = []
    for node in ast.walk(tree):
        for name in _binds(node):
            if name not in order and name not in imported and not _is_dunder(name):
                order.append(name)
    return {name: f"_v{index}" for index, name in enumerate(order)}


def _binds(node: ast.AST) -> Iterator[str]:
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
        yield node.id
    elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
        yield node.attr
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        yield node.name
    elif isinstance(node, ast.arg):
        yield node.arg
    elif isinstance(node, ast.ExceptHandler) and node.name:
        yield node.name
    elif isinstance(node, ast.Global | ast.Nonlocal):
        yield from node.names
    elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
        yield node.name


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


class _Renamer(ast.NodeTransformer):
    def __init__(self, names: dict[str, str]) -> None:
        self.names = names

    def _new(self, name: str) -> str:
        return self.names.get(name, name)

    def generic_visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.Name):
            node.id = self._new(node.id)
        elif isinstance(node, ast.Attribute):
            node.attr = self._new(node.attr)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            node.name = self._new(node.name)
        elif isinstance(node, ast.arg | ast.keyword) and node.arg is not None:
            node.arg = self._new(node.arg)  # a keyword's too: f(limit=1) calls def f(limit)
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            node.name = self._new(node.name)
        elif isinstance(node, ast.Global | ast.Nonlocal):
            node.names = [self._new(n) for n in node.names]
        return super().generic_visit(node)


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement, a compound one before the statements of its bodies."""
    for statement in body:
        yield statement
        for field in _BODIES:
            for child in getattr(statement, field, None) or []:
                if isinstance(child, ast.stmt):
                    yield from _statements([child])
                elif isinstance(child, ast.ExceptHandler | ast.match_case):
                    yield from _statements(child.body)


def _digest(statement: ast.stmt, ours: set[str]) -> str:
    """The statement's own code (a compound one without its bodies), its names among `ours`
    numbered in the order they appear in it."""
    shallow = copy.copy(statement)
    for field in _BODIES:
        if hasattr(shallow, field):
            setattr(shallow, field, [])
    shallow = copy.deepcopy(shallow)  # the bodies are gone: this copies the statement's own parts
    order: list[str] = []
    for node in ast.walk(shallow):
        order += [name for name in _identifiers(node) if name in ours and name not in order]
    _Renamer({name: f"_v{index}" for index, name in enumerate(order)}).visit(shallow)
    return hashlib.sha256(ast.dump(shallow).encode()).hexdigest()[:16]


def _identifiers(node: ast.AST) -> Iterator[str]:
    """The names in `node` that _Renamer would rename."""
    for field in ("id", "attr", "name", "arg"):
        value = getattr(node, field, None)
        if isinstance(value, str):
            yield value
    if isinstance(node, ast.Global | ast.Nonlocal):
        yield from node.names


def _regions(a: tuple[Statement, ...], b: tuple[Statement, ...]) -> list[Region]:
    """Matching runs of statements, cut where either side changes file."""
    regions: list[Region] = []
    start = 0
    for index in range(1, len(a) + 1):
        if index == len(a) or a[index].file != a[start].file or b[index].file != b[start].file:
            chunk_a, chunk_b = a[start:index], b[start:index]
            regions.append(
                Region(
                    chunk_a[0].file,
                    (chunk_a[0].first_line, max(s.last_line for s in chunk_a)),
                    chunk_b[0].file,
                    (chunk_b[0].first_line, max(s.last_line for s in chunk_b)),
                    len(chunk_a),
                )
            )
            start = index
    return regions
