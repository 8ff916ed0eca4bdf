"""Kata 30: how Uvicorn treats an app's answer to the lifespan scope, and what wraps middleware."""

from __future__ import annotations

import contextvars

import httpx
from fastapi import FastAPI, HTTPException, Request
from fastapi.testclient import TestClient
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.middleware.gzip import GZipMiddleware

from tests.claims.live_server import live_server
from tests.claims.quote import quoted

KATA = "30_asgi"


async def hello(scope, receive, send):
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


async def returns_quietly(scope, receive, send):
    if scope["type"] != "http":
        return  # neither lifespan.startup.complete nor an exception
    await hello(scope, receive, send)


async def declines_lifespan(scope, receive, send):
    if scope["type"] != "http":
        raise RuntimeError("no lifespan here")
    await hello(scope, receive, send)


def test_returning_from_lifespan_does_not_hang_uvicorn_it_logs_a_false_startup():
    quoted(KATA, "README.md", "Uvicorn treats an app that returns from the lifespan scope as done")
    quoted(KATA, "kata.toml", "Uvicorn marks startup complete when the lifespan call returns")
    quoted(KATA, "kata.toml", "The harm is a log that lies, not a server that waits.")
    with live_server(returns_quietly, lifespan="on") as server:
        assert httpx.get(server.url + "/").text == "hello"
    said = server.messages()
    assert "Application startup complete." in said, said
    assert "Application shutdown complete." in said, said


def test_an_app_that_raises_declines_lifespan_and_is_served():
    quoted(KATA, "kata.toml", "Uvicorn (lifespan='auto') then logs that lifespan is unsupported")
    with live_server(declines_lifespan, lifespan="auto") as server:
        assert httpx.get(server.url + "/").text == "hello"
    assert "ASGI 'lifespan' protocol appears unsupported." in server.messages()


class CountHeader:
    """A pure ASGI middleware like the kata's RequestCounter: adds x-seen to every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_header(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), (b"x-seen", b"1")]}
            await send(message)

        await self.app(scope, receive, send_with_header)


def test_server_error_middleware_wraps_user_middleware():
    quoted(KATA, "kata.toml", "ServerErrorMiddleware, which FastAPI always puts outermost")
    quoted(KATA, "kata.toml", "the 500 for an unhandled exception is built outside it")
    app = FastAPI()
    app.add_middleware(CountHeader)

    @app.get("/missing")
    def missing():
        raise HTTPException(404, "nope")

    @app.get("/crash")
    def crash():
        raise ValueError("boom")

    stack = app.build_middleware_stack()
    assert isinstance(stack, ServerErrorMiddleware)
    with live_server(app) as server:
        not_found = httpx.get(server.url + "/missing")
        crashed = httpx.get(server.url + "/crash")
    assert (not_found.status_code, not_found.headers.get("x-seen")) == (404, "1")
    assert crashed.status_code == 500
    assert "x-seen" not in crashed.headers


def test_base_http_middleware_does_not_see_contextvars_set_by_the_endpoint():
    quoted(KATA, "kata.toml", "contextvars set in the endpoint are not visible after call_next")
    user = contextvars.ContextVar("user", default="unset")
    app = FastAPI()

    @app.middleware("http")
    async def read_after(request: Request, call_next):
        response = await call_next(request)
        response.headers["x-user"] = user.get()
        return response

    @app.get("/")
    async def endpoint():
        user.set("ada")
        return {}

    with TestClient(app) as client:
        assert client.get("/").headers["x-user"] == "unset"


def test_starlettes_cors_and_gzip_are_pure_asgi_middleware():
    quoted(KATA, "kata.toml", "It is what Starlette's own CORS and GZip middleware are.")
    for middleware in (CORSMiddleware, GZipMiddleware):
        assert not issubclass(middleware, BaseHTTPMiddleware)
        assert callable(middleware.__call__)
