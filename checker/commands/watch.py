"""`watch`: the learner's main loop. Re-run the kata on every save, redraw, answer keys at once.

One loop, fed by two sources: key presses (a KeySource) and file changes (a FileWatcher that
polls the kata's few files, so it works where file-system events do not: WSL, network drives,
containers). The kata runs in a worker thread through runner.run_kata, so keys still answer while
it runs, and `q` or a new save stops the run in progress at once.
"""

from __future__ import annotations

import argparse
import hashlib
import queue
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

from checker.commands import learn
from checker.commands.common import add_sandbox_option, command, kata_here, sandbox_decision
from checker.engine import state
from checker.engine.catalog import Catalog, Kata
from checker.engine.results import KataResult, Status, describe

if TYPE_CHECKING:
    from checker.commands.common import Verbs
from checker.engine.runner import new_warm_worker, run_kata, stop_everything
from checker.engine.warm import WarmWorker

PASS = Status.PASS

KEYS_LINE = "Keys: h hint · r re-run · l list · n next kata (once it passes) · q quit"
# A stat() of a few files twenty times a second costs nothing and never misses a save.
POLL_S = 0.05
DEBOUNCE_S = 0.05
MISSED_SAVE_HINT = (
    "Your files changed, but no change was seen since the last run: this file system may not "
    "report changes. Use `python -m checker watch --manual` and press r after each save."
)


class KeySource(Protocol):
    def get(self, timeout: float) -> str | None: ...


class QueueKeys:
    """Keys fed by code: tests, or a thread reading a terminal."""

    def __init__(self) -> None:
        self.queue: queue.Queue[str] = queue.Queue()

    def press(self, key: str) -> None:
        self.queue.put(key)

    def get(self, timeout: float) -> str | None:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            return None


class TerminalKeys(QueueKeys):
    """Single key presses from a terminal (no Enter needed), read by a daemon thread."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream
        self._restore: Callable[[], None] = lambda: None
        if stream.isatty():
            import termios
            import tty

            fd = stream.fileno()
            saved = termios.tcgetattr(fd)
            tty.setcbreak(fd)
            self._restore = lambda: termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            char = self.stream.read(1)
            if not char:
                self.press("q")  # end of input: nobody is left to press keys
                return
            if char.strip():
                self.press(char.lower())

    def close(self) -> None:
        self._restore()


class FileWatcher:
    """Reports a change once the kata's files differ from the last look and have settled."""

    def __init__(self, paths: list[Path], debounce_s: float = DEBOUNCE_S) -> None:
        self.paths = paths
        self.debounce_s = debounce_s
        self._seen = self._stamp()
        self._pending_since: float | None = None

    def _stamp(self) -> tuple[tuple[int, int] | None, ...]:
        stamps: list[tuple[int, int] | None] = []
        for path in self.paths:
            try:
                info = path.stat()
                stamps.append((info.st_mtime_ns, info.st_size))
            except OSError:
                stamps.append(None)
        return tuple(stamps)

    def looks_unchanged(self) -> bool:
        return self._stamp() == self._seen

    def changed(self) -> bool:
        now = self._stamp()
        if now == self._seen:
            self._pending_since = None
            return False
        if self._pending_since is None:
            self._pending_since = time.monotonic()
            self._latest = now
            return False
        if now != self._latest:  # still being written: wait for it to settle
            self._pending_since, self._latest = time.monotonic(), now
            return False
        if time.monotonic() - self._pending_since < self.debounce_s:
            return False
        self._seen, self._pending_since = now, None
        return True


