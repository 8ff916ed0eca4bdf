"""`dev mutants`: operators, stable names, killed and surviving mutants, the record, the cache."""

from __future__ import annotations

import json
import textwrap

import pytest

from checker.commands.dev.mutants import why_killed, write_mistake
from checker.engine import mistakes
from checker.engine.catalog import Catalog
from checker.engine.mutants_record import record_problems
from checker.engine.mutation import SolutionSyntaxError, mutants_of
from checker.engine.results import KataResult, SpecResult, Status

# A kata small enough to run all its mutants in seconds: a bound, a status code, dict responses,
# and a loop whose `i += 0` mutant never ends.
SOLUTION = """\
from fastapi import FastAPI, HTTPException, Query

app = FastAPI()


@app.get("/items")
def items(limit: int = Query(default=10, ge=1, le=50)):
    return {"limit": limit}


@app.post("/items", status_code=201)
def create(name: str):
    if name != "apples":
        raise HTTPException(404)
    return {"name": name, "count": 3}


@app.get("/spin")
def spin():
    i = 0
    while i < 3:
        i += 1
    return {"spins": i}
"""

# Kills most mutants, but never tries the upper bound, an unknown name or the count.
SPEC = """\
def test_items(test_client):
    assert test_client.get("/items").json() == {"limit": 10}
    assert test_client.get("/items?limit=1").status_code == 200
    assert test_client.get("/items?limit=0").status_code == 422


def test_create(test_client):
    r = test_client.post("/items?name=apples")
    assert r.status_code == 201 and r.json()["name"] == "apples", r.text


def test_spin(test_client):
    assert test_client.get("/spin").json() == {"spins": 3}
"""

# One place for every operator the issue names.
EVERY_OPERATOR = """\
import asyncio
from fastapi import Depends, FastAPI, HTTPException, status

app = FastAPI()
ITEMS = {}


@app.post("/things", status_code=201)
async def add(response, auto: bool = Depends(check, use_cache=False)):
    if len(ITEMS) >= 3 or auto == "x":
        raise HTTPException(status_code=status.HTTP_409_CONFLICT)
    try:
        await asyncio.sleep(0.1)
    finally:
        ITEMS.clear()
    new_id = max(item["id"] for item in ITEMS.values()) + 1
    response.set_cookie("session", new_id, httponly=True)
    return {"id": new_id, "ok": True}
"""


def names(source: str) -> set[tuple[str, str, str]]:
    mutants, _ = mutants_of("app.py", source)
    return {(m.operator, m.before, m.after) for m in mutants}


def test_the_operators_make_the_mutants_the_issue_names():
    made = names(EVERY_OPERATOR)
    expected = {
        ("status", "status_code=201", "status_code=200"),
        ("status", "status_code=status.HTTP_409_CONFLICT",
         "status_code=status.HTTP_400_BAD_REQUEST"),
        ("comparison", "len(ITEMS) >= 3", "len(ITEMS) > 3"),
        ("comparison", 'auto == "x"', 'auto != "x"'),
        ("number", 'len(ITEMS) >= 3 or auto == "x"', 'len(ITEMS) >= 4 or auto == "x"'),
        ("number", 'len(ITEMS) >= 3 or auto == "x"', 'len(ITEMS) >= 2 or auto == "x"'),
        ("boolean", "httponly=True", "httponly=False"),
        ("boolean", "use_cache=False", "use_cache=True"),
        ("keyword removed", "Depends(check, use_cache=False)", "Depends(check)"),
        ("decorator removed", '@app.post("/things", status_code=201)', ""),
        ("await", "await asyncio.sleep(0.1)", "asyncio.sleep(0.1)"),
        ("blocking sleep", "await asyncio.sleep(0.1)", '__import__("time").sleep(0.1)'),
        ("finally emptied", "ITEMS.clear()", "pass"),
        ("max+1 -> len+1", 'max(item["id"] for item in ITEMS.values()) + 1',
         "len(ITEMS.values()) + 1"),
        ("dict key dropped", '{"id": new_id, "ok": True}', '{"ok": True}'),
        ("dict key dropped", '{"id": new_id, "ok": True}', '{"id": new_id}'),
    }  # fmt: skip
    assert expected <= made, sorted(expected - made)
    bounds = names("def f(x: int = Query(ge=1, lt=9)):\n    return x\n")
    for before, after in (("ge=1", "gt=1"), ("ge=1", "ge=2"), ("ge=1", "ge=0"), ("lt=9", "le=9")):
        assert ("bound", before, after) in bounds
    swapped = names('def f(r):\n    r.set_cookie("k", 1)\n')
    assert ("arguments swapped", 'r.set_cookie("k", 1)', 'r.set_cookie(1, "k")') in swapped


