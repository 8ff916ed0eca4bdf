"""Patch files: written with difflib, applied by patch-ng exactly (no offset, no fuzz)."""

from pathlib import Path

import pytest

from checker.engine import patches
from checker.engine.patches import PatchError

BASE = "".join(f"line {n}\n" for n in range(1, 21))


def folders(tmp_path: Path, changed_text: str) -> tuple[Path, Path]:
    base, changed = tmp_path / "base", tmp_path / "changed"
    for folder, text in ((base, BASE), (changed, changed_text)):
        (folder / "pkg").mkdir(parents=True)
        (folder / "pkg" / "mod.py").write_text(text)
    return base, changed


def test_a_patch_holds_its_note_and_only_the_lines_around_the_change(tmp_path):
    base, changed = folders(tmp_path, BASE.replace("line 10\n", "line ten\n"))
    text = patches.make("Ten is spelt out.", base, changed, ["pkg/mod.py"])
    assert text.splitlines()[:4] == [
        "Mistake: Ten is spelt out.", "--- a/pkg/mod.py", "+++ b/pkg/mod.py", "@@ -7,7 +7,7 @@",
    ]  # fmt: skip
    assert len(text.splitlines()) == 4 + 7 + 1  # three lines of context on each side
    assert patches.note_of(text) == "Ten is spelt out."

    patches.apply(text, base, "ten.patch")
    assert (base / "pkg" / "mod.py").read_bytes() == (changed / "pkg" / "mod.py").read_bytes()


def test_a_hunk_whose_lines_moved_is_refused_not_applied_at_an_offset(tmp_path):
    base, changed = folders(tmp_path, BASE.replace("line 10\n", "line ten\n"))
    text = patches.make("Ten is spelt out.", base, changed, ["pkg/mod.py"])
    moved = "new first line\n" + BASE  # the hunk's lines are all there, one line lower
    (base / "pkg" / "mod.py").write_text(moved)

    with pytest.raises(PatchError) as caught:
        patches.apply(text, base, "ten.patch")
    message = str(caught.value)
    assert "ten.patch: pkg/mod.py, hunk 1 (@@ -7,7 +7,7 @@) does not apply" in message
    assert "line 7 should be 'line 7\\n', found 'line 6\\n'" in message
    assert (base / "pkg" / "mod.py").read_text() == moved  # untouched


def test_a_file_already_like_the_patched_version_is_refused(tmp_path):
    # patch-ng itself reports success on such a file (it takes it as "already patched").
    base, changed = folders(tmp_path, BASE.replace("line 10\n", "line ten\n"))
    text = patches.make("Ten is spelt out.", base, changed, ["pkg/mod.py"])
    with pytest.raises(PatchError, match=r"hunk 1 \(@@ -7,7 \+7,7 @@\) does not apply"):
        patches.apply(text, changed, "ten.patch")


def test_the_second_hunk_is_named_when_it_alone_fails(tmp_path):
    edited = BASE.replace("line 2\n", "line two\n").replace("line 18\n", "line eighteen\n")
    base, changed = folders(tmp_path, edited)
    text = patches.make("Two changes.", base, changed, ["pkg/mod.py"])
    (base / "pkg" / "mod.py").write_text(BASE.replace("line 17\n", "line 17 changed\n"))
    with pytest.raises(PatchError, match=r"pkg/mod.py, hunk 2 \(@@ -15,6 \+15,6 @@\)"):
        patches.apply(text, base, "two.patch")


def test_nothing_changed_no_newline_and_new_files_are_refused_when_writing(tmp_path):
    base, changed = folders(tmp_path, BASE)
    with pytest.raises(PatchError, match="does not differ"):
        patches.make("Nothing.", base, changed, ["pkg/mod.py"])
    (changed / "pkg" / "mod.py").write_text("no newline at the end")
    with pytest.raises(PatchError, match="does not end with a newline"):
        patches.make("Unterminated.", base, changed, ["pkg/mod.py"])
    (changed / "extra.py").write_text("x = 1\n")
    with pytest.raises(PatchError, match="only changes existing files"):
        patches.make("New file.", base, changed, ["extra.py"])


def test_spec_patches_apply_to_the_pristine_original_not_the_edited_file(tmp_path):
    kata = tmp_path / "11_testing"
    (kata / ".original").mkdir(parents=True)
    (kata / ".original" / "app.py.orig").write_text(BASE)
    (kata / "app.py").write_text("# edited by the learner\n" + BASE)
    base, changed = folders(tmp_path / "made", BASE.replace("line 3\n", "line three\n"))
    (base / "app.py").write_text(BASE)
    (changed / "app.py").write_text(BASE.replace("line 3\n", "line three\n"))
    patch = tmp_path / "broken.patch"
    patch.write_text(patches.make("Three is spelt out.", base, changed, ["app.py"]))

    built = patches.apply_to_originals(kata, patch, tmp_path / "built")
    assert (built / "app.py").read_text() == BASE.replace("line 3\n", "line three\n")
