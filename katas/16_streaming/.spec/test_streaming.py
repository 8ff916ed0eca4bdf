"""Specs for kata 16: streaming responses and Server-Sent Events.

httpx's ASGITransport (the `client` fixture) collects the whole body before it returns, so it can
check what was sent but not when. The specs that care about *when* drive the ASGI app by hand
(`AsgiCall`): they see every body chunk as it is sent, and can disconnect like a closed browser tab.
"""

import asyncio
import csv
import io
import json
import random
import time
from types import SimpleNamespace

import pytest

WAIT_S = 5.0  # generous: a correct app answers in milliseconds, a loaded machine may be slow
NAMES = ["Ada Lovelace", "Hopper, Grace", 'Dennis "dmr" Ritchie', "Zoë Ødegaard", "Liskov, Barbara"]
STATUSES = ["paid", "packed", "shipped", "out for delivery"]


# --- helpers -----------------------------------------------------------------------------------


class AsgiCall:
    """One GET request sent to the ASGI app by hand, recording each body chunk when it is sent."""

    def __init__(self, app, path, headers=()):
        self.app = app
        self.scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "query_string": b"",
            "root_path": "",
            "headers": [(b"host", b"testserver"), *headers],
            "client": ("127.0.0.1", 50123),
            "server": ("testserver", 80),
        }
        self.status = None
        self.headers = {}
        self.chunks: list[bytes] = []
        self.on_chunk = None
        self._request_sent = False
        self._disconnected = asyncio.Event()
        self.task = None

    async def _receive(self):
        if not self._request_sent:
            self._request_sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await self._disconnected.wait()  # the client stays until the spec closes it
        return {"type": "http.disconnect"}

    async def _send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body" and message.get("body"):
            self.chunks.append(bytes(message["body"]))
            if self.on_chunk is not None:
                self.on_chunk(message["body"])

    def start(self):
        self.task = asyncio.create_task(self.app(self.scope, self._receive, self._send))
        return self

    def disconnect(self):
        self._disconnected.set()

    @property
    def text(self):
        return b"".join(self.chunks).decode()

    async def finished(self, timeout=WAIT_S):
        """True when the app returned within `timeout` seconds."""
        done, _ = await asyncio.wait({self.task}, timeout=timeout)
        if done:
            self.task.result()  # re-raise an error the app raised
            return True
        return False

    async def stop(self):
        self.disconnect()
        if not await self.finished():
            self.task.cancel()


async def wait_until(predicate, timeout=WAIT_S):
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.01)
    return True


def parse_sse(text):
    """The events of a text/event-stream body, read the way a browser's EventSource reads them.

    Lines are `field: value` (one optional space after the colon); `:` lines are comments (keep-alive
    pings); a blank line ends an event. Several `data:` lines join with newlines.
    """
    events, fields, data = [], {}, []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line == "":
            if data:
                events.append({**fields, "data": "\n".join(data)})
            fields, data = {}, []
            continue
        if line.startswith(":"):
            continue
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            data.append(value)
        elif name in ("event", "id", "retry"):
            fields[name] = value
    return events


def install_orders(kata_module, count):
    """Replace fetch_orders() with a source of `count` random orders that counts what it yields."""
    orders = [
        {
            "id": 5000 + i * 7 + random.randrange(7),
            "customer": random.choice(NAMES),
            "total_cents": random.randrange(100, 100_000),
        }
        for i in range(count)
    ]
    source = SimpleNamespace(orders=orders, yielded=0, finished=False)

    async def fetch_orders():
        for order in orders:
            await asyncio.sleep(0)
            source.yielded += 1
            yield dict(order)
        source.finished = True

    kata_module.fetch_orders = fetch_orders
    return source


def seed_history(kata_module, length):
    """A random order whose history (ending with `delivered`) is already in FEED."""
    order_id = random.randrange(10_000, 99_999)
    statuses = [*random.sample(STATUSES, length - 1), "delivered"]
    for status in statuses:
        kata_module.FEED.publish(order_id, status)
    return order_id, statuses


