"""Mutants of a reference solution: the operators, and how a mutant is named.

Each operator finds places in the parsed source and proposes one text edit per mutant. The edit
is made on the source text at the node's position (not by unparsing the tree), so a mutant's diff
is one small change and the rest of the file keeps its formatting and comments.

A mutant is named by what it changed, not where: (file, operator, enclosing function, the source
snippet before -> after, and the occurrence index among identical snippets in that function).
Adding or moving unrelated lines keeps every name; `id` is a short hash of that name.

Not mutated: lines between `# katas: given` and `# katas: end given` (code the README tells the
learner to keep as it is), and `if __name__ == "__main__":` blocks, which no spec runs.
"""

from __future__ import annotations

import ast
import difflib
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache

# Bumped when an operator changes what it makes: a record made with other operators is stale.
OPERATORS_VERSION = 1

GIVEN_START = re.compile(r"#\s*katas:\s*given\b")
GIVEN_END = re.compile(r"#\s*katas:\s*end given\b")
MODULE_SCOPE = "<module>"
SNIPPET_WIDTH = 100  # a context wider than this is narrowed to the changed node itself
# How far a small change climbs for its context: far enough to read (`limit > 40`, `i += 1`),
# not so far that editing a neighbour (another record of the same literal) renames it.
CLIMB_WIDTH = 48

COMPARE_SWAPS = {
    ast.Lt: "<=",
    ast.LtE: "<",
    ast.Gt: ">=",
    ast.GtE: ">",
    ast.Eq: "!=",
    ast.NotEq: "==",
    ast.Is: "is not",
    ast.IsNot: "is",
    ast.In: "not in",
    ast.NotIn: "in",
}
COMPARE_TOKEN = re.compile(r"<=|>=|==|!=|<|>|\bis\s+not\b|\bnot\s+in\b|\bis\b|\bin\b")
BOUND_SWAPS = {"ge": "gt", "gt": "ge", "le": "lt", "lt": "le"}
LENGTH_BOUNDS = ("min_length", "max_length")
STATUS_CALLS = ("HTTPException", "StarletteHTTPException")
# A code at the base of its class moves to a neighbour a learner could confuse it with.
STATUS_NEIGHBOURS = {200: 201, 300: 307, 400: 422, 500: 503}
# Swapping the arguments of these changes nothing: every such mutant would be equivalent.
SYMMETRIC_CALLS = frozenset({"max", "min", "compare_digest", "isclose"})


@dataclass(frozen=True)
class Mutant:
    file: str  # relative to the solution folder
    operator: str
    function: str  # dotted qualname of the enclosing def or class, or <module>
    before: str  # the snippet as written (whitespace collapsed)
    after: str  # the snippet as mutated ("" when it is removed)
    occurrence: int  # index among mutants with the same (file, operator, function, snippets)
    line: int  # where it is now: shown to the author, never part of the name
    source: str = field(repr=False)  # the whole mutated file

    @property
    def key(self) -> str:
        return "|".join(
            (self.file, self.operator, self.function, self.before, self.after, str(self.occurrence))
        )

    @property
    def id(self) -> str:
        return hashlib.sha256(self.key.encode()).hexdigest()[:10]

    @property
    def label(self) -> str:
        after = self.after or "(removed)"
        return f"{self.operator} in {self.function}: {self.before}  ->  {after}"

    def diff(self, original: str, context: int = 3) -> str:
        """The mutant as a unified diff against the original (a/ b/ prefixes, like git)."""
        lines = difflib.unified_diff(
            original.splitlines(keepends=True),
            self.source.splitlines(keepends=True),
            f"a/{self.file}",
            f"b/{self.file}",
            n=context,
        )
        return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


@dataclass(frozen=True)
class _Edit:
    """Replace source[start:end] with `text`; `context` is the node shown in the mutant's name."""

    operator: str
    start: int
    end: int
    text: str
    context: tuple[int, int]


# The nodes ast gives a position (lineno, col_offset, end_lineno, end_col_offset).
Located = ast.expr | ast.stmt | ast.keyword


