"""Claims of kata 21 (middleware, CORS): layer order, what middleware sees, and CORSMiddleware."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from tests.claims.quote import quoted

KATA = "21_middleware_cors"
FRONT = "https://tracker.example.com"


def client_for(app: FastAPI, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://claims")


def cors(app: FastAPI, origins=(FRONT,)) -> None:
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(origins),
        allow_credentials=True,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        max_age=600,
    )


def maintenance_app(cors_last: bool, seen: list) -> FastAPI:
    app = FastAPI()
    if not cors_last:
        cors(app)

    @app.middleware("http")
    async def context(request, call_next):
        seen.append(request.method)
        if request.url.path != "/health":
            return JSONResponse({"detail": "Down for maintenance"}, status_code=503)
        return await call_next(request)

    if cors_last:
        cors(app)

    @app.get("/issues")
    def issues():
        return []

    return app


async def test_last_added_is_outermost_and_wraps_the_503():
    quoted(
        KATA,
        "kata.toml",
        "the last one added is the outermost, first to see the request and last to touch the response",
    )
    quoted(KATA, "kata.toml", "added before it, the 503 would go out without CORS headers")
    for cors_last, expected in [(True, FRONT), (False, None)]:
        async with client_for(maintenance_app(cors_last, [])) as client:
            r = await client.get("/issues", headers={"Origin": FRONT})
        assert r.status_code == 503
        assert r.headers.get("access-control-allow-origin") == expected, cors_last


async def test_cors_added_last_answers_preflights_itself():
    quoted(
        KATA,
        "README.md",
        "Added last, it is the outermost layer and\nanswers every preflight itself",
    )
    quoted(
        KATA,
        "kata.toml",
        "with CORSMiddleware added last, preflights are answered by CORSMiddleware and never reach your middleware",
    )
    seen: list = []
    preflight = {"Origin": FRONT, "Access-Control-Request-Method": "PATCH"}
    async with client_for(maintenance_app(True, seen)) as client:
        r = await client.options("/issues", headers=preflight)
    assert r.status_code == 200 and seen == []


async def test_http_exception_in_middleware_is_a_500_without_cors():
    quoted(
        KATA,
        "kata.toml",
        "an exception raised there climbs to ServerErrorMiddleware, which answers 500 (and a 500 from there carries no CORS headers)",
    )
    quoted(
        KATA,
        "kata.toml",
        "an unhandled exception comes out of call_next as an exception, not a response",
    )
    app = FastAPI()
    caught = []

    @app.middleware("http")
    async def outer(request, call_next):
        try:
            return await call_next(request)
        except RuntimeError as exc:
            caught.append(str(exc))
            raise

    @app.middleware("http")
    async def maintenance(request, call_next):
        if request.url.path == "/down":
            raise HTTPException(503, "Down for maintenance")
        return await call_next(request)

    cors(app)

    @app.get("/explode")
    def explode():
        raise RuntimeError("bug")

    async with client_for(app, raise_app_exceptions=False) as client:
        down = await client.get("/down", headers={"Origin": FRONT})
        boom = await client.get("/explode", headers={"Origin": FRONT})
    assert down.status_code == 500 and boom.status_code == 500
    assert "access-control-allow-origin" not in down.headers
    assert "access-control-allow-origin" not in boom.headers
    assert caught == ["bug"]


async def test_refused_preflights():
    quoted(
        KATA,
        "README.md",
        "| preflight from any other origin | 400, and no `Access-Control-Allow-Origin` |",
    )
    quoted(
        KATA,
        "README.md",
        "`Access-Control-Allow-Origin` may be present: Starlette still echoes the allowed origin there",
    )
    quoted(
        KATA,
        "kata.toml",
        "Starlette answers a disallowed method from an allowed origin with 400 and still echoes Access-Control-Allow-Origin",
    )
    app = FastAPI()
    cors(app)
    async with client_for(app) as client:
        other = await client.options(
            "/x",
            headers={"Origin": "http://localhost:3000", "Access-Control-Request-Method": "GET"},
        )
        put = await client.options(
            "/x", headers={"Origin": FRONT, "Access-Control-Request-Method": "PUT"}
        )
        header = await client.options(
            "/x",
            headers={
                "Origin": FRONT,
                "Access-Control-Request-Method": "PATCH",
                "Access-Control-Request-Headers": "X-Debug-Mode",
            },
        )
    assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
    assert put.status_code == 400 and put.headers["access-control-allow-origin"] == FRONT
    assert "PUT" not in put.headers["access-control-allow-methods"]
    assert header.status_code == 400 and header.headers["access-control-allow-origin"] == FRONT


@pytest.mark.parametrize("origin", ["https://evil.example", "http://tracker.example.com"])
async def test_wildcard_with_credentials_echoes_any_origin(origin):
    quoted(KATA, "kata.toml", "so Starlette echoes whatever Origin arrives")
    quoted(KATA, "kata.toml", "send Vary: Origin so caches keep answers per origin")
    quoted(KATA, "kata.toml", "the server still runs a simple request")
    app = FastAPI()
    ran = []
    cors(app, origins=["*"])

    @app.get("/me")
    def me():
        ran.append(True)
        return {}

    async with client_for(app) as client:
        r = await client.get("/me", headers={"Origin": origin, "Cookie": "session=1"})
    assert r.headers["access-control-allow-origin"] == origin
    assert r.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in r.headers["vary"]
    assert ran == [True]


async def test_disallowed_origin_still_runs_the_route_without_cors_headers():
    quoted(KATA, "kata.toml", "curl ignores it, and the server still runs a simple request")
    quoted(KATA, "README.md", "http://tracker.example.com")
    app = FastAPI()
    ran = []
    cors(app)

    @app.get("/issues")
    def issues():
        ran.append(True)
        return []

    async with client_for(app) as client:
        r = await client.get("/issues", headers={"Origin": "http://tracker.example.com"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers and ran == [True]