async def get_within(client, url, headers=None):
    try:
        return await asyncio.wait_for(client.get(url, headers=headers), WAIT_S)
    except TimeoutError:
        pytest.fail(
            f"GET {url} did not finish within {WAIT_S:.0f} s although the order's last update "
            "was 'delivered': the event stream should end after it (iterate the subscription "
            "to its end, it stops by itself)."
        )


# --- the CSV export ----------------------------------------------------------------------------


async def test_export_is_a_csv_of_every_order(client, kata_module):
    source = install_orders(kata_module, 25)
    r = await client.get("/orders/export.csv")
    assert r.status_code == 200, f"GET /orders/export.csv returned {r.status_code} {r.text[:200]}"
    content_type = r.headers.get("content-type", "")
    assert content_type.startswith("text/csv"), (
        f"GET /orders/export.csv has Content-Type {content_type!r}; expected text/csv "
        "(StreamingResponse(..., media_type='text/csv'))"
    )
    disposition = r.headers.get("content-disposition")
    assert disposition == 'attachment; filename="orders.csv"', (
        f"Content-Disposition was {disposition!r}; expected 'attachment; filename=\"orders.csv\"' "
        "so browsers download the file"
    )
    rows = list(csv.reader(io.StringIO(r.text)))
    expected = [["id", "customer", "total_cents"]] + [
        [str(o["id"]), o["customer"], str(o["total_cents"])] for o in source.orders
    ]
    assert rows[:1] == expected[:1], f"the CSV header row was {rows[:1]}, expected {expected[0]}"
    assert rows == expected, (
        f"the CSV rows, read back with Python's csv module, were {rows[1:4]}... "
        f"({len(rows) - 1} rows); expected {expected[1:4]}... ({len(expected) - 1} rows), every order "
        "from fetch_orders() in order. Customer names contain commas and quotes: write the lines "
        "with csv.writer, not by joining strings."
    )


async def test_export_starts_sending_before_the_table_is_read(app, kata_module):
    source = install_orders(kata_module, 200)
    read_when_first_sent = []

    call = AsgiCall(app, "/orders/export.csv")
    call.on_chunk = lambda _chunk: read_when_first_sent.append(source.yielded)
    call.start()
    assert await call.finished(), "GET /orders/export.csv did not finish within 5 s"
    assert call.status == 200, f"GET /orders/export.csv returned {call.status}"
    assert source.finished, "the export did not read fetch_orders() to its end"
    first = read_when_first_sent[0] if read_when_first_sent else None
    assert first is not None and first < 100, (
        f"the first bytes of the export were sent after fetch_orders() had produced {first} of "
        f"200 orders ({len(call.chunks)} body chunk(s) in all): the file was built in memory "
        "before sending. Yield each CSV line from an async generator as soon as its order is read, "
        "and return StreamingResponse(that_generator, media_type='text/csv')."
    )


# --- Server-Sent Events ------------------------------------------------------------------------


async def test_events_are_an_event_stream_that_is_not_cached(client, kata_module):
    order_id, _ = seed_history(kata_module, 2)
    r = await get_within(client, f"/orders/{order_id}/events")
    assert r.status_code == 200, f"GET /orders/{order_id}/events returned {r.status_code} {r.text}"
    content_type = r.headers.get("content-type", "")
    assert content_type.startswith("text/event-stream"), (
        f"GET /orders/{order_id}/events has Content-Type {content_type!r}; an EventSource only "
        "accepts text/event-stream. Use FastAPI's EventSourceResponse, or StreamingResponse("
        "..., media_type='text/event-stream')."
    )
    cache_control = r.headers.get("cache-control", "")
    assert "no-cache" in cache_control, (
        f"Cache-Control was {cache_control!r}; expected no-cache so proxies and browsers do not "
        "cache (or hold back) the live stream"
    )


