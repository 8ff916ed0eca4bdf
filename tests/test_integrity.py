"""The integrity scan (before `grade` runs a learner's files) and the reference-match flag."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest

from checker.engine import integrity, similarity
from checker.engine.catalog import Catalog
from tests.conftest import GOOD_APP, REPO, Tree

# Each construct the scan reports, on the line marked `# <-`, and what its evidence says.
CONSTRUCTS = {
    "import pytest": "imports pytest",
    "from _pytest import runner": "imports _pytest",
    "import checker.inside.plugin as p": "imports checker.inside.plugin",
    "import ctypes": "imports ctypes",
    "from gc import get_objects": "imports gc",
    "import inspect": "imports inspect",
    "import importlib": "imports importlib",
    "import sys\nsys.modules['checker'] = None": "changes sys.modules",
    "import sys\nsys.modules.pop('checker')": "changes sys.modules (pop)",
    "from sys import modules\nplugin = modules['checker.inside.plugin']": "through sys.modules",
    "import builtins\nbuiltins.print = None": "changes the interpreter's builtins",
    "import builtins as b\nsetattr(b, 'open', None)": "changes the interpreter's builtins",
    "x = __builtins__": "(__builtins__)",
    "import sys\nframe = sys._getframe(1)": "(_getframe)",
    "from sys import _getframe as g\nframe = g()": "(_getframe)",
    "def f(frame):\n    return frame.f_back.f_locals": "(f_locals)",
    "def f(frame):\n    return getattr(frame, 'f_globals')": "(f_globals)",
    "path = '/proc/self/environ'": "'/proc/self/environ'",
    "path = f'/proc/{1}/environ'": "'/proc/'",
    "fd = '/dev/fd/3'": "'/dev/fd/3'",
    "eval('1 + 1')": "(eval)",
    "exec('x = 1')": "(exec)",
    "code = compile('1', 'f', 'eval')": "(compile)",
    "m = __import__('os')": "(__import__)",
    "import os\nos.dup2(1, 3)": "(os.dup2)",
    "import os as o\no.write(3, b'x')": "(os.write)",
    "from os import fdopen\nf = fdopen(3, 'w')": "(os.fdopen)",
    "import os\nf = getattr(os, 'dup')(3)": "(os.dup)",
    "stream = open(3, 'w')": "(builtins.open(3))",
}
# Lookalikes that are ordinary FastAPI code: none is reported.
INNOCENT = """
\"\"\"A docstring may say /proc/self/environ, eval() or sys.modules: prose is not code.\"\"\"
import re
import os
from fastapi import FastAPI

app = FastAPI()
PATTERN = re.compile(r"^[a-z]+$")  # re.compile is not compile()


@app.get("/processes/{name}")
async def processes(name: str):
    def compile(text):  # a function of the file's own, named like a builtin
        return text
    return {"name": compile(name), "cwd": os.getcwd(), "frame": "f_locals"}
