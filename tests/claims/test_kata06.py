"""Claims of kata 06 (errors): which exception reaches which handler, and what OpenAPI promises."""

from __future__ import annotations

from http import HTTPStatus

import httpx
import pytest
from fastapi import FastAPI, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from tests.claims.quote import quoted

KATA = "06_errors"


def client_for(app: FastAPI, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://claims")


def test_reason_phrase_in_snake_case():
    quoted(KATA, "README.md", '`HTTPStatus(404).phrase` is `"Not Found"`')
    assert HTTPStatus(404).phrase == "Not Found"
    assert HTTPStatus(405).phrase == "Method Not Allowed"


async def test_router_404_and_405_are_starlette_http_exceptions():
    quoted(
        KATA, "kata.toml", "The router's own 404 and 405 raise starlette.exceptions.HTTPException"
    )
    quoted(KATA, "README.md", "keep `Allow` (for example `Allow: GET`)")
    seen: dict[str, list[int]] = {"fastapi": [], "starlette": []}

    def app_with(cls, name):
        app = FastAPI()

        @app.exception_handler(cls)
        async def handle(request, exc):
            seen[name].append(exc.status_code)
            return JSONResponse({"seen": name}, status_code=exc.status_code, headers=exc.headers)

        @app.get("/accounts/{account_id}")
        def read(account_id: str):
            return {"id": account_id}

        return app

    async with client_for(app_with(HTTPException, "fastapi")) as client:
        assert (await client.get("/no-such-page")).json() == {"detail": "Not Found"}
    async with client_for(app_with(StarletteHTTPException, "starlette")) as client:
        r404 = await client.get("/no-such-page")
        r405 = await client.delete("/accounts/a1")
    assert seen == {"fastapi": [], "starlette": [404, 405]}
    assert r404.json() == {"seen": "starlette"}
    assert r405.status_code == 405 and r405.headers["allow"] == "GET"


async def test_unhandled_exception_is_a_bare_500_and_reraised():
    quoted(
        KATA, "kata.toml", "Starlette's ServerErrorMiddleware answers a bare 500 and re-raises it"
    )
    quoted(KATA, "kata.toml", "which is why ASGITransport and TestClient raise it in tests")
    app = FastAPI()

    @app.get("/explode")
    def explode():
        raise RuntimeError("postgres://user:secret@db")

    async with client_for(app) as client:
        with pytest.raises(RuntimeError):
            await client.get("/explode")
    async with client_for(app, raise_app_exceptions=False) as client:
        r = await client.get("/explode")
    assert (r.status_code, r.text) == (500, "Internal Server Error")
    assert "secret" not in r.text


async def test_exception_handler_500_carries_no_cors_headers():
    quoted(
        KATA,
        "kata.toml",
        "The handler for Exception runs in ServerErrorMiddleware, outside other middleware",
    )
    quoted(KATA, "kata.toml", "so such a response carries no CORS headers")
    app = FastAPI()
    app.add_middleware(CORSMiddleware, allow_origins=["https://front.example"])

    @app.exception_handler(Exception)
    async def internal(request, exc):
        return JSONResponse({"error": {"code": "internal_error"}}, status_code=500)

    @app.get("/explode")
    def explode():
        raise RuntimeError("boom")

    @app.get("/fine")
    def fine():
        raise HTTPException(409)

    origin = {"Origin": "https://front.example"}
    async with client_for(app, raise_app_exceptions=False) as client:
        r500 = await client.get("/explode", headers=origin)
        r409 = await client.get("/fine", headers=origin)
    assert r500.json() == {"error": {"code": "internal_error"}}
    assert "access-control-allow-origin" not in r500.headers
    assert r409.headers["access-control-allow-origin"] == "https://front.example"


class Body(BaseModel):
    amount: int


def operation(responses: dict | None, with_body: bool = True) -> dict:
    app = FastAPI()
    if with_body:

        @app.post("/t", responses=responses or {})
        def post(body: Body):
            return {}

    else:

        @app.post("/t", responses=responses or {})
        def post_plain():
            return {}

    return app.openapi()["paths"]["/t"]["post"]["responses"]


def test_responses_400_keeps_the_generated_422():
    quoted(KATA, "kata.toml", "Declaring responses={400: ...} adds a 400 and keeps that 422")
    quoted(
        KATA, "kata.toml", "only a response declared under '422', '4XX' or 'default' replaces it"
    )
    quoted(KATA, "kata.toml", "on every operation with parameters or a body")
    assert {"400", "422"} <= operation({400: {"description": "Bad"}}).keys()
    for key in ["422", "4XX", "default"]:
        got = operation({key: {"description": "Ours"}})
        assert "HTTPValidationError" not in str(got), key
    assert "422" not in operation(None, with_body=False)
