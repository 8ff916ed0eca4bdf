"""What a run of a kata produced: one KataResult holding one SpecResult per spec, in file order.

The worker streams SpecResults as JSON lines while pytest runs, so a run that dies half-way
(os._exit, a kill at the time limit) still reports what finished before it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

PASS, FAIL, ERROR, TIMEOUT = "pass", "fail", "error", "timeout"


@dataclass
class SpecResult:
    name: str
    status: str  # pass | fail | error
    message: str = ""
    file: str = ""  # the spec file, relative to the kata folder
    line: int = 0
    # Where the learner's code was when the spec failed: "app.py:12", if the traceback went there.
    location: str = ""
    duration_s: float = 0.0


@dataclass
class KataResult:
    id: str
    status: str  # pass | fail | error | timeout
    duration_s: float = 0.0
    message: str = ""  # why the kata errored or timed out, or its first failure
    tests: list[SpecResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    output_tail: str = ""  # the end of what the worker printed, for diagnosing crashes

    @property
    def passed(self) -> int:
        return sum(1 for t in self.tests if t.status == PASS)

    @property
    def first_problem(self) -> SpecResult | None:
        return next((t for t in self.tests if t.status != PASS), None)

    def to_json(self) -> dict:
        data = asdict(self)
        data["duration_s"] = round(self.duration_s, 3)
        for test in data["tests"]:
            test["duration_s"] = round(test["duration_s"], 3)
        return data


def overall_status(results: list[KataResult]) -> str:
    if any(r.status in (ERROR, TIMEOUT) for r in results):
        return ERROR
    if all(r.status == PASS for r in results):
        return PASS
    return FAIL


# The stream between worker and runner: one JSON object per line.
def append_event(path: Path, event: dict) -> None:
    with path.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(event) + "\n")


def read_events(path: Path) -> list[dict]:
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a kill
    return events