class _Source:
    """Character offsets for the byte-based columns ast reports."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, lineno: int, col: int) -> int:
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        return self.starts[lineno - 1] + len(line.encode()[:col].decode("utf-8", "replace"))

    def span(self, node: Located) -> tuple[int, int]:
        end_line = node.end_lineno if node.end_lineno is not None else node.lineno
        end_col = node.end_col_offset if node.end_col_offset is not None else node.col_offset
        return self.offset(node.lineno, node.col_offset), self.offset(end_line, end_col)

    def of(self, node: Located) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def line_of(self, offset: int) -> int:
        low, high = 0, len(self.starts) - 1
        while low < high - 1:
            middle = (low + high) // 2
            if self.starts[middle] <= offset:
                low = middle
            else:
                high = middle
        return low + 1


class SolutionSyntaxError(Exception):
    """The solution file cannot be parsed: no mutants can be made from it."""


def given_lines(text: str) -> set[int]:
    """Line numbers inside `# katas: given` ... `# katas: end given` (markers included)."""
    inside, lines = False, set()
    for number, line in enumerate(text.splitlines(), start=1):
        if GIVEN_START.search(line):
            inside = True
        if inside:
            lines.add(number)
        if GIVEN_END.search(line):
            inside = False
    return lines


def mutants_of(file: str, text: str) -> tuple[list[Mutant], int]:
    """Every mutant of `text` (the file `file` of a solution), and how many given code skipped."""
    try:
        tree = ast.parse(text, filename=file)
    except SyntaxError as exc:
        raise SolutionSyntaxError(f"{file}, line {exc.lineno}: {exc.msg}") from None
    source = _Source(text)
    given = given_lines(text)
    finder = _Finder(source)
    finder.visit(tree)
    mutants: list[Mutant] = []
    seen: Counter[tuple[str, str, str, str]] = Counter()
    skipped = 0
    for function, edit in sorted(finder.edits, key=lambda item: (item[1].start, item[1].end)):
        line = source.line_of(edit.start)
        if line in given or line in finder.main_lines:
            skipped += 1
            continue
        mutated = text[: edit.start] + edit.text + text[edit.end :]
        if mutated == text or not _parses(mutated):
            continue
        start, end = edit.context
        before = text[start:end]
        after = before[: edit.start - start] + edit.text + before[edit.end - start :]
        before, after = _squash(before), _squash(after)
        name = (edit.operator, function, before, after)
        mutants.append(Mutant(file, *name, occurrence=seen[name], line=line, source=mutated))
        seen[name] += 1
    return mutants, skipped


def _parses(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return True


def _squash(snippet: str) -> str:
    return " ".join(snippet.split())


@cache
def _status_names() -> dict[int, str]:
    from starlette import status

    names: dict[int, str] = {}
    for name in dir(status):
        match = re.fullmatch(r"HTTP_(\d{3})_\w+", name)
        if match:
            names.setdefault(int(match.group(1)), name)
    return names


def _neighbour_status(code: int) -> int:
    base = code // 100 * 100
    return STATUS_NEIGHBOURS.get(code, base) if code == base else base


def _number(node: ast.expr) -> int | float | None:
    """The value of a numeric literal (`3`, `-3`, `2.5`), or None."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        return None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    return None


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


class _Finder(ast.NodeVisitor):
    """Walks a module and collects (enclosing function, edit) for every operator."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.scope: list[str] = []
        self.edits: list[tuple[str, _Edit]] = []
        self.parents: dict[ast.AST, ast.AST] = {}
        self.owned: set[ast.AST] = set()  # literals a more specific operator already mutates
        self.main_lines: set[int] = set()

    # --- the walk -------------------------------------------------------------------------

    def visit(self, node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            self.parents[child] = node
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.scope.append(node.name)
            self._mutate(node)
            self.generic_visit(node)
            self.scope.pop()
            return
        if _is_main_block(node):
            assert isinstance(node, ast.If)
            self.main_lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        self._mutate(node)
        self.generic_visit(node)

    def _mutate(self, node: ast.AST) -> None:
        function = ".".join(self.scope) or MODULE_SCOPE
        for operator in OPERATORS:
            for edit in operator(self, node):
                self.edits.append((function, edit))

    # --- helpers for the operators --------------------------------------------------------

    def edit(
        self, operator: str, target: Located | tuple[int, int], text: str, context: Located
    ) -> _Edit:
        start, end = target if isinstance(target, tuple) else self.source.span(target)
        return _Edit(operator, start, end, text, self.context(context, (start, end)))

    def context(self, node: Located, edit: tuple[int, int]) -> tuple[int, int]:
        """The span shown in the mutant's name: `node`, or the edit alone when `node` is long."""
        start, end = self.source.span(node)
        if len(_squash(self.source.text[start:end])) <= SNIPPET_WIDTH:
            return start, end
        return edit

    def text(self, node: Located) -> str:
        return self.source.of(node)

    def statement_context(self, node: Located) -> Located:
        """A keyword argument the node is the value of (`httponly=True`), else the widest
        enclosing expression or simple statement that is still short."""
        best, current = node, node
        while True:
            parent = self.parents.get(current)
            if not isinstance(parent, ast.expr | ast.keyword | ast.stmt) or _is_compound(parent):
                return best
            if len(_squash(self.source.of(parent))) > CLIMB_WIDTH:
                return best
            best = current = parent
            if isinstance(parent, ast.stmt | ast.keyword):
                return best

    def removal(self, spans: list[tuple[int, int]], index: int) -> tuple[int, int]:
        """The span that removes the item at spans[index] with one of its separating commas."""
        start, end = spans[index]
        if index > 0:
            return spans[index - 1][1], end
        if index + 1 < len(spans):
            return start, spans[index + 1][0]
        return start, end