def test_every_mutant_is_valid_python_and_differs_from_the_solution():
    for source in (SOLUTION, EVERY_OPERATOR):
        for mutant in mutants_of("app.py", source)[0]:
            assert mutant.source != source
            compile(mutant.source, "app.py", "exec")


def test_names_do_not_change_when_unrelated_lines_are_added():
    before = {m.id: m for m in mutants_of("app.py", SOLUTION)[0]}
    edited = '"""A docstring."""\nimport os\n\n' + SOLUTION.replace(
        "@app.post", '@app.get("/other")\ndef other():\n    return {"x": 1}\n\n\n@app.post'
    )
    after = {m.id: m for m in mutants_of("app.py", edited)[0]}
    assert set(before) <= set(after)
    assert all(after[i].line > before[i].line for i in before)


def test_identical_snippets_are_told_apart_by_occurrence():
    mutants, _ = mutants_of("app.py", "def f(a):\n    g(a + 1)\n    g(a + 1)\n")
    plus_two = [m for m in mutants if m.after == "g(a + 2)"]
    assert [m.occurrence for m in plus_two] == [0, 1]
    assert len({m.id for m in plus_two}) == 2


def test_given_code_and_main_blocks_are_not_mutated():
    source = textwrap.dedent("""\
        # katas: given
        LIMIT = 5
        # katas: end given
        SIZE = 7
        if __name__ == "__main__":
            run(port=8000)
        """)
    mutants, skipped = mutants_of("app.py", source)
    assert {m.before for m in mutants} == {"SIZE = 7"}
    assert skipped == 6  # LIMIT +/-1; in the main block: ==, port +/-1, port= removed


def test_a_solution_that_does_not_parse_says_where():
    with pytest.raises(SolutionSyntaxError, match=r"app.py, line 1"):
        mutants_of("app.py", "def broken(:\n")


def test_a_promoted_mutant_is_a_mistake_patch_that_applies(tree, tmp_path):
    tree.add_kata("01_items", SOLUTION, solution=SOLUTION)
    catalog = Catalog.load(tree.root)
    kata = catalog.resolve("01")
    mutant = next(m for m in mutants_of("app.py", SOLUTION)[0] if m.after == "le=51")
    path = write_mistake(catalog, kata, mutant, "limit_51", "accepts limit=51")
    lines = path.read_text().splitlines()
    assert lines[0] == "Mistake: accepts limit=51"
    assert "--- a/app.py" in lines and "+++ b/app.py" in lines
    assert "-def items(limit: int = Query(default=10, ge=1, le=50)):" in lines
    assert "+def items(limit: int = Query(default=10, ge=1, le=51)):" in lines
    (found,) = mistakes.find(catalog.layout, kata.id)
    mistakes.assemble(catalog.layout, found, tmp_path / "built")
    assert (tmp_path / "built" / "app.py").read_text() == mutant.source


