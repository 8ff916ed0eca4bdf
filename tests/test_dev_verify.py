"""`dev verify`: solutions pass, stubs fail without erroring, mistakes are rejected."""

from tests.conftest import GOOD_APP

STUB = GOOD_APP.replace('{"pong": True}', '{"pong": False}')
CAUGHT = '"""Answers pong false."""\n' + STUB
MISSED = '"""Same as the solution: the specs cannot tell."""\n' + GOOD_APP


def test_a_complete_kata_verifies(tree):
    tree.add_kata("01_ping", STUB, solution=GOOD_APP, mistakes={"a": CAUGHT, "b": CAUGHT})
    done = tree.run("dev", "verify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok   01_ping" in done.stdout and "mistakes rejected 2/2" in done.stdout


def test_a_mistake_the_specs_accept_is_reported_with_its_note(tree):
    tree.add_kata("01_ping", STUB, solution=GOOD_APP, mistakes={"a": CAUGHT, "b": MISSED})
    done = tree.run("dev", "verify")
    assert done.returncode == 1
    assert (
        "mistake b (Same as the solution: the specs cannot tell.) was not rejected" in done.stdout
    )


def test_a_stub_that_errors_or_passes_is_reported(tree):
    tree.add_kata(
        "01_ping", "app = FastAPI(\n", solution=GOOD_APP, mistakes={"a": CAUGHT, "b": CAUGHT}
    )
    tree.add_kata("02_pong", GOOD_APP, solution=GOOD_APP, mistakes={"a": CAUGHT, "b": CAUGHT})
    done = tree.run("dev", "verify")
    assert done.returncode == 1
    assert "the stub errors instead of failing" in done.stdout
    assert "the stub passes every spec" in done.stdout


def test_missing_solution_mistakes_and_metadata_are_reported(tree):
    tree.add_kata("01_ping", STUB)
    (tree.root / "katas" / "01_ping" / "kata.toml").write_text('title = "t"\ndifficulty = "hard"\n')
    done = tree.run("dev", "verify")
    assert done.returncode == 1
    for problem in ("solutions/01_ping/app.py is missing", "0 common mistakes",
                    "difficulty: Input should be 'easy', 'medium' or 'advanced' (got 'hard')",
                    "time_limit: missing", "debrief: missing"):  # fmt: skip
        assert problem in done.stdout, done.stdout