def _is_compound(node: ast.AST) -> bool:
    return isinstance(
        node,
        ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.If | ast.For | ast.AsyncFor
        | ast.While | ast.With | ast.AsyncWith | ast.Try | ast.TryStar | ast.Match,
    )  # fmt: skip


def _is_main_block(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "__name__"
    )


# --- the operators: each yields the edits it makes at one node ---------------------------------

Operator = Callable[[_Finder, ast.AST], Iterator[_Edit]]


def numbers(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """Numeric constants +1 and -1 (not the ones status_code and bounds own)."""
    value = _number(node) if isinstance(node, ast.Constant) else None
    if value is None or node in f.owned:
        return
    assert isinstance(node, ast.Constant)
    for changed in (value + 1, value - 1):
        yield f.edit("number", node, repr(changed), f.statement_context(node))


def comparisons(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """`<` <-> `<=`, `>` <-> `>=`, `==` <-> `!=`, `is` <-> `is not`, `in` <-> `not in`."""
    if not isinstance(node, ast.Compare):
        return
    operands = [node.left, *node.comparators]
    for index, op in enumerate(node.ops):
        swap = COMPARE_SWAPS.get(type(op))
        if swap is None:
            continue
        gap_start = f.source.span(operands[index])[1]
        gap_end = f.source.span(operands[index + 1])[0]
        match = COMPARE_TOKEN.search(f.source.text, gap_start, gap_end)
        if match:
            yield f.edit("comparison", (match.start(), match.end()), swap, node)


def bounds(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """`ge=` <-> `gt=`, `le=` <-> `lt=`, and each bound's value (and min/max_length) +1 and -1."""
    if not isinstance(node, ast.keyword) or node.arg is None:
        return
    if node.arg not in BOUND_SWAPS and node.arg not in LENGTH_BOUNDS:
        return
    start = f.source.offset(node.lineno, node.col_offset)
    if node.arg in BOUND_SWAPS:
        yield f.edit("bound", (start, start + len(node.arg)), BOUND_SWAPS[node.arg], node)
    value = _number(node.value)
    if value is not None:
        for constant in ast.walk(node.value):
            f.owned.add(constant)
        for changed in (value + 1, value - 1):
            yield f.edit("bound", node.value, repr(changed), node)


def booleans(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """True <-> False, wherever it is written (httponly=True, use_cache=False, auto_error=...)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        yield f.edit("boolean", node, str(not node.value), f.statement_context(node))


def status_codes(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """status_code=201 -> 200, HTTPException(404) -> 400, status.HTTP_404_... -> HTTP_400_..."""
    literal: ast.expr | None = None
    context: Located | None = None
    if isinstance(node, ast.keyword) and node.arg == "status_code":
        literal, context = node.value, node
    elif isinstance(node, ast.Call) and _call_name(node) in STATUS_CALLS and node.args:
        literal, context = node.args[0], node
    elif isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Attribute) and t.attr == "status_code" for t in node.targets
    ):
        literal, context = node.value, node
    if isinstance(literal, ast.Constant) and type(literal.value) is int and context is not None:
        f.owned.add(literal)
        changed = _neighbour_status(literal.value)
        yield f.edit("status", literal, str(changed), context)
    if isinstance(node, ast.Attribute):
        match = re.fullmatch(r"HTTP_(\d{3})_\w+", node.attr)
        names = _status_names()
        changed_name = names.get(_neighbour_status(int(match.group(1)))) if match else None
        if changed_name:
            end = f.source.span(node)[1]
            start = end - len(node.attr)
            yield f.edit("status", (start, end), changed_name, f.statement_context(node))


def awaits(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """`await x` -> `x`, and `await asyncio.sleep(...)` -> a blocking `time.sleep(...)`."""
    if not isinstance(node, ast.Await):
        return
    yield f.edit("await", node, f.text(node.value), f.statement_context(node))
    call = node.value
    if (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "sleep"
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "asyncio"
    ):
        start = f.source.span(node)[0]
        end = f.source.span(call.func)[1]
        yield f.edit("blocking sleep", (start, end), '__import__("time").sleep', node)


def keywords(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """Each keyword argument of a call (a decorator's too) removed."""
    if not isinstance(node, ast.Call):
        return
    arguments: list[Located] = [*node.args, *node.keywords]
    arguments.sort(key=lambda a: (a.lineno, a.col_offset))
    spans = [f.source.span(argument) for argument in arguments]
    for index, argument in enumerate(arguments):
        if isinstance(argument, ast.keyword) and argument.arg is not None:
            yield f.edit("keyword removed", f.removal(spans, index), "", node)


def decorators(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """Each decorator removed, with its line."""
    if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return
    for decorator in node.decorator_list:
        start, end = f.source.span(decorator)
        line_start = f.source.starts[decorator.lineno - 1]
        line_end = f.source.starts[(decorator.end_lineno or decorator.lineno)]
        head = f.source.text[line_start:start]
        if head.strip() != "@":
            continue  # not alone on its lines: leave it
        at = line_start + head.index("@")
        yield _Edit("decorator removed", line_start, line_end, "", (at, end))


def finally_bodies(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """A `finally:` body replaced by `pass`."""
    if not isinstance(node, ast.Try | ast.TryStar) or not node.finalbody:
        return
    body = node.finalbody
    if len(body) == 1 and isinstance(body[0], ast.Pass):
        return
    start = f.source.span(body[0])[0]
    end = f.source.span(body[-1])[1]
    yield _Edit("finally emptied", start, end, "pass", (start, end))


def max_plus_one(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """`max(...) + 1` -> `len(...) + 1`: a new id from the count instead of the largest id."""
    if not isinstance(node, ast.BinOp) or not isinstance(node.op, ast.Add):
        return
    call = node.left
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name):
        return
    if call.func.id != "max" or not call.args:
        return
    collection = call.args[0]
    if isinstance(collection, ast.GeneratorExp | ast.ListComp | ast.SetComp):
        collection = collection.generators[0].iter
    yield f.edit("max+1 -> len+1", call, f"len({f.text(collection)})", node)


def dict_keys(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """A key dropped from a dict literal that is returned, yielded or passed to a call."""
    if not isinstance(node, ast.Dict) or not _reaches_response(f, node):
        return
    # A pair spans from its key (or the `**` before a spread) to the end of its value.
    spans = [
        (f.source.span(key if key is not None else value)[0] - (2 if key is None else 0),
         f.source.span(value)[1])
        for key, value in zip(node.keys, node.values, strict=True)
    ]  # fmt: skip
    for index, key in enumerate(node.keys):
        if key is not None:  # a **spread is left alone
            yield f.edit("dict key dropped", f.removal(spans, index), "", node)


def _reaches_response(f: _Finder, node: ast.AST) -> bool:
    current = node
    while current in f.parents:
        parent = f.parents[current]
        if isinstance(parent, ast.Return | ast.Yield | ast.Call | ast.keyword):
            return True
        if not isinstance(parent, ast.Dict | ast.List | ast.Tuple):
            return False
        current = parent
    return False


def swapped_arguments(f: _Finder, node: ast.AST) -> Iterator[_Edit]:
    """The two positional arguments of a call in the other order."""
    if not isinstance(node, ast.Call) or len(node.args) != 2:
        return
    if any(isinstance(a, ast.Starred) for a in node.args) or _call_name(node) in SYMMETRIC_CALLS:
        return
    first, second = node.args
    if f.text(first) == f.text(second):
        return
    start, middle_start = f.source.span(first)
    middle_end, end = f.source.span(second)
    between = f.source.text[middle_start:middle_end]
    yield f.edit("arguments swapped", (start, end), f.text(second) + between + f.text(first), node)


OPERATORS: tuple[Operator, ...] = (
    status_codes,  # before numbers and bounds: they mark the literals they own
    bounds,
    numbers,
    comparisons,
    booleans,
    awaits,
    keywords,
    decorators,
    finally_bodies,
    max_plus_one,
    dict_keys,
    swapped_arguments,
)
