"""Runs one kata's specs with pytest, as a library, inside the process the runner started for it.

    python -m checker.inside.worker SPEC_DIR RESULTS_FD [--impl-root DIR] [--sandbox PLAN]
        [--exit-first]

Results go to the inherited descriptor RESULTS_FD as JSON lines (see checker.engine.results),
opened by the runner before any learner code is imported; whatever pytest or the learner's code
prints goes to stdout/stderr, which the runner keeps only the tail of. With --sandbox (a
checker.engine.sandbox.Plan as JSON) the specs run inside the OS sandbox.
"""

from __future__ import annotations

import sys
from pathlib import Path

SPEC_CONFIG = Path(__file__).with_name("spec_pytest.ini")
# A learner's runaway allocation ends as a MemoryError in that kata, not as a machine that swaps.
MEMORY_LIMIT_BYTES = 3 * 2**30


def pytest_args(
    spec_dir: Path, results_fd: int | None, impl_root: Path | None, exit_first: bool = False
) -> list[str]:
    args = [
        str(spec_dir),
        "-c", str(SPEC_CONFIG),
        "--rootdir", str(spec_dir),
        # No conftest.py above the spec folder (a learner's, say) may take part in the run.
        "--confcutdir", str(spec_dir),
        "-p", "no:cacheprovider",
        # Every kata's specs may share file names: import them by path, not by basename.
        "--import-mode=importlib",
        "-q", "--no-header",
        # Nothing reads pytest's traceback text, and rendering long chained tracebacks is slow.
        "--tb=no",
    ]  # fmt: skip
    if results_fd is not None:
        args += ["--results-fd", str(results_fd)]
    if impl_root is not None:
        args += ["--impl-root", str(impl_root)]
    if exit_first:
        args.append("--exitfirst")
    return args


def limit_memory(limit: int = MEMORY_LIMIT_BYTES) -> None:
    """Cap the heap (RLIMIT_DATA: what malloc and anonymous mmap can take) of this process."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass  # not on this platform: the time limit still ends a runaway kata


def run_specs(
    spec_dir: Path, results_fd: int | None, impl_root: Path | None, exit_first: bool = False
) -> int:
    import pytest
    import pytest_asyncio.plugin

    from checker.engine.results import write_event
    from checker.inside import plugin

    limit_memory()
    # Plugins given as objects, not `-p` names: pytest would want to rewrite the asserts of a -p
    # plugin, and warns when one was imported before it started (as a warm worker does).
    plugins = [pytest_asyncio.plugin, plugin]
    args = pytest_args(spec_dir, results_fd, impl_root, exit_first)
    code = pytest.main(args, plugins=plugins)
    if results_fd is not None:
        write_event(results_fd, {"event": "done", "exit_code": int(code)})
    return int(code)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m checker.inside.worker")
    parser.add_argument("spec_dir", type=Path)
    parser.add_argument("results_fd", type=int)
    parser.add_argument("--impl-root", type=Path, default=None)
    parser.add_argument("--sandbox", default="")
    parser.add_argument("--exit-first", action="store_true")
    args = parser.parse_args(argv)
    sys.dont_write_bytecode = True  # keep __pycache__ out of the learner's folders
    if not args.sandbox:
        return run_specs(args.spec_dir, args.results_fd, args.impl_root, args.exit_first)
    from checker.engine import sandbox

    def target() -> int:
        return run_specs(args.spec_dir, args.results_fd, args.impl_root, args.exit_first)

    try:
        return exit_like(sandbox.run_sandboxed(sandbox.Plan.from_json(args.sandbox), target))
    except sandbox.SandboxError as exc:
        print(f"{SANDBOX_FAILED} {exc}", file=sys.stderr)
        return SANDBOX_FAILED_EXIT


# How a worker says it could not enter the sandbox (before any learner code ran).
SANDBOX_FAILED = "checker: could not enter the sandbox:"
SANDBOX_FAILED_EXIT = 71


def exit_like(code: int) -> int:
    """Exit with `code`, or die of the same signal when it is -N, as the sandboxed run did."""
    if code < 0:
        import os
        import signal

        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
        return 128 - code
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