"""


@pytest.mark.parametrize("construct", sorted(CONSTRUCTS))
def test_each_construct_is_found_with_file_and_line(construct):
    source = f"from fastapi import FastAPI\n\n{construct}  # <-\napp = FastAPI()\n"
    marked = 1 + source.splitlines().index(f"{construct.splitlines()[-1]}  # <-")
    findings = integrity.scan({"app.py": source})
    assert findings, f"nothing found in:\n{source}"
    assert any(
        f.file == "app.py" and f.line == marked and CONSTRUCTS[construct] in f.evidence
        for f in findings
    ), findings


def test_ordinary_code_and_prose_are_not_reported():
    assert integrity.scan({"app.py": textwrap.dedent(INNOCENT)}) == []


def test_a_kata_may_allow_a_module_in_its_kata_toml():
    source = "import pytest\nimport ctypes\n"
    assert [f.line for f in integrity.scan({"test_app.py": source}, ["pytest"])] == [2]
    kata_11 = Catalog.load(REPO).resolve("11")
    assert "pytest" in kata_11.may_import


def _learner_files(folder: Path, names: tuple[str, ...]) -> dict[str, str]:
    return {n: (folder / n).read_text() for n in names if n.endswith(".py")}


def test_the_reference_solutions_mistakes_and_stubs_raise_nothing():
    catalog = Catalog.load(REPO)
    assert len(catalog.katas) >= 31
    found = []
    for kata in catalog.katas:
        for variant, files in similarity.reference_variants(kata, catalog.solutions_dir):
            found += [(kata.id, variant, f) for f in integrity.scan(files, kata.may_import)]
        stub = _learner_files(kata.path, kata.files)
        found += [(kata.id, "stub", f) for f in integrity.scan(stub, kata.may_import)]
    assert found == []


# --- matches the reference solution ------------------------------------------------------------

REFERENCE_01 = (REPO / "solutions" / "01_path_params" / "app.py").read_text()


def renamed_copy(source: str) -> str:
    """The reference with its names changed, comments and docstrings added, and reformatted."""
    import ast

    tree = ast.parse(source)
    names = {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    }
    for name in names:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                node.name = f"my_{node.name}" if node.name == name else node.name
            elif isinstance(node, ast.Name) and node.id == name:
                node.id = f"my_{name}"
    return '"""My own work, honestly."""\n# written from scratch\n' + ast.unparse(tree) + "\n\n"


def variants_01() -> list[similarity.Variant]:
    catalog = Catalog.load(REPO)
    return similarity.reference_variants(catalog.resolve("01"), catalog.solutions_dir)


def test_a_renamed_reformatted_copy_of_the_reference_matches_it():
    copy = renamed_copy(REFERENCE_01)
    assert copy != REFERENCE_01 and "my_" in copy
    assert similarity.match_variant({"app.py": copy}, variants_01()) == similarity.REFERENCE
    result = similarity.similarity(
        similarity.fingerprint({"app.py": copy}), similarity.fingerprint({"app.py": REFERENCE_01})
    )
    assert result.identical and result.score == 1.0
    assert result.regions and result.regions[0].a_file == "app.py"


def test_a_renamed_copy_of_a_mistake_matches_that_mistake():
    variants = variants_01()
    name, files = variants[1]
    assert name.startswith("mistake ")
    copy = {"app.py": renamed_copy(files["app.py"])}
    assert similarity.match_variant(copy, variants) == name


def test_the_stub_and_an_independent_solution_match_nothing():
    stub = (REPO / "katas" / "01_path_params" / "app.py").read_text()
    assert similarity.match_variant({"app.py": stub}, variants_01()) is None
    independent = (Path(__file__).parent / "data" / "independent_01_app.py").read_text()
    assert similarity.match_variant({"app.py": independent}, variants_01()) is None
    partial = similarity.similarity(
        similarity.fingerprint({"app.py": independent}),
        similarity.fingerprint({"app.py": REFERENCE_01}),
    )
    assert not partial.identical and partial.score < 0.8


def test_similarity_reports_the_matching_regions():
    a = {"app.py": "x = 1\ny = 2\n\n\ndef f():\n    return x\n"}
    b = {"app.py": "# header\nq = 5\nx = 1\ny = 2\ndef g():\n    return x\n"}
    result = similarity.similarity(similarity.fingerprint(a), similarity.fingerprint(b))
    assert not result.identical and 0 < result.score < 1
    assert [(r.a_lines, r.b_lines) for r in result.regions] == [((1, 6), (3, 6))], result


# --- grade shows both -------------------------------------------------------------------------


def test_grade_flags_a_suspicious_file_and_a_renamed_reference(tree: Tree, tmp_path):
    stub = GOOD_APP.replace('{"pong": True}', '{"pong": False}')
    tree.add_kata("01_ping", stub, solution=GOOD_APP)
    tree.add_kata("02_pong", stub, solution=GOOD_APP)
    fork = tmp_path / "fork"
    shutil.copytree(tree.root / "katas", fork / "katas")
    suspicious = "import ctypes\n" + GOOD_APP.replace("async def ping", "async def ping_it")
    (fork / "katas" / "01_ping" / "app.py").write_text(suspicious)
    (fork / "katas" / "02_pong" / "app.py").write_text(renamed_copy(GOOD_APP))
    done = tree.run("grade", str(fork), "--format", "json")
    report = json.loads(done.stdout)
    first, second = report["katas"]
    assert first["status"] == "pass", "flags inform; they do not change the verdict"
    assert first["flags"] == [
        {"kind": "needs_review", "evidence": "imports ctypes (raw memory and C calls)",
         "file": "app.py", "line": 1},
    ]  # fmt: skip
    assert [f["kind"] for f in second["flags"]] == ["matches_reference"]
    assert second["status"] == "pass" and report["score"] == 2
