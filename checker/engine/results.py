"""What a run of a kata produced: one KataResult holding one SpecResult per spec, in file order.

The statuses are declared here once; every report, the state file and the watch screen use them.
The worker streams events as JSON lines while pytest runs, so a run that dies half-way
(os._exit, a kill at the time limit) still reports what finished before it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal, TypedDict


class Status(StrEnum):
    """A spec's or a kata's verdict; the values are what JSON reports and the state file hold."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"  # the kata could not be judged: its code does not load, crashed, ...
    TIMEOUT = "timeout"
    # Only `grade` gives it: the run reported a pass for a must-fail canary spec (see
    # checker.engine.canaries), so its results were forged and earn nothing.
    TAMPERED = "tampered"

    @property
    def is_problem(self) -> bool:
        """ERROR and TIMEOUT: the run itself went wrong, not one spec's assertion."""
        return self in (Status.ERROR, Status.TIMEOUT)


# --- integrity flags: what `grade` reports next to a verdict, for a person to review ----------


class FlagKind(StrEnum):
    """Why a graded kata deserves a second look; the values are what JSON reports hold."""

    TAMPERED = "tampered"  # a canary spec was reported passed: the evidence of a forged verdict
    NEEDS_REVIEW = "needs_review"  # the integrity scan found a construct that can forge results
    MATCHES_REFERENCE = "matches_reference"  # the learner's files are the reference, renamed
    MATCHES_MISTAKE = "matches_mistake"  # ... or one of the mistakes the specs must reject


FLAG_LABELS = {
    FlagKind.TAMPERED: "tampered",
    FlagKind.NEEDS_REVIEW: "needs review",
    FlagKind.MATCHES_REFERENCE: "matches the reference solution",
    FlagKind.MATCHES_MISTAKE: "matches a mistake",
}


@dataclass(frozen=True)
class Flag:
    kind: FlagKind
    evidence: str  # what was found, in one line: "imports ctypes", "canary X reported pass"
    file: str = ""  # relative to the kata folder ("app.py"), "" when it concerns the whole kata
    line: int = 0

    @property
    def label(self) -> str:
        return FLAG_LABELS[self.kind]

    def describe(self) -> str:
        """`needs review: app.py:3: imports ctypes`, as every text report prints a flag."""
        where = f"{self.file}:{self.line}: " if self.file and self.line else ""
        where = where or (f"{self.file}: " if self.file else "")
        return f"{self.label}: {where}{self.evidence}"


class Role(StrEnum):
    """What code a run judged, for the author's verbs: the reference, the stub, or a mistake."""

    SOLUTION = "solution"
    STUB = "stub"
    MISTAKE = "mistake"


@dataclass
class SpecResult:
    name: str
    status: Status  # PASS, FAIL or ERROR
    message: str = ""
    file: str = ""  # the spec file, relative to the kata folder
    line: int = 0
    # Where the learner's code was when the spec failed: "app.py:12", if the traceback went there.
    location: str = ""
    duration_s: float = 0.0


@dataclass
class KataResult:
    id: str
    status: Status
    duration_s: float = 0.0
    message: str = ""  # why the kata errored or timed out, or its first failure
    tests: list[SpecResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    output_tail: str = ""  # the end of what the worker printed, for diagnosing crashes
    flags: list[Flag] = field(default_factory=list)  # set by `grade` only

    @property
    def passed(self) -> int:
        return sum(1 for t in self.tests if t.status == Status.PASS)

    @property
    def first_problem(self) -> SpecResult | None:
        return next((t for t in self.tests if t.status != Status.PASS), None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["duration_s"] = round(self.duration_s, 3)
        for test in data["tests"]:
            test["duration_s"] = round(test["duration_s"], 3)
        return data


def overall_status(results: list[KataResult]) -> Status:
    if any(r.status == Status.TAMPERED for r in results):
        return Status.TAMPERED
    if any(r.status.is_problem for r in results):
        return Status.ERROR
    if all(r.status == Status.PASS for r in results):
        return Status.PASS
    return Status.FAIL


@dataclass(frozen=True)
class Problem:
    """What to tell a learner about a result that is not a pass: one place decides it."""

    summary: str  # "test_name: message", or why the kata errored or timed out
    spec: str  # the failing spec's name, "" when the kata as a whole went wrong
    message: str  # the spec's message, or the kata's
    location: str  # "app.py:12" in the learner's code, or ""


def describe(result: KataResult) -> Problem | None:
    """The problem every report and the watch screen show for `result`; None when it passes."""
    if result.status == Status.PASS:
        return None
    problem = result.first_problem
    if result.status == Status.TAMPERED:
        return Problem(result.message or "tampered", "", result.message, "")
    if result.status.is_problem or problem is None:
        location = problem.location if problem is not None else ""
        message = result.message or result.status.value
        return Problem(message, "", message, location)
    return Problem(
        f"{problem.name}: {problem.message}", problem.name, problem.message, problem.location
    )


# --- the stream between worker and runner: one JSON object per line ---------------------------


class StartEvent(TypedDict):
    event: Literal["start"]
    name: str


class SpecEvent(TypedDict):
    event: Literal["spec"]
    name: str
    status: str
    message: str
    file: str
    line: int
    location: str
    duration_s: float


class WarningEvent(TypedDict):
    event: Literal["warning"]
    message: str


class CollectErrorEvent(TypedDict):
    event: Literal["collect_error"]
    message: str


class DoneEvent(TypedDict):
    event: Literal["done"]
    exit_code: int


Event = StartEvent | SpecEvent | WarningEvent | CollectErrorEvent | DoneEvent


def spec_event(spec: SpecResult) -> SpecEvent:
    return {
        "event": "spec",
        "name": spec.name,
        "status": spec.status.value,
        "message": spec.message,
        "file": spec.file,
        "line": spec.line,
        "location": spec.location,
        "duration_s": spec.duration_s,
    }


def spec_from_event(event: Mapping[str, Any]) -> SpecResult:
    """Raises KeyError, TypeError or ValueError for a line that is not a spec event of ours."""
    return SpecResult(
        name=str(event["name"]),
        status=Status(event["status"]),
        message=str(event.get("message", "")),
        file=str(event.get("file", "")),
        line=int(event.get("line", 0)),
        location=str(event.get("location", "")),
        duration_s=float(event.get("duration_s", 0.0)),
    )


def append_event(path: Path, event: Event) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(event) + "\n")


def write_event(fd: int, event: Event) -> None:
    """One line to the worker's results descriptor (O_APPEND: a line is never interleaved)."""
    data = (json.dumps(event) + "\n").encode("utf-8")
    while data:
        data = data[os.write(fd, data) :]


# A run that floods its results is cut here: more than any kata's real events.
MAX_EVENTS_BYTES = 32 * 2**20


def read_events(path: Path) -> list[dict[str, Any]]:
    """The events in `path`, as plain dicts: a learner's code may have written anything there."""
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_EVENTS_BYTES)
    except OSError:
        return []
    events = []
    for line in raw.decode("utf-8", errors="replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short by a kill
        if isinstance(event, dict):
            events.append(event)
    return events
