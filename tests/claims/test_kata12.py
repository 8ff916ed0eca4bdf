"""Claims of kata 12 (blocking calls): what blocks the event loop, and what a thread changes.

Timings use ratios with wide margins both ways (the machine may be busy): a blocked loop serialises
N requests of D seconds into about N x D, a free one answers them in about D.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
import time

import anyio.to_thread
import httpx
from fastapi import FastAPI

from tests.claims.quote import quoted

KATA = "12_async_blocking"
DELAY = 0.1
N = 6


class Heartbeat:
    """Ticks every 10 ms on the running loop and records the longest gap between ticks."""

    async def __aenter__(self):
        self.longest = 0.0
        self.task = asyncio.create_task(self.run())
        await asyncio.sleep(0.02)
        return self

    async def run(self):
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last)
            last = now

    async def __aexit__(self, *exc):
        await asyncio.sleep(0.03)  # a tick after the work, so a stall at the end is counted
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def spin(seconds: float) -> int:
    """Pure-Python CPU work: holds the GIL except when the interpreter makes it switch."""
    count, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        count += 1
    return count


def count_work(n: int) -> int:
    total = 0
    for i in range(n):
        total += i % 7
    return total


def make_app() -> FastAPI:
    app = FastAPI()

    @app.get("/blocking")
    async def blocking():
        time.sleep(DELAY)
        return {}

    @app.get("/sleep")
    async def sleep():
        await asyncio.sleep(DELAY)
        return {}

    @app.get("/thread")
    def thread():
        return {"on_loop_thread": threading.get_ident() == LOOP_THREAD[0]}

    return app


LOOP_THREAD = [0]


async def concurrent(path: str) -> tuple[float, float]:
    transport = httpx.ASGITransport(app=make_app())
    client = httpx.AsyncClient(transport=transport, base_url="http://claims")
    async with client, Heartbeat() as beat:
        started = time.perf_counter()
        await asyncio.gather(*(client.get(path) for _ in range(N)))
        elapsed = time.perf_counter() - started
    return elapsed, beat.longest


async def test_blocking_sleep_in_async_def_serialises_requests():
    quoted(KATA, "kata.toml", "Six concurrent GET /sleep took 6 x DELAY instead of one DELAY")
    quoted(KATA, "kata.toml", "the heartbeat task saw a gap of a full DELAY")
    elapsed, gap = await concurrent("/blocking")
    assert elapsed >= 0.8 * N * DELAY, elapsed
    assert gap >= 0.8 * DELAY, gap
    elapsed, gap = await concurrent("/sleep")
    assert elapsed < 0.5 * N * DELAY, elapsed
    assert gap < 0.5 * DELAY, gap


async def test_def_route_runs_in_the_threadpool_of_40():
    quoted(KATA, "kata.toml", "anyio.to_thread.run_sync, 40 threads by default")
    quoted(KATA, "kata.toml", "Mind the pool's size (40 tokens by default)")
    LOOP_THREAD[0] = threading.get_ident()
    assert anyio.to_thread.current_default_thread_limiter().total_tokens == 40
    transport = httpx.ASGITransport(app=make_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://claims") as client:
        assert (await client.get("/thread")).json() == {"on_loop_thread": False}


async def test_pure_python_cpu_in_a_thread_frees_the_loop():
    quoted(KATA, "kata.toml", "any CPU work frees the loop, pure Python included")
    quoted(
        KATA, "kata.toml", "must offer the GIL to the others every 5 ms (sys.getswitchinterval())"
    )
    assert sys.getswitchinterval() == 0.005
    work = 0.3
    async with Heartbeat() as on_loop:
        spin(work)
    async with Heartbeat() as in_thread:
        await anyio.to_thread.run_sync(spin, work)
    assert on_loop.longest >= 0.8 * work, on_loop.longest
    assert in_thread.longest < 0.5 * work, in_thread.longest


def cores_used_by_two_threads(n: int) -> float:
    """CPU seconds the process spent per wall-clock second while two threads ran count_work."""
    threads = [threading.Thread(target=count_work, args=(n,)) for _ in range(2)]
    wall, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (time.process_time() - cpu) / (time.perf_counter() - wall)


def test_threads_add_no_parallelism_for_pure_python():
    quoted(
        KATA,
        "kata.toml",
        "two threads of pure-Python work take as long as running them one after the other",
    )
    # Wall-clock ratios swing with the machine's load; CPU time per wall second does not rise
    # above one core while the GIL lets one thread run at a time (two on two free cores without
    # it, and load elsewhere only lowers it).
    used = cores_used_by_two_threads(1_500_000)
    assert used < 1.3, f"two pure-Python threads kept {used:.2f} cores busy"


async def test_loop_of_awaits_takes_n_delays_gather_one():
    quoted(
        KATA,
        "kata.toml",
        "it starts the next fetch only after the previous one finished: N x DELAY",
    )
    quoted(
        KATA, "kata.toml", "starts them all and waits once, so the request takes about one DELAY"
    )

    async def fetch(symbol: str) -> str:
        await asyncio.sleep(DELAY)
        return symbol

    started = time.perf_counter()
    for symbol in "ABCD":
        await fetch(symbol)
    one_by_one = time.perf_counter() - started
    started = time.perf_counter()
    assert await asyncio.gather(*(fetch(s) for s in "ABCD")) == list("ABCD")
    together = time.perf_counter() - started
    assert one_by_one >= 0.8 * 4 * DELAY and together < 0.5 * 4 * DELAY, (one_by_one, together)
