"""Each SSE field ends with one newline but no blank line ends an event, so the browser never dispatches them."""

import asyncio
import csv
import io
import json
from collections.abc import AsyncIterator

from fastapi import FastAPI, Header
from fastapi.responses import StreamingResponse

app = FastAPI(title="Bookshop order desk")

# --- the database and the pub/sub channel: given, keep them as they are ------------------------

ORDERS: list[dict] = [
    {"id": 1001, "customer": "Ada Lovelace", "total_cents": 4250},
    {"id": 1002, "customer": "Hopper, Grace", "total_cents": 1899},
    {"id": 1003, "customer": "Alan Turing", "total_cents": 700},
]


async def fetch_orders() -> AsyncIterator[dict]:
    """Pages through the orders table, one row at a time. The specs replace it: call it by name."""
    for order in ORDERS:
        await asyncio.sleep(0)  # a round trip to the database
        yield dict(order)


TERMINAL_STATUSES = ("delivered", "cancelled")


class Subscription:
    """Updates of one order: `async for update in subscription` gives {"seq": int, "status": str}.

    It replays the history after `after`, then waits for live updates, and ends after a terminal
    status. close() unsubscribes; `async with FEED.subscribe(...) as updates:` closes on exit.
    """

    def __init__(self, feed: "OrderFeed", order_id: int, after: int) -> None:
        self._feed = feed
        self.order_id = order_id
        self._queue: asyncio.Queue[dict] = asyncio.Queue()
        for update in feed.history(order_id):
            if update["seq"] > after:
                self._queue.put_nowait(update)
        self._done = False
        self.closed = False

    def __aiter__(self) -> "Subscription":
        return self

    async def __anext__(self) -> dict:
        if self._done:
            raise StopAsyncIteration
        update = await self._queue.get()
        self._done = update["status"] in TERMINAL_STATUSES
        return update

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._feed._subscriptions.discard(self)

    async def __aenter__(self) -> "Subscription":
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self.close()


class OrderFeed:
    """Stands in for Redis pub/sub or Postgres LISTEN: status updates per order, with history."""

    def __init__(self) -> None:
        self._history: dict[int, list[dict]] = {}
        self._subscriptions: set[Subscription] = set()

    def history(self, order_id: int) -> list[dict]:
        return list(self._history.get(order_id, []))

    def subscribe(self, order_id: int, after: int = 0) -> Subscription:
        subscription = Subscription(self, order_id, after)
        self._subscriptions.add(subscription)
        return subscription

    def publish(self, order_id: int, status: str) -> int:
        """Record a status update and hand it to every subscriber; returns its seq (1, 2, ...)."""
        history = self._history.setdefault(order_id, [])
        update = {"seq": len(history) + 1, "status": status}
        history.append(update)
        for subscription in list(self._subscriptions):
            if subscription.order_id == order_id:
                subscription._queue.put_nowait(update)
        return update["seq"]

    def subscriber_count(self, order_id: int) -> int:
        return sum(1 for s in self._subscriptions if s.order_id == order_id)


FEED = OrderFeed()
FEED.publish(1001, "paid")
FEED.publish(1001, "packed")


# --- the endpoints ---------------------------------------------------------------------------


async def csv_lines() -> AsyncIterator[str]:
    """One CSV line per order, written as soon as the order is read: memory stays one row deep."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # quotes "Hopper, Grace" the way every CSV reader expects

    def take() -> str:
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return line

    writer.writerow(["id", "customer", "total_cents"])
    yield take()
    async for order in fetch_orders():
        writer.writerow([order["id"], order["customer"], order["total_cents"]])
        yield take()


@app.get("/orders/export.csv")
async def export_orders():
    return StreamingResponse(
        csv_lines(),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="orders.csv"'},
    )


def event_text(order_id: int, update: dict) -> str:
    data = json.dumps({"order_id": order_id, "status": update["status"]})
    return f"event: status\nid: {update['seq']}\ndata: {data}\n"


@app.get("/orders/{order_id}/events")
async def order_events(order_id: int, last_event_id: int = Header(0)):
    async def events():
        async with FEED.subscribe(order_id, after=last_event_id) as updates:
            async for update in updates:
                yield event_text(order_id, update)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache"},
    )
