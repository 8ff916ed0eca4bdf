"""Specs for kata 30: ASGI. They reach the code only through fixtures.

Two kinds of spec: over HTTP through the FastAPI app (as a client sees it), and at the protocol
level, calling `beacon_app` and `RequestCounter` with a scope, a receive and a send, exactly as an
ASGI server such as Uvicorn does. The second kind checks the messages themselves.
"""

import asyncio
import json
import random

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.middleware.base import BaseHTTPMiddleware

TIMEOUT_S = 5  # generous: a correct app answers in milliseconds; this only catches a hang


def module_name(kata_module, name):
    value = getattr(kata_module, name, None)
    assert value is not None, f"app.py has no module-level `{name}`; the README asks for one."
    return value


def http_scope(method, path):
    """The scope a server builds for one HTTP request."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/x-ndjson")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }


class FakeServer:
    """receive() hands out the given messages, then waits; send() records what the app sent."""

    def __init__(self, incoming):
        self.incoming = list(incoming)
        self.sent = []
        self.received = 0

    async def receive(self):
        self.received += 1
        if self.incoming:
            return self.incoming.pop(0)
        await asyncio.Event().wait()  # nothing more is coming, as on a real idle connection

    async def send(self, message):
        self.sent.append(message)


async def run_asgi(asgi_app, scope, server, what):
    """Call the ASGI app as a server would; a hang becomes a failure that says so."""
    try:
        await asyncio.wait_for(asgi_app(scope, server.receive, server.send), TIMEOUT_S)
    except TimeoutError:
        pytest.fail(
            f"{what} did not return within {TIMEOUT_S} s; it sent {server.sent}. Is it waiting "
            "on receive() for a message that never comes?"
        )


def ndjson_events(count):
    lines = [
        json.dumps({"event": "view", "page": f"/p/{random.randrange(10**6)}"}) for _ in range(count)
    ]
    return [(line + "\n").encode() for line in lines]


@pytest.fixture
async def service(app):
    """A client over the FastAPI app, its lifespan run through whatever middleware it has."""
    # A trivial lifespan starts in milliseconds; 3 s only bounds the wait when it never does.
    manager = LifespanManager(app, startup_timeout=3)
    try:
        await manager.__aenter__()
    except Exception as exc:
        pytest.fail(
            f"the FastAPI app did not start ({type(exc).__name__} {exc}): its lifespan never "
            "completed. The lifespan scope passes "
            "through RequestCounter: for a scope that is not 'http', the middleware must "
            "`await self.app(scope, receive, send)` and return."
        )
    transport = httpx.ASGITransport(app=manager.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await manager.__aexit__(None, None, None)


# --- beacon_app: a raw ASGI application --------------------------------------------------------


async def test_beacon_reads_every_body_message(kata_module):
    beacon_app = module_name(kata_module, "beacon_app")
    chunks = ndjson_events(random.randrange(3, 8))
    body = b"".join(chunks)
    # One http.request message per chunk, the last one with more_body false and no body.
    messages = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    server = FakeServer(messages)
    await run_asgi(beacon_app, http_scope("POST", "/"), server, "beacon_app")

    starts = [m for m in server.sent if m.get("type") == "http.response.start"]
    bodies = [m for m in server.sent if m.get("type") == "http.response.body"]
    assert len(starts) == 1 and server.sent[0] is starts[0], (
        f"beacon_app sent {server.sent}; an HTTP response starts with exactly one "
        "{'type': 'http.response.start', 'status': ..., 'headers': [...]} message, then "
        "'http.response.body' messages."
    )
    assert starts[0].get("status") == 202, (
        f"beacon_app answered a POST with status {starts[0].get('status')!r}; expected 202, "
        "with the JSON count of the events it read"
    )
    headers = starts[0].get("headers", [])
    assert all(
        isinstance(pair, list | tuple)
        and len(pair) == 2
        and all(isinstance(part, bytes) for part in pair)
        for pair in headers
    ), (
        f"beacon_app sent headers {headers!r}; ASGI headers are a list of (name, value) pairs of "
        "bytes, e.g. [(b'content-type', b'application/json')]"
    )
    assert (b"content-type", b"application/json") in [tuple(p) for p in headers], (
        f"beacon_app sent headers {headers!r}; expected (b'content-type', b'application/json')"
    )
    assert bodies and not bodies[-1].get("more_body", False), (
        f"beacon_app sent {server.sent}; the response ends with an 'http.response.body' message "
        "whose more_body is false (or absent)"
    )
    payload = json.loads(b"".join(m.get("body", b"") for m in bodies))
    expected = {"events": len(chunks), "bytes": len(body)}
    assert payload == expected, (
        f"beacon_app received {len(chunks)} events, {len(body)} bytes, in {len(messages)} "
        f"http.request messages and answered {payload}; expected {expected}. Keep calling "
        "receive() until a message has more_body false, and join the bodies."
    )


async def test_beacon_counts_a_streamed_post_over_http(service):
    chunks = ndjson_events(random.randrange(4, 10))
    chunks.insert(2, b"\n")  # a blank line is not an event

    async def stream():
        for chunk in chunks:
            yield chunk

    r = await service.post("/beacon/events", content=stream())
    body = b"".join(chunks)
    expected = {"events": len(chunks) - 1, "bytes": len(body)}
    assert r.status_code == 202, (
        f"POST /beacon/events returned {r.status_code} {r.text[:200]}; expected 202 from "
        "beacon_app, mounted with app.mount('/beacon', beacon_app)"
    )
    assert r.headers.get("content-type") == "application/json", (
        f"POST /beacon/events came back as {r.headers.get('content-type')!r}; expected "
        "'application/json'"
    )
    assert r.json() == expected, (
        f"POST /beacon/events streamed {expected['events']} events (and one blank line) in "
        f"{len(chunks)} chunks and got {r.json()}; expected {expected}"
    )


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_beacon_refuses_other_methods(service, method):
    r = await service.request(method, "/beacon/events")
    assert r.status_code == 405, (
        f"{method} /beacon/events returned {r.status_code}; expected 405: the beacon only "
        "takes POST. Check scope['method']."
    )
    assert r.headers.get("allow") == "POST", (
        f"{method} /beacon/events answered 405 with Allow: {r.headers.get('allow')!r}; a 405 "
        "must say what is allowed: expected the header (b'allow', b'POST')"
    )
    assert r.json() == {"detail": "Method Not Allowed"}, (
        f"{method} /beacon/events answered {r.text!r}; expected {{'detail': 'Method Not Allowed'}}"
    )


async def test_beacon_declines_lifespan_by_raising(kata_module):
    beacon_app = module_name(kata_module, "beacon_app")
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}
    server = FakeServer([{"type": "lifespan.startup"}])
    raised = None
    try:
        await asyncio.wait_for(beacon_app(scope, server.receive, server.send), TIMEOUT_S)
    except TimeoutError:
        pytest.fail(
            f"beacon_app, called with a lifespan scope, was still running after {TIMEOUT_S} s. "
            "It should raise at once for any scope type other than 'http'."
        )
    except Exception as exc:
        raised = exc
    assert not server.sent, (
        f"beacon_app, called with a lifespan scope, sent {server.sent}; it must send nothing. "
        "Check scope['type'] before anything else."
    )
    assert raised is not None, (
        "beacon_app returned normally for a lifespan scope. The ASGI spec says an app that "
        "does not support lifespan raises an exception (e.g. RuntimeError) when called with "
        "that scope; the server then carries on without it. Returning quietly makes a server "
        "such as Uvicorn log a startup that never happened."
    )


# --- RequestCounter: a pure ASGI middleware ----------------------------------------------------


def test_request_counter_is_pure_asgi_middleware_on_the_app(app, kata_module):
    counter = module_name(kata_module, "RequestCounter")
    assert isinstance(counter, type) and not issubclass(counter, BaseHTTPMiddleware), (
        "RequestCounter must be a plain class with __init__(self, app) and "
        "async __call__(self, scope, receive, send), not a BaseHTTPMiddleware subclass."
    )
    classes = [m.cls for m in app.user_middleware]
    assert counter in classes, (
        f"the app's middleware is {classes}; add the counter with app.add_middleware(RequestCounter)."
    )
    assert BaseHTTPMiddleware not in classes, (
        "the app still has a BaseHTTPMiddleware (an @app.middleware('http') function or a "
        "subclass): RequestCounter replaces it. Remove count_requests."
    )


async def test_every_response_carries_its_request_number(service):
    # A random mix of FastAPI routes, the mounted raw app and unknown paths: all are counted.
    requests = [("GET", "/status"), ("POST", "/beacon/events"), ("GET", "/no/such/page")]
    sequence = [random.choice(requests) for _ in range(random.randrange(5, 10))]
    for number, (method, path) in enumerate(sequence, start=1):
        r = await service.request(method, path, content=b'{"event": "view"}\n')
        got = r.headers.get("x-request-count")
        assert got == str(number), (
            f"request {number} of this app ({method} {path}, status {r.status_code}) came back "
            f"with X-Request-Count: {got!r}; expected {number!r}. Count every HTTP request once "
            "(FastAPI routes, the mounted beacon and 404s alike), and no other scope type."
        )


async def test_status_sees_the_lifespan_that_went_through_the_middleware(service):
    r = await service.get("/status")
    assert r.status_code == 200 and r.json() == {"status": "ok", "ready": True}, (
        f"GET /status returned {r.status_code} {r.text}; expected {{'status': 'ok', 'ready': "
        "true}}, set by the app's lifespan"
    )


async def test_counter_passes_other_scopes_through_untouched(kata_module):
    counter_class = module_name(kata_module, "RequestCounter")
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope)
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
            return
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    middleware = counter_class(inner)
    lifespan_scope = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    server = FakeServer([{"type": "lifespan.startup"}])
    await run_asgi(middleware, lifespan_scope, server, "RequestCounter(app) with a lifespan scope")
    assert seen and seen[0] is lifespan_scope, (
        "RequestCounter(app), called with a lifespan scope, did not pass it to the app. For any "
        "scope type but 'http', call `await self.app(scope, receive, send)` and return."
    )
    assert server.sent == [{"type": "lifespan.startup.complete"}], (
        f"RequestCounter(app) changed the lifespan messages: the server got {server.sent}; "
        "expected [{'type': 'lifespan.startup.complete'}], untouched"
    )

    server = FakeServer([{"type": "http.request", "body": b"", "more_body": False}])
    await run_asgi(middleware, http_scope("GET", "/"), server, "RequestCounter(app)")
    start = next((m for m in server.sent if m["type"] == "http.response.start"), {})
    pairs = [tuple(p) for p in start.get("headers", [])]
    assert any(name == b"x-request-count" for name, _ in pairs), (
        f"an HTTP request through RequestCounter came back with headers {pairs}: no "
        "x-request-count. Wrap `send` and add the header to the http.response.start message."
    )
    assert (b"x-request-count", b"1") in pairs, (
        f"after a lifespan scope, the first HTTP request through RequestCounter came back with "
        f"headers {pairs}; expected (b'x-request-count', b'1'): lifespan is not a request."
    )


async def test_counter_adds_a_bytes_header_and_keeps_the_apps_own(kata_module):
    counter_class = module_name(kata_module, "RequestCounter")
    tag = f"shelf-{random.randrange(10**6)}".encode()
    app_headers = [(b"content-type", b"text/plain"), (b"x-shelf", tag)]

    async def inner(scope, receive, send):
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": list(app_headers)})
        await send({"type": "http.response.body", "body": b"first ", "more_body": True})
        await send({"type": "http.response.body", "body": b"second"})

    middleware = counter_class(inner)
    for number in (1, 2):
        server = FakeServer([{"type": "http.request", "body": b"", "more_body": False}])
        await run_asgi(middleware, http_scope("GET", "/"), server, "RequestCounter(app)")
        assert [m["type"] for m in server.sent] == [
            "http.response.start",
            "http.response.body",
            "http.response.body",
        ], f"RequestCounter(app) forwarded {server.sent}; expected the app's 3 messages, in order"
        start = server.sent[0]
        pairs = [tuple(p) for p in start.get("headers", [])]
        expected = [*app_headers, (b"x-request-count", str(number).encode())]
        assert sorted(pairs) == sorted(expected), (
            f"request {number}: RequestCounter(app) forwarded headers {pairs}; expected the "
            f"app's own plus the count, all bytes: {expected}. Add "
            f"(b'x-request-count', b'{number}') to the http.response.start message's headers."
        )
        assert (
            start.get("status") == 200
            and b"".join(m.get("body", b"") for m in server.sent[1:]) == b"first second"
        ), "RequestCounter(app) changed the status or the body; pass them on"
