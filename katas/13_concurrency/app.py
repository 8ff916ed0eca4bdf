"""Kata 13: concurrency. Edit this file until `python -m checker check 13` passes.

The README next to this file is the contract. The settings and the three helpers at the top stand
in for things you do not own (carrier APIs, a route optimiser): leave the helpers as they are and
call them through their module-level names at request time, because the specs replace them with
fakes they control and change the settings.
"""

import asyncio
import hashlib

from fastapi import FastAPI, Query
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


@app.get("/quotes")
async def quotes(weight_kg: float = Query(gt=0)):
    results = []
    for carrier in CARRIERS:
        price = await fetch_quote(carrier, weight_kg)
        results.append({"carrier": carrier, "status": "ok", "price": price})
    return {"quotes": results}


@app.post("/tracking/refresh")
async def refresh_tracking(body: RefreshRequest):
    statuses = {}
    for parcel_id in body.parcel_ids:
        statuses[parcel_id] = await fetch_tracking(parcel_id)
    return {"statuses": statuses}


@app.post("/routes/plan")
async def plan(body: RouteRequest):
    return {"order": plan_route(body.stops)}
