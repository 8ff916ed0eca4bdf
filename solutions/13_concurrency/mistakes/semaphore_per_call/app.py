"""A new Semaphore is created inside each call: every call gets its own, so nothing is limited."""

import asyncio
import hashlib

from fastapi import FastAPI, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

app = FastAPI(title="Parcel desk")

CARRIERS: list[str] = ["swiftpost", "parcelnet", "cargoline", "boxbird"]
QUOTE_TIMEOUT = 0.5  # seconds one carrier may take to quote before we give up on it
MAX_IN_FLIGHT = 3  # tracking calls the carrier accepts from us at once
ROUTE_ROUNDS = 20_000  # work per stop in plan_route()


# --- helpers you do not own: do not edit ---------------------------------------------------------


async def fetch_quote(carrier: str, weight_kg: float) -> float:
    """A carrier's quote API: about 0.1 s per call (some carriers are slower, some fail)."""
    await asyncio.sleep(0.1)
    return round(2.5 + weight_kg * (len(carrier) % 5 + 1), 2)


async def fetch_tracking(parcel_id: str) -> str:
    """The tracking API: about 0.05 s per call; it rejects us above MAX_IN_FLIGHT calls at once."""
    await asyncio.sleep(0.05)
    return "in_transit"


def plan_route(stops: list[str]) -> list[str]:
    """A route optimiser: CPU-bound pure Python, it holds the GIL while it works."""

    def score(stop: str) -> bytes:
        digest = stop.encode()
        for _ in range(ROUTE_ROUNDS):
            digest = hashlib.sha256(digest).digest()
        return digest

    return sorted(stops, key=score)


# --- your routes ---------------------------------------------------------------------------------


class RefreshRequest(BaseModel):
    parcel_ids: list[str]


class RouteRequest(BaseModel):
    stops: list[str]


async def quote_from(carrier: str, weight_kg: float) -> dict:
    """One carrier's quote, never raising: a slow or failing carrier is marked, not fatal."""
    try:
        # wait_for cancels the call when the time is up, so nothing keeps running behind us.
        price = await asyncio.wait_for(fetch_quote(carrier, weight_kg), QUOTE_TIMEOUT)
    except TimeoutError:
        return {"carrier": carrier, "status": "timeout", "price": None}
    except Exception:
        return {"carrier": carrier, "status": "error", "price": None}
    return {"carrier": carrier, "status": "ok", "price": price}


@app.get("/quotes")
async def quotes(weight_kg: float = Query(gt=0)):
    # All carriers at once: the request takes as long as the slowest one (at most QUOTE_TIMEOUT).
    results = await asyncio.gather(*(quote_from(carrier, weight_kg) for carrier in CARRIERS))
    return {"quotes": results}


@app.post("/tracking/refresh")
async def refresh_tracking(body: RefreshRequest):
    async def track(parcel_id: str) -> str:
        async with asyncio.Semaphore(MAX_IN_FLIGHT):
            return await fetch_tracking(parcel_id)

    statuses = await asyncio.gather(*(track(parcel_id) for parcel_id in body.parcel_ids))
    return {"statuses": dict(zip(body.parcel_ids, statuses, strict=True))}


@app.post("/routes/plan")
async def plan(body: RouteRequest):
    # CPU-bound: in a worker thread, the event loop keeps serving other requests meanwhile.
    order = await run_in_threadpool(plan_route, body.stops)
    return {"order": order}
