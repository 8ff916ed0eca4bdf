"""Treats any X-API-Key as a client of its own, so inventing a new key per request dodges the limit."""

import math
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


def client_identity(request: Request) -> str:
    """Who is asking: a known API key, else the connecting IP. Made-up keys do not count."""
    key = request.headers.get("x-api-key")
    if key:
        return f"key:{key}"
    host = request.client.host if request.client else "unknown"
    return f"ip:{host}"


class RateLimiter:
    """Allows LIMITS[group] requests per client per window; the window opens at its first request."""

    def __init__(self, group: str) -> None:
        self.group = group
        self.windows: dict[str, tuple[float, int]] = {}  # client -> (window start, requests)

    # async def with no await inside: the check and the update run without interruption on the
    # event loop, so two concurrent requests cannot both take the last slot.
    async def __call__(self, request: Request, response: Response, now: float = Depends(get_now)):
        limit, window_s = LIMITS[self.group]  # read per request: operations may change it
        client = client_identity(request)
        start, count = self.windows.get(client, (now, 0))
        if now >= start + window_s:
            start, count = now, 0
        if count >= limit:
            # Rejected requests are not counted: a client retrying in a loop is not punished
            # past the end of its window.
            retry_after = max(1, math.ceil(start + window_s - now))
            raise HTTPException(
                status_code=429,
                detail="Rate limit exceeded",
                headers={"Retry-After": str(retry_after), "X-RateLimit-Remaining": "0"},
            )
        count += 1
        self.windows[client] = (start, count)
        response.headers["X-RateLimit-Remaining"] = str(limit - count)


catalog = APIRouter(dependencies=[Depends(RateLimiter("catalog"))])
orders = APIRouter(dependencies=[Depends(RateLimiter("orders"))])


class OrderIn(BaseModel):
    book_id: int


@app.get("/health")
async def health():
    return {"status": "ok"}


@catalog.get("/books")
async def list_books():
    return list(BOOKS.values())


@catalog.get("/books/{book_id}")
async def read_book(book_id: int):
    book = BOOKS.get(book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    return book


@orders.post("/orders", status_code=201)
async def place_order(order: OrderIn):
    if order.book_id not in BOOKS:
        raise HTTPException(status_code=404, detail="Book not found")
    record = {"order_id": len(ORDERS) + 1, "book_id": order.book_id}
    ORDERS.append(record)
    return record


app.include_router(catalog)
app.include_router(orders)
