"""The pytest plugin every spec runs under: fixtures that reach the implementation, and a collector.

Fixtures (the only way a spec reaches the code under test):
    kata_dir      the kata folder the spec belongs to (katas/NN_slug)
    impl_dir      the folder under test: kata_dir, or IMPL_ROOT/NN_slug with --impl-root
    load_module   factory: load_module("app") imports a fresh copy of impl_dir/app.py
    kata_module   a fresh `app` module for this test
    app           kata_module.app, checked to be an ASGI application
    client        httpx.AsyncClient over ASGITransport, with the app's lifespan run
    test_client   starlette's TestClient, entered as a context manager (lifespan runs)

The plugin also works on its own: `pytest -p checker.inside.plugin katas/01_path_params/.spec`.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import AsyncIterator, Callable, Generator, Iterator
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TypeAlias

import httpx
import pytest
import pytest_asyncio

from checker.engine import layout
from checker.engine.results import (
    Event,
    SpecResult,
    Status,
    append_event,
    spec_event,
    write_event,
)
from checker.inside import loading
from checker.inside.spec_tools import BASE_URL, lifespan_client

if TYPE_CHECKING:
    from fastapi.testclient import TestClient
    from starlette.types import ASGIApp

# (file, line, test name), as pytest reports where a test is.
Location: TypeAlias = tuple[str, int | None, str]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("katas")
    group.addoption(
        "--impl-root",
        default=None,
        help="Load each kata's implementation from IMPL_ROOT/NN_slug instead of the kata folder.",
    )
    group.addoption(
        "--results-file",
        default=None,
        help="Append one JSON line per spec result to this file.",
    )
    group.addoption(
        "--results-fd",
        default=None,
        type=int,
        help="Write one JSON line per spec result to this inherited descriptor (the worker's).",
    )


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def kata_dir(request: pytest.FixtureRequest) -> Path:
    return layout.kata_dir_of_spec(Path(request.path))


@pytest.fixture
def impl_dir(request: pytest.FixtureRequest, kata_dir: Path) -> Path:
    return _impl_dir_for(request.config, kata_dir)


@pytest.fixture
def load_module(impl_dir: Path) -> Iterator[Callable[..., ModuleType]]:
    def load(name: str = "app") -> ModuleType:
        return loading.load_module(impl_dir, name)

    yield load
    loading.unload(impl_dir)


@pytest.fixture
def kata_module(load_module: Callable[..., ModuleType]) -> ModuleType:
    return load_module("app")


@pytest.fixture
def app(kata_module: ModuleType) -> ASGIApp:
    application = getattr(kata_module, "app", None)
    if application is None:
        raise loading.ImplementationError(
            "app.py defines no `app`: the specs look for a module-level `app = FastAPI()`."
        )
    if not callable(application):
        raise loading.ImplementationError(
            f"`app` in app.py is a {type(application).__name__}, not an ASGI application: "
            "it should be `app = FastAPI()`."
        )
    app_: ASGIApp = application
    return app_


@pytest_asyncio.fixture
async def client(app: ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    async with lifespan_client(app) as c:
        yield c


@pytest.fixture
def test_client(app: ASGIApp) -> Iterator[TestClient]:
    # Imported here: TestClient pulls in httpx2, which only the specs that use it need.
    from fastapi.testclient import TestClient

    with TestClient(app, base_url=BASE_URL) as c:
        yield c


# --- result collection ------------------------------------------------------------------------


def _impl_dir_for(config: pytest.Config, kata_dir: Path) -> Path:
    root = config.getoption("impl_root", default=None)
    return (Path(root).resolve() / kata_dir.name) if root else kata_dir


def _teaching_message(excinfo: pytest.ExceptionInfo[BaseException]) -> str:
    """The spec's own message, without pytest's `assert x == y` explanation below it."""
    exc = excinfo.value
    if isinstance(exc, AssertionError):
        text = str(exc)
        head = text.split("\nassert ", 1)[0].strip()
        return head or text.strip() or "assertion failed"
    if isinstance(exc, loading.ImplementationError):
        return str(exc)
    if isinstance(exc, pytest.fail.Exception):
        return str(exc)
    return f"{type(exc).__name__}: {exc}".strip()


class ResultCollector:
    """Streams one SpecResult per test to the results file, in the order pytest ran them."""

    def __init__(self, results_file: Path | None, results_fd: int | None = None) -> None:
        self.results_file = results_file
        self.results_fd = results_fd
        self.results: list[SpecResult] = []
        self._current: dict[str, SpecResult] = {}
        self._started: dict[str, float] = {}

    def _emit(self, event: Event) -> None:
        if self.results_fd is not None:
            write_event(self.results_fd, event)
        elif self.results_file is not None:
            append_event(self.results_file, event)

    @pytest.hookimpl
    def pytest_runtest_logstart(self, nodeid: str, location: Location) -> None:
        self._started[nodeid] = time.perf_counter()
        self._emit({"event": "start", "name": nodeid.split("::")[-1]})

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        report = yield
        spec = self._current.get(item.nodeid)
        if spec is None:
            kata_dir = layout.kata_dir_of_spec(Path(item.path))
            spec = SpecResult(
                name=item.name,
                status=Status.PASS,
                file=str(Path(item.path).resolve().relative_to(kata_dir)),
                line=(item.location[1] or 0) + 1,
            )
            self._current[item.nodeid] = spec
        if call.excinfo is not None and not report.skipped and spec.status == Status.PASS:
            kata_dir = layout.kata_dir_of_spec(Path(item.path))
            impl = _impl_dir_for(item.config, kata_dir)
            location = loading.learner_location(call.excinfo.tb, impl)
            spec.location = location
            spec.message = _teaching_message(call.excinfo)
            if isinstance(call.excinfo.value, loading.ImplementationError):
                spec.status = Status.ERROR
            elif (
                call.when == "setup"
                and not location
                and not isinstance(call.excinfo.value, pytest.fail.Exception | AssertionError)
            ):
                spec.status = Status.ERROR  # a broken spec or fixture, not the learner's code
            else:
                spec.status = Status.FAIL
        return report

    @pytest.hookimpl
    def pytest_runtest_logfinish(self, nodeid: str, location: Location) -> None:
        spec = self._current.pop(nodeid, None)
        if spec is None:
            return
        spec.duration_s = time.perf_counter() - self._started.pop(nodeid, time.perf_counter())
        self.results.append(spec)
        self._emit(spec_event(spec))

    @pytest.hookimpl
    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self._emit({"event": "collect_error", "message": str(report.longrepr)[-2000:]})

    @pytest.hookimpl
    def pytest_warning_recorded(
        self,
        warning_message: warnings.WarningMessage,
        when: str,
        nodeid: str,
        location: Location | None,
    ) -> None:
        text = f"{warning_message.category.__name__}: {warning_message.message}"
        where = f" ({Path(warning_message.filename).name}:{warning_message.lineno})"
        self._emit({"event": "warning", "message": text + where})


def pytest_configure(config: pytest.Config) -> None:
    results_file = config.getoption("results_file", default=None)
    results_fd = config.getoption("results_fd", default=None)
    collector = ResultCollector(Path(results_file) if results_file else None, results_fd)
    config.pluginmanager.register(collector, "katas-result-collector")
