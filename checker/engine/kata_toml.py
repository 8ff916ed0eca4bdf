"""The keys a kata.toml may hold: the one place they are declared (later features add keys here).

Wrong types, unknown keys and missing fields are reported by checker.engine.catalog in one line
naming the file and the key; the other katas still list and run.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from checker.engine.catalog import DIFFICULTIES

Difficulty = Literal["easy", "medium", "advanced"]
# The same three as catalog.DIFFICULTIES, which `dev new` offers without importing pydantic.
assert get_args(Difficulty) == DIFFICULTIES
# Strict scalars (a number is no title, "forty" is no time limit); TOML arrays become tuples.
Text = Annotated[str, Field(min_length=1, strict=True)]


class DebriefItem(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    question: Text
    answer: Text


class KataLimits(BaseModel):
    """[limits] in kata.toml: what one run of this kata may use, where the default is too small
    (checker.engine.sandbox.Limits holds the defaults; in force inside the sandbox)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    processes: Annotated[int, Field(ge=16, le=4096, strict=True)] | None = None
    memory_mb: Annotated[int, Field(ge=256, le=16384, strict=True)] | None = None
    open_files: Annotated[int, Field(ge=64, le=65536, strict=True)] | None = None
    file_size_mb: Annotated[int, Field(ge=16, le=4096, strict=True)] | None = None
    private_mb: Annotated[int, Field(ge=16, le=4096, strict=True)] | None = None


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
    limits: KataLimits | None = None
    # Bumped when the kata's contract changes: a pass recorded for an older version is stale.
    version: Annotated[int, Field(ge=1, strict=True)] = 1
