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
    results_file: str  # where the worker streams its events (see checker.engine.results)
    output_file: str  # where the worker's stdout and stderr go
    impl_root: str  # the folder holding NN_slug/ with the code under test
    cwd: str  # the run's working directory: the learner's relative paths land here
    # Stop at the first failing spec (`dev mutants`: one failure is enough to kill a mutant).
    exit_first: bool = False

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Job:
        data = json.loads(text)
        paths = {name: str(data[name]) for name in cls.__dataclass_fields__ if name != "exit_first"}
        return cls(**paths, exit_first=bool(data.get("exit_first", False)))

    @property
    def results_path(self) -> Path:
        return Path(self.results_file)
