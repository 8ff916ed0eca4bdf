"""Kata 12: blocking calls in async code. Edit this file until `python -m checker check 12` passes.

The README next to this file is the contract. The four helpers at the top stand in for things you
do not own (a vendor SDK, a price service, a hashing routine): leave them as they are, and call
them through their module-level names at request time, because the specs replace and time them.
"""

import asyncio
import hashlib
import time

from fastapi import FastAPI, Query

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
    time.sleep(DELAY)
    return {"slept": DELAY}


@app.get("/report/{n}")
async def report(n: int):
    return legacy_report(n)


@app.get("/prices")
async def prices(symbols: list[str] = Query()):
    result = {}
    for symbol in symbols:
        result[symbol] = await fetch_price(symbol)
    return result


@app.get("/checksum")
async def get_checksum(data: str):
    return {"checksum": checksum(data.encode())}
