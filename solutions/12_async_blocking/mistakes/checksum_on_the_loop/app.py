"""checksum() is called directly in `async def`: CPU-bound hashing holds the event loop.

"It does no I/O, so it cannot block" -- but while it computes, no other request runs.
"""

import asyncio
import hashlib
import time

from fastapi import FastAPI, Query
from fastapi.concurrency import run_in_threadpool

app = FastAPI(title="Market reports")

DELAY = 0.2  # seconds every slow helper takes; the specs change it
ITERATIONS = 600_000  # PBKDF2 rounds in checksum(); the specs change it to tune its cost
PRICES: dict[str, float] = {"ACME": 12.5, "GLOBEX": 88.0, "INITECH": 3.75}


# --- helpers you do not own: do not edit ---------------------------------------------------------


def legacy_report(n: int) -> dict:
    """A vendor SDK call: synchronous, it holds the calling thread for DELAY seconds."""
    time.sleep(DELAY)
    return {"report": n, "rows": n * 10, "source": "legacy-sdk"}


async def fetch_price(symbol: str) -> float:
    """An async price service: each call waits DELAY seconds without blocking anything."""
    await asyncio.sleep(DELAY)
    return PRICES[symbol]


def checksum(data: bytes) -> str:
    """CPU-heavy work: PBKDF2-SHA256 of data (hashlib releases the GIL while it runs)."""
    return hashlib.pbkdf2_hmac("sha256", data, b"market-reports", ITERATIONS).hex()


# --- your routes ---------------------------------------------------------------------------------


@app.get("/ping")
async def ping():
    return {"pong": True}


@app.get("/sleep")
async def sleep():
    await asyncio.sleep(DELAY)  # yields to the loop: other requests run meanwhile
    return {"slept": DELAY}


@app.get("/report/{n}")
def report(n: int):
    # A def route runs in the threadpool, where blocking is harmless to the loop.
    return legacy_report(n)


@app.get("/prices")
async def prices(symbols: list[str] = Query()):
    values = await asyncio.gather(*(fetch_price(symbol) for symbol in symbols))
    return dict(zip(symbols, values, strict=True))


@app.get("/checksum")
async def get_checksum(data: str):
    digest = checksum(data.encode())
    return {"checksum": digest}
