"""One kata run as the runner hands it to a worker: where the specs, the code and the outputs are.

It crosses a process boundary as JSON (the warm worker's protocol), so it holds only strings and
one flag.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Job:
    spec_dir: str  # the private copy of the kata's .spec folder
    # Where the worker streams its events (see checker.engine.results). The worker's trusted
    # start opens it and hands pytest only the descriptor; inside the sandbox the path is hidden.
    results_file: str
    output_file: str  # where the worker's stdout and stderr go
    impl_root: str  # the folder holding NN_slug/ with the code under test
    cwd: str  # the run's working directory: the learner's relative paths land here
    # Stop at the first failing spec (`dev mutants`: one failure is enough to kill a mutant).
    exit_first: bool = False
    tmpdir: str = ""  # TMPDIR for the run (inside the run's private folder)
    sandbox: str = ""  # a checker.engine.sandbox.Plan as JSON, or "" to run without one

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Job:
        data = json.loads(text)
        fields = {name: str(data.get(name, "")) for name in cls.__dataclass_fields__}
        fields.pop("exit_first")
        return cls(**fields, exit_first=bool(data.get("exit_first", False)))

    @property
    def results_path(self) -> Path:
        return Path(self.results_file)
