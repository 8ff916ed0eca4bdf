"""Claims of kata 13 (concurrency): gather, timeouts, cancellation and limits, as asyncio does them."""

from __future__ import annotations

import asyncio
import sys
import time

import anyio
import anyio.to_thread
import pytest

from tests.claims import test_kata12 as kata12
from tests.claims.quote import quoted

KATA = "13_concurrency"
DELAY = 0.1


async def answer(value, delay=DELAY):
    await asyncio.sleep(delay)
    return value


async def fail(delay=0.01):
    await asyncio.sleep(delay)
    raise RuntimeError("carrier down")


async def test_gather_keeps_order_and_takes_the_slowest():
    quoted(
        KATA, "kata.toml", "returns results in argument order and takes as long as the slowest call"
    )
    started = time.perf_counter()
    got = await asyncio.gather(answer("a", 3 * DELAY), answer("b", DELAY), answer("c", 2 * DELAY))
    elapsed = time.perf_counter() - started
    assert got == ["a", "b", "c"]
    assert 0.8 * 3 * DELAY <= elapsed < 0.8 * 6 * DELAY, elapsed


async def test_gather_raises_the_first_exception_and_the_others_keep_running():
    quoted(
        KATA,
        "kata.toml",
        "By default gather raises the first exception (the other calls keep running)",
    )
    slow = asyncio.ensure_future(answer("slow", 2 * DELAY))
    with pytest.raises(RuntimeError):
        await asyncio.gather(fail(), slow)
    assert not slow.done() and not slow.cancelled()
    assert await slow == "slow"


async def test_wait_for_and_fail_after_cancel_the_call():
    quoted(
        KATA, "kata.toml", "asyncio.wait_for and anyio.fail_after cancel the call before raising"
    )
    cancelled = []

    async def hang():
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    with pytest.raises(TimeoutError):
        await asyncio.wait_for(hang(), DELAY)
    assert cancelled == [True]
    with pytest.raises(TimeoutError):
        with anyio.fail_after(DELAY):
            await hang()
    assert cancelled == [True, True]


async def test_asyncio_wait_with_timeout_leaves_pending_tasks_running():
    quoted(
        KATA,
        "kata.toml",
        "asyncio.wait(..., timeout=) only tells you what is pending, so you must call task.cancel() yourself",
    )
    task = asyncio.ensure_future(asyncio.sleep(60))
    done, pending = await asyncio.wait({task}, timeout=DELAY / 2)
    assert (done, pending) == (set(), {task})
    assert not task.cancelled() and not task.done()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_timeout_around_the_whole_gather_throws_away_the_answers():
    quoted(
        KATA,
        "kata.toml",
        "A timeout around the whole gather is wrong: it throws away the carriers that did answer",
    )
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(asyncio.gather(answer("fast", 0.01), answer("hang", 60)), DELAY)


async def test_shared_semaphore_limits_a_semaphore_per_call_does_not():
    quoted(KATA, "kata.toml", "A semaphore created inside each call limits nothing")
    quoted(KATA, "kata.toml", "so the limit stays full until the work runs out")
    in_flight = 0
    peak = 0

    async def track(gate: asyncio.Semaphore):
        nonlocal in_flight, peak
        async with gate:
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.02)
            in_flight -= 1

    shared = asyncio.Semaphore(3)
    await asyncio.gather(*(track(shared) for _ in range(10)))
    assert peak == 3
    peak = 0
    await asyncio.gather(*(track(asyncio.Semaphore(3)) for _ in range(10)))
    assert peak == 10


async def test_threadpool_has_40_tokens():
    quoted(KATA, "kata.toml", "past the 40 default threads requests queue")
    assert anyio.to_thread.current_default_thread_limiter().total_tokens == 40


async def test_worker_thread_frees_the_loop_for_pure_python_work():
    quoted(
        KATA,
        "kata.toml",
        "frees the loop even for pure-Python work, because the interpreter makes a running thread offer the GIL every 5 ms",
    )
    quoted(KATA, "README.md", "CPU-bound pure Python (it holds the GIL)")
    work = 0.3
    async with kata12.Heartbeat() as beat:
        await anyio.to_thread.run_sync(kata12.spin, work)
    assert sys.getswitchinterval() == 0.005
    assert beat.longest < 0.5 * work, beat.longest


def test_threads_add_no_throughput_for_pure_python_work():
    quoted(KATA, "kata.toml", "so threads add no throughput for such work")
    kata12.test_threads_add_no_parallelism_for_pure_python()
