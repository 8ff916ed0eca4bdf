"""Kata 22: rate limiting. Edit this file until `python -m checker check 22` passes.

The README next to this file is the contract. BOOKS and ORDERS stand in for a database, API_KEYS
for the partner registry, LIMITS for configuration: the specs replace their contents, so read them
at request time. The specs also replace get_now, so the limiter must read the time through it.
"""

import time

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel

app = FastAPI(title="Bookshop API")

BOOKS: dict[int, dict] = {
    1: {"id": 1, "title": "Dune", "price": 9.99},
    2: {"id": 2, "title": "Neuromancer", "price": 7.5},
}
ORDERS: list[dict] = []
API_KEYS: set[str] = {"partner-7f3a", "partner-91bc"}
# group -> (requests allowed per window, window length in seconds)
LIMITS: dict[str, tuple[int, float]] = {"catalog": (5, 60.0), "orders": (2, 60.0)}


def get_now() -> float:
    """The clock the limiter reads; the specs override it to move time without sleeping."""
    return time.monotonic()


# TODO: a rate-limiting dependency, one budget per route group ("catalog" and "orders").


class OrderIn(BaseModel):
    book_id: int


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.get("/books")
async def list_books():
    return list(BOOKS.values())


@app.get("/books/{book_id}")
async def read_book(book_id: int):
    book = BOOKS.get(book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    return book


@app.post("/orders", status_code=201)
async def place_order(order: OrderIn):
    if order.book_id not in BOOKS:
        raise HTTPException(status_code=404, detail="Book not found")
    record = {"order_id": len(ORDERS) + 1, "book_id": order.book_id}
    ORDERS.append(record)
    return record
