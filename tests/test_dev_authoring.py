"""The author's verbs: `dev mistake edit|new`, `dev new`, and what verify says about patches."""

import subprocess
import sys

from tests.conftest import GOOD_APP, REPO

STUB = GOOD_APP.replace('{"pong": True}', '{"pong": False}')
CAUGHT = '"""Answers pong false."""\n' + STUB
PING_MISTAKES = {"a": CAUGHT, "b": '"""Answers pong none."""\n' + STUB.replace("False", "None")}


def verify_lines(done):
    return [line.strip() for line in done.stdout.splitlines()]


def test_a_patch_that_no_longer_applies_fails_verify_naming_the_hunk(tree):
    tree.add_kata("01_ping", STUB, solution=GOOD_APP, mistakes=PING_MISTAKES)
    solution = tree.root / "solutions" / "01_ping" / "app.py"
    # The reference moves on: a line inside mistake a's hunk changes.
    solution.write_text(solution.read_text().replace('"/ping"', '"/ping", tags=["ping"]'))

    done = tree.run("dev", "verify")
    assert done.returncode == 1, done.stdout
    assert (
        "- mistake a cannot be built: solutions/01_ping/mistakes/a.patch: app.py, hunk 2 "
        "(@@ -6,4 +7,4 @@) does not apply: line 7 should be '@app.get(\"/ping\")\\n', found "
        '\'@app.get("/ping", tags=["ping"])\\n\'' in verify_lines(done)
    ), done.stdout
    assert "mistakes rejected 0/2" in done.stdout


def test_a_mistake_left_as_a_folder_is_reported(tree):
    tree.add_kata("01_ping", STUB, solution=GOOD_APP, mistakes=PING_MISTAKES)
    old = tree.root / "solutions" / "01_ping" / "mistakes" / "old_style"
    old.mkdir()
    (old / "app.py").write_text(CAUGHT)
    done = tree.run("dev", "verify")
    assert done.returncode == 1
    assert "solutions/01_ping/mistakes/old_style/ is a mistake in the old full-copy form" in (
        done.stdout
    )


def test_new_then_edit_round_trip(tree):
    tree.add_kata("01_ping", STUB, solution=GOOD_APP)
    work = tree.root / ".mistakes-work" / "01_ping" / "falsy"
    patch = tree.root / "solutions" / "01_ping" / "mistakes" / "falsy.patch"

    started = tree.run("dev", "mistake", "new", "01", "falsy", "--note", "Pong is false.",
                       "--no-wait")  # fmt: skip
    assert started.returncode == 0, started.stderr
    assert str(work) in started.stdout
    assert (work / "app.py").read_text() == (tree.root / "solutions/01_ping/app.py").read_text()
    (work / "app.py").write_text((work / "app.py").read_text().replace("True", "False"))
    done = tree.run("dev", "mistake", "new", "01_ping", "falsy", "--done")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "wrote solutions/01_ping/mistakes/falsy.patch (1 hunk)" in done.stdout
    assert not work.exists()
    text = patch.read_text()
    assert text.startswith("Mistake: Pong is false.\n--- a/app.py\n+++ b/app.py\n@@ ")
    assert '-    return {"pong": True}\n+    return {"pong": False}\n' in text

    # edit: the folder holds the mistake, whole; the note is kept.
    assert tree.run("dev", "mistake", "edit", "01", "falsy", "--no-wait").returncode == 0
    assert '{"pong": False}' in (work / "app.py").read_text()
    (work / "app.py").write_text((work / "app.py").read_text().replace("False", "0"))
    assert tree.run("dev", "mistake", "edit", "01", "falsy", "--done").returncode == 0
    assert patch.read_text().startswith("Mistake: Pong is false.\n")
    assert '+    return {"pong": 0}\n' in patch.read_text()

    verified = tree.run("dev", "verify")
    assert "mistakes rejected 1/1" in verified.stdout, verified.stdout


def test_edit_waits_for_enter_then_rewrites_the_patch(tree):
    tree.add_kata("01_ping", STUB, solution=GOOD_APP, mistakes=PING_MISTAKES)
    work = tree.root / ".mistakes-work" / "01_ping" / "a"
    command = [sys.executable, "-m", "checker", "--root", str(tree.root),
               "dev", "mistake", "edit", "01", "a"]  # fmt: skip
    with subprocess.Popen(command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          text=True) as process:  # fmt: skip
        assert process.stdout is not None and process.stdin is not None
        assert process.stdout.readline().strip() == f"edit the files in {work}"
        assert "press Enter" in process.stdout.readline()
        (work / "app.py").write_text((work / "app.py").read_text().replace("False", "[]"))
        process.stdin.write("\n")
        process.stdin.close()
        rest = process.stdout.read()
    assert process.returncode == 0 and "wrote solutions/01_ping/mistakes/a.patch" in rest
    patch = (tree.root / "solutions" / "01_ping" / "mistakes" / "a.patch").read_text()
    assert patch.startswith("Mistake: Answers pong false.\n")
    assert '+    return {"pong": []}\n' in patch


def test_a_mistake_identical_to_the_reference_is_not_written(tree):
    tree.add_kata("01_ping", STUB, solution=GOOD_APP)
    tree.run("dev", "mistake", "new", "01", "same", "--note", "Nothing.", "--no-wait")
    done = tree.run("dev", "mistake", "new", "01", "same", "--done")
    assert done.returncode == 1 and "a mistake must change something" in done.stdout
    assert (tree.root / ".mistakes-work" / "01_ping" / "same").is_dir()  # kept for a retry


def test_dev_new_scaffolds_a_kata_that_verify_accepts_but_for_its_placeholders(tree):
    done = tree.run("dev", "new", "07_greetings", "--title", 'Say "hello"', "--difficulty",
                    "easy", "--track", "foundations")  # fmt: skip
    assert done.returncode == 0, done.stderr
    kata = tree.root / "katas" / "07_greetings"
    for name in ("README.md", "app.py", "kata.toml", ".spec/test_07_greetings.py",
                 ".original/app.py.orig"):  # fmt: skip
        assert (kata / name).is_file(), name
    assert (tree.root / "solutions" / "07_greetings" / "app.py").is_file()
    assert (tree.root / "solutions" / "07_greetings" / "mistakes").is_dir()

    verified = tree.run("dev", "verify")
    problems = [line[2:] for line in verify_lines(verified) if line.startswith("- ")]
    assert problems == [
        "katas/07_greetings/README.md still holds `TODO(dev new)` placeholders (lines 3, 6, 11)",
        "katas/07_greetings/kata.toml still holds `TODO(dev new)` placeholders "
        "(lines 4, 7, 10, 11)",
        "katas/07_greetings/.spec/test_07_greetings.py still holds `TODO(dev new)` placeholders "
        "(lines 1, 4)",
        "katas/07_greetings/app.py still holds `TODO(dev new)` placeholders (lines 5)",
        "solutions/07_greetings/app.py still holds `TODO(dev new)` placeholders (lines 10)",
        "0 common mistakes in solutions/07_greetings/mistakes, at least 2 wanted",
    ], verified.stdout  # the solution passes and the stub fails: no other problem

    again = tree.run("dev", "new", "07_other", "--title", "t", "--difficulty", "easy",
                     "--track", "t")  # fmt: skip
    assert again.returncode == 2 and "kata 07_greetings already uses that number" in again.stderr
