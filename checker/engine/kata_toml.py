"""The keys a kata.toml may hold: the one place they are declared (later features add keys here).

Wrong types, unknown keys and missing fields are reported by checker.engine.catalog in one line
naming the file and the key; the other katas still list and run.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

Difficulty = Literal["easy", "medium", "advanced"]
DIFFICULTIES: tuple[str, ...] = get_args(Difficulty)
# Strict scalars (a number is no title, "forty" is no time limit); TOML arrays become tuples.
Text = Annotated[str, Field(min_length=1, strict=True)]


class DebriefItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: Text
    answer: Text


class KataToml(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Text
    difficulty: Difficulty
    track: Text
    topics: tuple[Text, ...] = Field(min_length=1)
    # The files a learner edits, relative to the kata folder; grading takes only these.
    files: tuple[Text, ...] = Field(default=("app.py",), min_length=1)
    # Seconds the specs may run; the runner adds a start-up allowance.
    time_limit: Annotated[float, Field(gt=0, le=600, strict=True)]
    assumes: tuple[Text, ...] = ()
    hints: tuple[Text, ...] = Field(min_length=2)
    debrief: tuple[DebriefItem, ...] = Field(min_length=1)
    # Modules the learner's files may import that `grade`'s integrity scan would otherwise
    # report (checker.engine.integrity.MODULES): kata 11's files are tests, so pytest.
    may_import: tuple[Text, ...] = ()
    # Bumped when the kata's contract changes: a pass recorded for an older version is stale.
    version: Annotated[int, Field(ge=1, strict=True)] = 1
