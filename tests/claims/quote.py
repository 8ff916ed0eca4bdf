"""Ties a claims test to the text it backs: the phrase must still be in the kata's file.

    quoted("25_database", "kata.toml", "one query per distinct author")

fails when the phrase is gone, so editing the README, hints or debrief without its check (or the
check without the text) breaks the build. Whitespace runs are folded, since wrapped TOML strings
and Markdown paragraphs break lines anywhere.
"""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def quoted(kata_id: str, file_name: str, phrase: str) -> str:
    """Assert that katas/KATA_ID/FILE_NAME says PHRASE; return the phrase (for test ids)."""
    path = REPO / "katas" / kata_id / file_name
    text = _fold(path.read_text(encoding="utf-8"))
    assert _fold(phrase) in text, (
        f"katas/{kata_id}/{file_name} no longer says {phrase!r}: the claims test next to this "
        "line checks that sentence. Update the test and the text together."
    )
    return phrase
