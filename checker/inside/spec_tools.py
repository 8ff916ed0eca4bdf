"""Tools that specs import: clients for apps they build, and time and concurrency measurements.

Timing specs follow shared/FASTAPI_NOTES.md: measure on one event loop (the `client` fixture),
compare with ratios and 2x margins on both sides, never with tight absolute numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from starlette.types import ASGIApp

BASE_URL = "http://testserver"


@asynccontextmanager
async def lifespan_client(
    app: ASGIApp, **transport_options: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """An AsyncClient over `app` with its lifespan run: what the `client` fixture gives, for an
    app a spec builds itself, or with transport options of its own (`client=(host, port)`,
    `raise_app_exceptions=False`)."""
    from asgi_lifespan import LifespanManager

    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, **transport_options)
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as client:
            yield client


class Heartbeat:
    """Ticks every `interval` seconds on the running loop and records the longest gap.

    While the loop is free the gap stays near the interval; a blocking call of D seconds on the
    loop shows as a gap of about D.

        async with Heartbeat() as beat:
            await client.get("/sleep")
        assert beat.max_gap < DELAY / 2
    """

    def __init__(self, interval: float = 0.01) -> None:
        self.interval = interval
        self.max_gap = 0.0
        self.ticks = 0
        self._last = time.perf_counter()
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        self._last = time.perf_counter()
        while True:
            await asyncio.sleep(self.interval)
            now = time.perf_counter()
            self.max_gap = max(self.max_gap, now - self._last - self.interval)
            self.ticks += 1
            self._last = now

    async def __aenter__(self) -> Heartbeat:
        self._task = asyncio.create_task(self._run())
        await asyncio.sleep(0)  # let the first tick be scheduled before the work starts
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        assert self._task is not None
        # A block that lasted until the end of the work has not been seen by a tick yet: the
        # gap since the last tick counts too.
        self.max_gap = max(self.max_gap, time.perf_counter() - self._last - self.interval)
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def timed(awaitable: Awaitable[Any]) -> tuple[Any, float]:
    """(result, seconds) of one awaitable."""
    started = time.perf_counter()
    result = await awaitable
    return result, time.perf_counter() - started


async def concurrently(
    count: int, make: Callable[[int], Awaitable[Any]]
) -> tuple[list[Any], float]:
    """Run make(0) .. make(count-1) at once on this loop: (results in order, total seconds)."""
    started = time.perf_counter()
    results = await asyncio.gather(*(make(i) for i in range(count)))
    return list(results), time.perf_counter() - started
