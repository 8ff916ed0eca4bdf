"""Specs for kata 11: your test_app.py is run with pytest against the correct app, then against
broken versions of it. It must pass on the first and fail on every broken one.

The correct app is the pristine app.py the kata ships (.original/app.py.orig, not the app.py you
may have edited); each broken one is that file with a patch from .spec/broken/ applied.
Each run happens in a fresh temporary folder holding app.py (correct or broken), your test_app.py,
a pytest.ini and a conftest.py probe that records which test clients your tests used. The runs
happen once per version of your test file and are shared by the specs below; the broken apps
are tried only once your tests pass against the correct one.
"""

import ast
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checker.spec_tools import apply_to_originals, original_path, read_note

BROKEN_DIR = Path(__file__).resolve().parent / "broken"
BROKEN = sorted(path.stem for path in BROKEN_DIR.glob("*.patch"))
RUN_TIMEOUT_S = 90
PARALLEL_RUNS = 3

# The pytest configuration your tests run under. Strict mode: async tests need a mark
# (@pytest.mark.asyncio or @pytest.mark.anyio), as in a project with no asyncio_mode set.
PYTEST_INI = """\
[pytest]
asyncio_mode = strict
asyncio_default_fixture_loop_scope = function
"""

PROBE = '''\
"""Written beside your tests by kata 11's specs: records which test clients they used."""

import json
import os

import httpx
from starlette.testclient import TestClient

import app as _kata_app

used = {"async_client_requests": 0, "testclient_with": 0, "overrides_set": 0}

_handle = httpx.ASGITransport.handle_async_request


async def _counting_handle(self, request):
    used["async_client_requests"] += 1
    return await _handle(self, request)


httpx.ASGITransport.handle_async_request = _counting_handle

_enter = TestClient.__enter__


def _counting_enter(self):
    used["testclient_with"] += 1
    return _enter(self)


TestClient.__enter__ = _counting_enter


class _RecordingOverrides(dict):
    def __setitem__(self, key, value):
        used["overrides_set"] += 1
        super().__setitem__(key, value)

    def update(self, *args, **kwargs):
        used["overrides_set"] += 1
        super().update(*args, **kwargs)


_kata_app.app.dependency_overrides = _RecordingOverrides()


def pytest_sessionfinish(session, exitstatus):
    if not isinstance(_kata_app.app.dependency_overrides, _RecordingOverrides):
        used["overrides_set"] += 1  # the tests assigned a whole new overrides dict
    with open(os.environ["KATA11_PROBE_FILE"], "w") as stream:
        json.dump(used, stream)
'''


@dataclass
class Run:
    exit_code: int | None  # None: timed out
    output: str
    probe: dict = field(default_factory=dict)

    def summary(self, limit=2500):
        """pytest's FAILED/ERROR lines, then the tail of its output."""
        lines = self.output.splitlines()
        failed = [line for line in lines if line.startswith(("FAILED ", "ERROR "))]
        tail = self.output[-limit:]
        head = "\n".join(failed[:12])
        return f"{head}\n--- end of pytest's output ---\n{tail}" if head else tail