async def test_each_update_is_one_status_event_with_json_data(client, kata_module):
    order_id, statuses = seed_history(kata_module, 4)
    r = await get_within(client, f"/orders/{order_id}/events")
    events = parse_sse(r.text)
    assert len(events) == len(statuses), (
        f"the stream {r.text[:300]!r} holds {len(events)} complete events; expected "
        f"{len(statuses)}, one per update. Each event is `field: value` lines ending with a "
        "blank line: `data: {...}\\n\\n`."
    )
    for event, status in zip(events, statuses, strict=True):
        assert event.get("event") == "status", (
            f"event {event} has no `event: status` line; clients listen with "
            "addEventListener('status', ...)"
        )
        try:
            data = json.loads(event["data"])
        except ValueError:
            pytest.fail(f"the data of event {event} is not JSON")
        assert data == {"order_id": order_id, "status": status}, (
            f"an event's data was {data}; expected {{'order_id': {order_id}, 'status': {status!r}}}"
            ", in the order the updates were published"
        )


async def test_each_event_id_is_the_update_seq(client, kata_module):
    order_id, statuses = seed_history(kata_module, 4)
    r = await get_within(client, f"/orders/{order_id}/events")
    ids = [event.get("id") for event in parse_sse(r.text)]
    expected = [str(seq) for seq in range(1, len(statuses) + 1)]
    assert ids == expected, (
        f"the events' ids were {ids}; expected {expected}, each update's seq as `id: <seq>`. "
        "The browser sends the last id back in Last-Event-ID when it reconnects."
    )


async def test_last_event_id_resumes_after_that_event(client, kata_module):
    order_id, statuses = seed_history(kata_module, 5)
    seen = random.randrange(1, 4)
    r = await get_within(client, f"/orders/{order_id}/events", headers={"Last-Event-ID": str(seen)})
    events = parse_sse(r.text)
    got = [(e.get("id"), json.loads(e["data"]).get("status")) for e in events]
    expected = [(str(seq), statuses[seq - 1]) for seq in range(seen + 1, len(statuses) + 1)]
    assert got == expected, (
        f"with Last-Event-ID: {seen} the stream sent (id, status) {got}; expected {expected}: "
        "only the updates after the last one the client saw. Read the header and pass it as "
        "FEED.subscribe(order_id, after=...)."
    )


async def test_live_updates_are_sent_as_they_happen(app, kata_module):
    order_id = random.randrange(10_000, 99_999)
    feed = kata_module.FEED
    call = AsgiCall(app, f"/orders/{order_id}/events").start()
    try:
        assert await wait_until(lambda: feed.subscriber_count(order_id) == 1), (
            f"GET /orders/{order_id}/events did not subscribe to FEED within 5 s "
            f"(subscribers: {feed.subscriber_count(order_id)})"
        )
        for count, status in enumerate(random.sample(STATUSES, 3), start=1):
            feed.publish(order_id, status)
            # The event must leave now, while the stream stays open for more.
            assert await wait_until(lambda count=count: len(parse_sse(call.text)) == count), (
                f"after publishing update {count} ({status!r}), the stream had sent "
                f"{call.text!r}: each event should be sent as soon as its update arrives, "
                "ending with a blank line"
            )
        feed.publish(order_id, "delivered")
        assert await call.finished(), (
            "after the 'delivered' update the stream did not end within 5 s"
        )
    finally:
        await call.stop()


async def test_client_disconnect_closes_the_subscription(app, kata_module):
    order_id = random.randrange(10_000, 99_999)
    feed = kata_module.FEED
    call = AsgiCall(app, f"/orders/{order_id}/events").start()
    try:
        assert await wait_until(lambda: feed.subscriber_count(order_id) == 1), (
            f"GET /orders/{order_id}/events did not subscribe to FEED within 5 s"
        )
        feed.publish(order_id, "paid")
        assert await wait_until(lambda: len(parse_sse(call.text)) == 1), (
            f"the first update was not sent as an event within 5 s (sent so far: {call.text!r})"
        )
        call.disconnect()  # the browser tab is closed: the order is never delivered
        assert await call.finished(), "the app kept streaming for 5 s after the client disconnected"
        assert await wait_until(lambda: feed.subscriber_count(order_id) == 0, timeout=2.0), (
            "the client disconnected but the FEED subscription stayed open: a leak for every "
            "closed tab. Starlette cancels the generator at its `await`/`yield`, so code after "
            "the loop never runs: close the subscription in `finally:` or with "
            "`async with FEED.subscribe(...) as updates:`."
        )
    finally:
        await call.stop()
