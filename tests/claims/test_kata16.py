"""Kata 16: what StreamingResponse and FastAPI 0.165's EventSourceResponse put on the wire."""

from __future__ import annotations

import threading

import anyio
import fastapi.routing
import httpx
from fastapi import FastAPI, Header
from fastapi.responses import StreamingResponse
from fastapi.sse import EventSourceResponse, ServerSentEvent

from tests.claims.live_server import live_server
from tests.claims.quote import quoted

KATA = "16_streaming"
WAIT_S = 5.0  # the server notices a disconnect in milliseconds


def sse_app(pause_s: float = 0.0) -> FastAPI:
    app = FastAPI()

    @app.get("/events", response_class=EventSourceResponse)
    async def events():
        await anyio.sleep(pause_s)
        yield ServerSentEvent(event="status", id="3", data={"order_id": 7, "status": "shipped"})

    return app


async def get(app: FastAPI, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.get(path)


async def test_event_source_response_sets_no_cache_and_no_proxy_buffering():
    quoted(KATA, "README.md", "which also sets `Cache-Control: no-cache`")
    quoted(KATA, "kata.toml", "and it sets both headers itself")
    r = await get(sse_app(), "/events")
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["x-accel-buffering"] == "no"
    assert r.text == 'event: status\ndata: {"order_id": 7, "status": "shipped"}\nid: 3\n\n'


async def test_event_source_response_pings_after_silence(monkeypatch):
    quoted(KATA, "kata.toml", "sends a `: ping` comment after 15 seconds of silence")
    assert fastapi.routing._PING_INTERVAL == 15.0
    monkeypatch.setattr(fastapi.routing, "_PING_INTERVAL", 0.05)  # the same code, less waiting
    r = await get(sse_app(pause_s=0.3), "/events")
    assert r.text.startswith(": ping\n\n"), r.text
    assert r.text.endswith("id: 3\n\n")


async def test_streaming_response_sends_each_chunk_as_its_own_body_message():
    quoted(KATA, "kata.toml", "each yielded chunk goes out as an http.response.body message with")

    async def rows():
        for line in (b"id,customer\r\n", b"1,Ada\r\n", b"2,Grace\r\n"):
            yield line

    sent = []

    async def receive():
        await anyio.sleep_forever()

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"spec_version": "2.4"}, "method": "GET", "headers": []}
    await StreamingResponse(rows(), media_type="text/csv")(scope, receive, send)
    bodies = [(m["body"], m.get("more_body", False)) for m in sent[1:]]
    assert bodies == [
        (b"id,customer\r\n", True),
        (b"1,Ada\r\n", True),
        (b"2,Grace\r\n", True),
        (b"", False),
    ]


def test_a_client_disconnect_cancels_the_generator_on_real_uvicorn():
    quoted(KATA, "kata.toml", "The server notices (an http.disconnect message, or send failing)")
    quoted(KATA, "kata.toml", "the generator gets CancelledError or GeneratorExit at the await")
    quoted(KATA, "kata.toml", "Code after the loop never runs")
    app = FastAPI()
    cleaned_up = threading.Event()
    seen: list[str] = []

    @app.get("/feed")
    async def feed():
        async def events():
            try:
                yield b"data: first\n\n"
                await anyio.sleep_forever()  # waiting for the next update
                seen.append("after the loop")
            except BaseException as exc:
                seen.append(type(exc).__name__)
                raise
            finally:
                cleaned_up.set()

        return StreamingResponse(events(), media_type="text/event-stream")

    with live_server(app) as server:
        with httpx.stream("GET", server.url + "/feed") as r:
            assert next(r.iter_raw()) == b"data: first\n\n"
        # The client is gone; the server notices and cancels the generator at its await.
        assert cleaned_up.wait(WAIT_S), "the generator was never finalised"
    assert seen == ["CancelledError"]


async def test_last_event_id_parameter_reads_the_last_event_id_header():
    quoted(KATA, "README.md", "(`last_event_id` reads the `Last-Event-ID` header)")
    app = FastAPI()

    @app.get("/resume")
    def resume(last_event_id: int = Header(0)):
        return {"after": last_event_id}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/resume", headers={"Last-Event-ID": "4"})).json() == {"after": 4}
        assert (await client.get("/resume")).json() == {"after": 0}