def run_suite(test_source: str, app_source: str, *, first_failure_only: bool = False) -> Run:
    with tempfile.TemporaryDirectory(prefix="kata11-") as tmp:
        folder = Path(tmp)
        (folder / "app.py").write_text(app_source, encoding="utf-8")
        (folder / "test_app.py").write_text(test_source, encoding="utf-8")
        (folder / "conftest.py").write_text(PROBE, encoding="utf-8")
        (folder / "pytest.ini").write_text(PYTEST_INI, encoding="utf-8")
        probe_file = folder / "probe.json"
        env = dict(os.environ)
        env.pop("PYTEST_ADDOPTS", None)
        env["KATA11_PROBE_FILE"] = str(probe_file)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        # The worker sets PYTEST_DISABLE_PLUGIN_AUTOLOAD=1, so name the async plugins here.
        command = [
            sys.executable, "-m", "pytest", "test_app.py",
            "-c", str(folder / "pytest.ini"), "--rootdir", str(folder),
            "-p", "pytest_asyncio.plugin", "-p", "anyio.pytest_plugin", "-p", "no:cacheprovider",
            "-q", "--no-header", "-rfE",
        ]  # fmt: skip
        # Against a broken app one failing test is enough to know: stop there.
        command += ["-x", "--tb=no"] if first_failure_only else ["--tb=short"]
        try:
            done = subprocess.run(
                command,
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=RUN_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as exc:
            output = exc.stdout if isinstance(exc.stdout, str) else ""
            return Run(None, output)
        probe = json.loads(probe_file.read_text()) if probe_file.is_file() else {}
        return Run(done.returncode, done.stdout + done.stderr, probe)


# Runs shared by every spec of this file, keyed by (implementation folder, test file contents).
_CORRECT_RUNS: dict[tuple[str, str], Run] = {}
_BROKEN_RUNS: dict[tuple[str, str], dict[str, Run]] = {}


@pytest.fixture
def suite(impl_dir):
    """(key, source) of the test_app.py under test."""
    test_file = impl_dir / "test_app.py"
    if not test_file.is_file():
        pytest.fail(f"{test_file} does not exist: write your tests in test_app.py")
    source = test_file.read_text(encoding="utf-8")
    try:
        ast.parse(source)
    except SyntaxError as exc:
        pytest.fail(f"test_app.py:{exc.lineno}: SyntaxError: {exc.msg}")
    return (str(impl_dir), source), source


@pytest.fixture
def correct_run(suite, kata_dir):
    """Your tests run against the correct app (the pristine app.py the kata ships)."""
    key, source = suite
    if key not in _CORRECT_RUNS:
        app = original_path(kata_dir, "app.py").read_text(encoding="utf-8")
        _CORRECT_RUNS[key] = run_suite(source, app)
    return _CORRECT_RUNS[key]


def broken_app(kata_dir, name):
    """The source of the broken app `name`: its patch applied to the pristine app.py."""
    with tempfile.TemporaryDirectory(prefix="kata11-broken-") as tmp:
        patch = BROKEN_DIR / f"{name}.patch"
        apply_to_originals(kata_dir, patch, Path(tmp), label=f".spec/broken/{patch.name}")
        return (Path(tmp) / "app.py").read_text(encoding="utf-8")


@pytest.fixture
def broken_runs(suite, correct_run, kata_dir):
    """{broken name: Run}, run in parallel, only once your tests pass against the correct app."""
    require_passing_on_the_correct_app(correct_run)
    key, source = suite
    if key not in _BROKEN_RUNS:
        apps = {name: broken_app(kata_dir, name) for name in BROKEN}
        with ThreadPoolExecutor(max_workers=PARALLEL_RUNS) as pool:
            futures = {
                name: pool.submit(run_suite, source, app, first_failure_only=True)
                for name, app in apps.items()
            }
            _BROKEN_RUNS[key] = {name: future.result() for name, future in futures.items()}
    return _BROKEN_RUNS[key]


def hint_of(name):
    return read_note(BROKEN_DIR / f"{name}.patch")


def require_passing_on_the_correct_app(correct):
    if correct.exit_code != 0:
        pytest.fail(
            "first make your tests pass against the correct app (see the spec "
            "test_your_tests_pass_against_the_correct_app)"
        )
    return correct


def test_your_tests_pass_against_the_correct_app(correct_run):
    run = correct_run
    if run.exit_code is None:
        pytest.fail(
            f"your tests did not finish within {RUN_TIMEOUT_S} s against the correct app: does "
            f"a test wait forever?\n{run.summary()}"
        )
    if run.exit_code == 5:
        pytest.fail(
            "pytest found no tests in test_app.py: name them `def test_...` (async ones "
            "`async def test_...` with @pytest.mark.asyncio)"
        )
    if run.exit_code != 0:
        pytest.fail(
            f"your tests fail against the correct app (pytest exit code {run.exit_code}). "
            f"{likely_cause(run.output)}\n{run.summary()}"
        )


CAUSES = [
    (
        "has no attribute 'catalog'",
        "app.state.catalog is missing: the lifespan did not run. Use `with TestClient(app) as "
        "client:` (and asgi_lifespan.LifespanManager for an AsyncClient).",
    ),
    (
        "payments.example.com",
        "The real payment gateway was called: set app.dependency_overrides[get_payment_gateway] "
        "to return your fake before the request.",
    ),
    (
        "async def functions are not natively supported",
        "An async test has no mark: add @pytest.mark.asyncio (strict mode runs only marked tests).",
    ),
]


def likely_cause(output):
    for needle, advice in CAUSES:
        if needle in output:
            return advice
    return "Read pytest's output below: which assertion does not hold for the correct app?"


def test_your_tests_run_the_app_with_testclient_inside_with(correct_run):
    correct = require_passing_on_the_correct_app(correct_run)
    assert correct.probe.get("testclient_with", 0) >= 1, (
        "no test entered a TestClient as a context manager. Use `with TestClient(app) as client:` "
        "(in a fixture, say): only then does the app's lifespan run, as it does in production."
    )


def test_your_tests_use_the_async_client(correct_run):
    correct = require_passing_on_the_correct_app(correct_run)
    assert correct.probe.get("async_client_requests", 0) >= 1, (
        "no test sent a request through httpx.AsyncClient(transport=httpx.ASGITransport(app=...)). "
        "Write at least one `async def` test, marked @pytest.mark.asyncio, that awaits requests "
        "on an AsyncClient (wrap the app in asgi_lifespan.LifespanManager so the lifespan runs)."
    )


def test_your_tests_override_the_payment_gateway(correct_run):
    correct = require_passing_on_the_correct_app(correct_run)
    assert correct.probe.get("overrides_set", 0) >= 1, (
        "no test set app.dependency_overrides. Replace the real payment gateway with a fake: "
        "`app.dependency_overrides[get_payment_gateway] = lambda: fake` (and clear it afterwards)."
    )


@pytest.mark.parametrize("broken", BROKEN)
def test_your_tests_catch_a_broken_app(broken_runs, broken):
    run = broken_runs[broken]
    if run.exit_code is None:
        pytest.fail(f"your tests did not finish within {RUN_TIMEOUT_S} s against a broken app")
    if run.exit_code not in (0, 1):
        pytest.fail(
            f"pytest could not run your tests against a broken app (exit code {run.exit_code}):"
            f"\n{run.summary()}"
        )
    assert run.exit_code == 1, (
        f"every one of your tests passed against a broken app in which: {hint_of(broken)} "
        "Add a test (or an assertion) that notices this."
    )