def content_digest(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


@dataclass
class _Run:
    generation: int
    stop: Callable[[], None] | None = None
    result: KataResult | None = None


class WatchSession:
    def __init__(
        self,
        catalog: Catalog,
        kata: Kata,
        keys: KeySource,
        out: TextIO,
        *,
        manual: bool = False,
        clear_screen: bool | None = None,
        poll_s: float = POLL_S,
        sandbox: str = "",
    ) -> None:
        self.catalog = catalog
        self.keys = keys
        self.out = out
        self.manual = manual
        self.clear_screen = out.isatty() if clear_screen is None else clear_screen
        self.poll_s = poll_s
        self.sandbox = sandbox_decision(sandbox or "auto")
        self.notice = ""
        self._generation = 0
        self._run: _Run | None = None
        self._results: queue.Queue[_Run] = queue.Queue()
        self._warm: WarmWorker | None = None
        self._warm_lock = threading.Lock()
        self._select(kata)

    # --- the loop -----------------------------------------------------------------------------

    def run(self) -> int:
        self._start_run()
        while True:
            key = self.keys.get(timeout=self.poll_s)
            if key == "q":
                self.close()
                self._write(f"Bye. Your progress is saved; `{command('watch')}` resumes.\n")
                return 0
            if key is not None:
                self._on_key(key)
            if not self.manual and self.watcher.changed():
                self.notice = "Change seen: re-running."
                self._start_run()
            self._collect_results()

    def _on_key(self, key: str) -> None:
        if key == "r":
            edited = self.content_at_run != content_digest(self.paths)
            if edited and not self.manual and self.watcher.looks_unchanged():
                self.notice = MISSED_SAVE_HINT  # the content moved, its time stamps did not
            self._start_run()
        elif key == "h":
            lines: list[str] = []
            learn.hint(self.catalog, self.kata, lines.append, show_all=False)
            self.notice = "\n".join(lines)
            self._draw()
        elif key == "l":
            lines = []
            learn.list_katas(self.catalog, lines.append, pending=False, done=False, track=None)
            self.notice = "\n".join(lines)
            self._draw()
        elif key == "n":
            if self.result is None or self.result.status != PASS:
                self.notice = "n moves on once this kata passes (or run `watch KATA` for another)."
                self._draw()
                return
            following = learn.first_pending(self.catalog, state.load(self.catalog.root))
            if following is None:
                self.notice = "Every kata passes. Well done!"
                self._draw()
                return
            self._select(following)
            self._start_run()

    # --- runs ---------------------------------------------------------------------------------

    def _select(self, kata: Kata) -> None:
        self.kata = kata
        self.paths = [kata.path / name for name in kata.files]
        self.watcher = FileWatcher(self.paths)
        self.result: KataResult | None = None

    def _start_run(self) -> None:
        self._stop_run()
        self.watcher = FileWatcher(self.paths)  # what this run sees is the new baseline
        self._generation += 1
        current = _Run(self._generation)
        self._run = current
        self.content_at_run = content_digest(self.paths)
        self._draw(running=True)
        kata = self.kata

        def work() -> None:
            def started(stop: Callable[[], None]) -> None:
                current.stop = stop

            current.result = self._run_warm(kata, started)
            self._results.put(current)

        threading.Thread(target=work, daemon=True).start()

    def _stop_run(self) -> None:
        if self._run is not None and self._run.result is None and self._run.stop is not None:
            self._run.stop()
        self._run = None

    def _run_warm(self, kata: Kata, started: Callable[[Callable[[], None]], None]) -> KataResult:
        """Runs go one after another through one warm worker, kept for the whole session."""
        with self._warm_lock:
            if self._warm is None or self._warm.process.poll() is not None:
                self._warm = new_warm_worker()
            return run_kata(kata, on_start=started, warm=self._warm, sandboxed=self.sandbox.on)

    def close(self) -> None:
        self._stop_run()
        with self._warm_lock:
            if self._warm is not None:
                self._warm.close()
                self._warm = None

    def _collect_results(self) -> None:
        while True:
            try:
                finished = self._results.get_nowait()
            except queue.Empty:
                return
            if self._run is None or finished.generation != self._run.generation:
                continue  # a run that was replaced or stopped: its result is stale
            self.result = finished.result
            assert self.result is not None
            state.record_results(
                self.catalog.root, [self.result], {self.kata.id: self.kata.version}
            )
            self._run = None
            self._draw()

    # --- drawing ------------------------------------------------------------------------------

    def _draw(self, running: bool = False) -> None:
        kata = self.kata
        lines = [f"FastAPI Katas · {kata.id}: {kata.title} ({kata.difficulty})", ""]
        if running:
            lines.append("Status: running the specs…")
        elif self.result is not None:
            lines += screen_for_result(self.catalog, kata, self.result)
        progress = state.load(self.catalog.root)
        done = sum(1 for k in self.catalog.katas if state.passes(progress, k.id, k.version))
        here = f"{kata.id}: {learn.kata_progress(progress, kata)}"
        progress_line = f"{learn.progress_bar(done, len(self.catalog.katas))} katas · {here}"
        lines += ["", progress_line, self.sandbox.describe()]
        if self.manual:
            lines.append("Manual mode: press r after saving.")
        lines.append(KEYS_LINE)
        if self.notice:
            lines += ["", self.notice]
            self.notice = ""
        prefix = "\x1b[2J\x1b[H" if self.clear_screen else "\n" + "=" * 72 + "\n"
        self._write(prefix + "\n".join(lines) + "\n")

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()


def screen_for_result(catalog: Catalog, kata: Kata, result: KataResult) -> list[str]:
    total = len(result.tests)
    if result.status == PASS:
        return [f"Status: PASS, {result.passed}/{total} specs", "", learn.debrief(kata)]
    lines = [f"Status: {result.status.upper()}, {result.passed}/{total} specs pass"]
    problem = describe(result)
    if problem is None or not problem.spec:
        lines.append(problem.message if problem is not None else result.message)
    else:
        lines += [f"First failing spec: {problem.spec}", f"  {problem.message}"]
    if problem is not None and problem.location:
        lines += code_excerpt(catalog, kata, problem.location)
    lines.append(f"Contract: {kata.readme.relative_to(catalog.root)}")
    return lines


def code_excerpt(catalog: Catalog, kata: Kata, location: str, context: int = 1) -> list[str]:
    """`at katas/NN/app.py:12` and the lines around it, the failing one marked."""
    name, _, line_text = location.rpartition(":")
    path = kata.path / name
    lines = [f"  at {path.relative_to(catalog.root)}:{line_text}"]
    try:
        source = path.read_text(encoding="utf-8").splitlines()
        number = int(line_text)
    except (OSError, ValueError):
        return lines
    for index in range(max(1, number - context), min(len(source), number + context) + 1):
        marker = ">" if index == number else " "
        lines.append(f"  {marker} {index:4d} | {source[index - 1]}")
    return lines


def start_kata(catalog: Catalog, name: str | None) -> Kata | None:
    if name:
        return catalog.resolve(name)
    return learn.first_pending(catalog, state.load(catalog.root)) or (
        catalog.katas[0] if catalog.katas else None
    )


def watch(catalog: Catalog, name: str | None, manual: bool, sandbox: str = "auto") -> int:
    kata = start_kata(catalog, name)
    if kata is None:
        print("There are no katas to watch.")
        return 1
    keys = TerminalKeys(sys.stdin)
    session: WatchSession | None = None
    try:
        session = WatchSession(catalog, kata, keys, sys.stdout, manual=manual, sandbox=sandbox)
        return session.run()
    except KeyboardInterrupt:
        stop_everything()
        if session is not None:
            session.close()
        raise  # the command line prints one line for it
    finally:
        keys.close()


def add_parser(verbs: Verbs) -> None:
    parser = verbs.add_parser("watch", help="re-run a kata on every save (the main loop)")
    parser.add_argument("kata", nargs="?", metavar="KATA", help="default: the first not passing")
    parser.add_argument(
        "--manual", action="store_true", help="re-run only on r (when saves go unnoticed)"
    )
    add_sandbox_option(parser)
    parser.set_defaults(handler=_run)


def _run(catalog: Catalog, args: argparse.Namespace) -> int:
    here = kata_here(catalog)
    name = args.kata or (here.id if here is not None else None)
    return watch(catalog, name, args.manual, args.sandbox)
