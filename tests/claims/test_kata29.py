"""Kata 29: check-then-act across an await is a race; a lock per key closes it (asyncio)."""

from __future__ import annotations

import asyncio

from tests.claims.quote import quoted

KATA = "29_idempotency"
COPIES = 8


class Processor:
    def __init__(self) -> None:
        self.charges = 0

    async def charge(self) -> str:
        self.charges += 1
        await asyncio.sleep(0.01)  # the network: other requests run meanwhile
        return f"ch_{self.charges}"


async def handle_unlocked(stored: dict, key: str, processor: Processor) -> str:
    if key in stored:
        return stored[key]
    stored[key] = await processor.charge()
    return stored[key]


async def handle_locked(stored: dict, locks: dict, key: str, processor: Processor) -> str:
    async with locks.setdefault(key, asyncio.Lock()):
        return await handle_unlocked(stored, key, processor)


async def test_check_await_store_charges_every_concurrent_copy():
    quoted(KATA, "README.md", "Checking the key, awaiting `charge`, then storing is a race: every")
    processor, stored = Processor(), {}
    await asyncio.gather(*(handle_unlocked(stored, "k", processor) for _ in range(COPIES)))
    assert processor.charges == COPIES


async def test_a_lock_per_key_charges_once_and_the_copies_replay():
    quoted(KATA, "README.md", "hold an `asyncio.Lock` per key around check, charge and store")
    quoted(KATA, "kata.toml", "In one process an asyncio.Lock per key does it")
    processor, stored, locks = Processor(), {}, {}
    answers = await asyncio.gather(
        *(handle_locked(stored, locks, "k", processor) for _ in range(COPIES))
    )
    assert processor.charges == 1
    assert set(answers) == {"ch_1"}
