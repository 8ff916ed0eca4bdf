"""The timing tools specs rely on: they must see a block, and must not see one that isn't there."""

import asyncio
import time

from checker.inside.spec_tools import Heartbeat, concurrently, timed


async def test_heartbeat_sees_a_block_that_lasts_until_the_end():
    async with Heartbeat() as beat:
        time.sleep(0.2)  # blocks the loop right up to __aexit__
    assert beat.max_gap > 0.1


async def test_heartbeat_stays_small_while_the_loop_is_free():
    async with Heartbeat() as beat:
        await asyncio.sleep(0.2)
    assert beat.max_gap < 0.1 and beat.ticks > 3


async def test_concurrently_overlaps_and_timed_measures():
    results, elapsed = await concurrently(5, lambda i: asyncio.sleep(0.1, result=i))
    assert results == [0, 1, 2, 3, 4] and elapsed < 0.4
    value, seconds = await timed(asyncio.sleep(0.05, result="x"))
    assert value == "x" and seconds >= 0.04