def test_why_a_mutant_was_killed_is_said_in_one_line():
    failed = KataResult("01", Status.FAIL, tests=[SpecResult("test_items", Status.FAIL, "no")])
    assert why_killed(failed) == "test_items failed"
    assert why_killed(KataResult("01", Status.TIMEOUT, duration_s=4.25)) == "timeout after 4.2 s"
    crashed = KataResult(
        "01", Status.ERROR, message="the spec process ended abruptly with exit code -11"
    )
    assert why_killed(crashed) == "error: the spec process ended abruptly with exit code -11"
    assert why_killed(KataResult("01", Status.PASS)) is None


def run_json(tree, *args: str) -> dict:
    done = tree.run("dev", "mutants", "-j", "2", "--format", "json", *args)
    assert done.stdout.strip(), done.stderr
    return {kata["id"]: kata for kata in json.loads(done.stdout)["katas"]}


def test_a_run_kills_times_out_records_and_caches(tree):
    tree.add_kata("01_shop", SOLUTION, spec=SPEC, time_limit=20, solution=SOLUTION)
    tree.add_kata("02_broken", SOLUTION, spec=SPEC, solution="def broken(:\n")
    report = run_json(tree)

    assert "cannot be parsed" in report["02_broken"]["problem"]
    shop = report["01_shop"]
    assert (shop["mutants"], shop["killed"], shop["survived"]) == (31, 21, 10), shop
    assert shop["cached"] == 0
    survivors = {(s["operator"], s["before"], s["after"]): s for s in shop["survivors"]}
    upper = survivors[("bound", "le=50", "lt=50")]
    assert "+def items(limit: int = Query(default=10, ge=1, lt=50)):" in upper["diff"]
    assert ("status", "HTTPException(404)", "HTTPException(400)") in survivors
    assert ("number", "i = 0", "i = 1") in survivors
    (hang,) = [k for k in shop["killed_without_a_failing_spec"] if k["after"] == "i += 0"]
    assert hang["reason"].startswith("timeout after"), hang

    # The human form: one line per survivor, with its changed lines.
    human = tree.run("dev", "mutants", "01").stdout
    assert "FAIL 01_shop  score 67.7%  mutants 31: killed 21, survived 10" in human, human
    assert "+def items(limit: int = Query(default=10, ge=1, lt=50)):" in human
    assert "i += 0 -> " not in human and "timeout after" in human

    # The record: every survivor unexplained until the author classes it.
    done = tree.run("dev", "mutants", "01", "--record")
    assert done.returncode == 1 and "unexplained 10" in done.stdout, done.stdout
    catalog = Catalog.load(tree.root)
    kata = catalog.resolve("01")
    assert any("10 unexplained mutant survivors" in p for p in record_problems(catalog, kata, True))
    record_path = tree.root / "solutions" / "01_shop" / "mutants.json"
    record = json.loads(record_path.read_text())
    for survivor in record["survivors"]:
        survivor.update({"class": "free", "reason": "the fixture leaves it free"})
    record_path.write_text(json.dumps(record))
    assert record_problems(catalog, kata, True) == []

    # A second run takes every verdict from the cache, and keeps the author's classes.
    again = run_json(tree, "01")["01_shop"]
    assert (again["cached"], again["killed"], again["free"], again["ok"]) == (31, 21, 10, True)

    # Sharper specs make the record stale.
    spec = tree.root / "katas" / "01_shop" / ".spec" / "test_spec.py"
    spec.write_text(spec.read_text() + "\n\ndef test_more():\n    pass\n")
    (stale,) = record_problems(catalog, kata, True)
    assert "the mutants record is stale (.spec/test_spec.py changed)" in stale
    verify = tree.run("dev", "verify", "01")
    assert verify.returncode == 1 and stale in verify.stdout, verify.stdout


def test_a_missing_record_is_a_problem_only_when_required(tree):
    tree.add_kata("01_shop", SOLUTION, spec=SPEC, solution=SOLUTION)
    catalog = Catalog.load(tree.root)
    kata = catalog.resolve("01")
    assert record_problems(catalog, kata, False) == []
    (missing,) = record_problems(catalog, kata, True)
    assert "no mutants record (solutions/01_shop/mutants.json)" in missing
