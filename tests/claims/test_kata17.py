"""Kata 17: what a WebSocket client really sees when a server refuses or closes, on real uvicorn."""

from __future__ import annotations

import time

import pytest
from fastapi import FastAPI, HTTPException, WebSocket, status
from fastapi.testclient import TestClient
from starlette.middleware.cors import CORSMiddleware
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from tests.claims.live_server import live_server
from tests.claims.quote import quoted

KATA = "17_websockets"
SECRET = "tok-5ecret-9f2c"


def refusing_app() -> FastAPI:
    app = FastAPI()

    @app.websocket("/closed")
    async def closed(websocket: WebSocket):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)

    @app.websocket("/denied")
    async def denied(websocket: WebSocket):
        raise HTTPException(status_code=401, detail="Invalid token")

    @app.websocket("/accepted-then-closed")
    async def accepted_then_closed(websocket: WebSocket):
        await websocket.accept()
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)

    return app


@pytest.fixture(scope="module")
def server():
    with live_server(refusing_app()) as running:
        yield running


def handshake_status(url: str, **kwargs) -> int:
    with pytest.raises(InvalidStatus) as refused:
        connect(url, open_timeout=5, **kwargs).close()
    return refused.value.response.status_code


def test_close_before_accept_is_an_http_403(server):
    quoted(KATA, "README.md", "Uvicorn answers the upgrade with **HTTP 403**")
    quoted(KATA, "kata.toml", "Uvicorn answers the upgrade request with HTTP 403 and logs it")
    assert handshake_status(server.ws_url + "/closed") == 403


def test_http_exception_before_accept_is_a_real_401_with_its_body():
    quoted(KATA, "README.md", "the client gets **HTTP 401**")
    quoted(KATA, "kata.toml", "sends a real HTTP 401 with its JSON body")
    with live_server(refusing_app()) as server, pytest.raises(InvalidStatus) as refused:
        connect(server.ws_url + "/denied", open_timeout=5).close()
    response = refused.value.response
    assert response.status_code == 401
    assert bytes(response.body) == b'{"detail":"Invalid token"}'


def test_1008_reaches_a_client_only_after_accept(server):
    quoted(KATA, "README.md", "the client sees a connection that opens and closes with code 1008")
    quoted(KATA, "kata.toml", "Close code 1008 (policy violation) reaches a client only when you")
    url = server.ws_url + "/accepted-then-closed"
    with connect(url, open_timeout=5) as ws, pytest.raises(ConnectionClosed) as closed:
        ws.recv(timeout=5)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 1008


def test_testclient_shows_the_code_you_passed_and_the_denial_status():
    quoted(
        KATA, "README.md", "TestClient shows this as `WebSocketDisconnect` with the code you passed"
    )
    quoted(KATA, "README.md", "TestClient raises `WebSocketDenialResponse` with that status")
    with TestClient(refusing_app()) as client:
        with pytest.raises(WebSocketDisconnect) as closed:
            client.websocket_connect("/closed").__enter__()
        assert closed.value.code == 1008
        with pytest.raises(WebSocketDenialResponse) as denied:
            client.websocket_connect("/denied").__enter__()
        assert denied.value.status_code == 401


def test_a_query_string_token_lands_in_the_access_log(server):
    quoted(KATA, "kata.toml", "a ?token= lands in every access log (Uvicorn logs the path with its")
    handshake_status(server.ws_url + f"/closed?token={SECRET}")
    assert any(SECRET in message for message in server.messages()), server.messages()


def test_cors_does_not_guard_websocket_handshakes():
    quoted(KATA, "kata.toml", "WebSocket handshakes are not covered by CORS")
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://club.example"])

    @app.websocket("/ws")
    async def echo_origin(websocket: WebSocket):
        await websocket.accept()
        await websocket.send_text(websocket.headers.get("origin", ""))
        await websocket.close()

    # A page on another site opens the socket: CORSMiddleware lets the handshake through.
    with (
        live_server(app) as server,
        connect(server.ws_url + "/ws", origin="https://evil.example", open_timeout=5) as ws,
    ):
        assert ws.recv(timeout=5) == "https://evil.example"


def test_an_uncaught_websocket_disconnect_is_logged_as_an_error():
    quoted(
        KATA, "kata.toml", "if you do not catch it, every normal departure is logged as an error"
    )
    app = FastAPI()

    @app.websocket("/ws")
    async def uncaught(websocket: WebSocket):
        await websocket.accept()
        while True:
            await websocket.receive_text()

    with live_server(app) as server:
        with connect(server.ws_url + "/ws", open_timeout=5) as ws:
            ws.send("hello")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if any("Exception in ASGI application" in m for m in server.messages()):
                break
            time.sleep(0.02)
    assert any("Exception in ASGI application" in m for m in server.messages())
