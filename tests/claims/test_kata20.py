"""Claims of kata 20 (API keys): FastAPI's API key schemes, compare_digest, hashing and logs."""

from __future__ import annotations

import hashlib
import os
import secrets
import subprocess
import sys

import httpx
import pytest
from fastapi import Depends, FastAPI, Security
from fastapi.security import APIKeyHeader, APIKeyQuery

from tests.claims.live_server import live_server
from tests.claims.quote import quoted

KATA = "20_api_keys"


def test_compare_digest_refuses_non_ascii_str_but_takes_bytes():
    quoted(KATA, "kata.toml", "compare_digest raises TypeError on non-ASCII str")
    quoted(
        KATA,
        "README.md",
        "`compare_digest` refuses `str`\nwith non-ASCII characters, so compare bytes",
    )
    with pytest.raises(TypeError):
        secrets.compare_digest("key-1", "kéy-1")
    assert not secrets.compare_digest(b"key-1", "kéy-1".encode())
    assert secrets.compare_digest(b"key-1", b"key-1")


def test_str_hash_is_randomised_per_process():
    quoted(
        KATA,
        "kata.toml",
        "Python's str hash is randomised per process (SipHash with a secret seed)",
    )
    assert sys.hash_info.algorithm.startswith("siphash")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    code = "print(hash('partner-key-0001'))"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout
        for _ in range(3)
    }
    assert len(runs) > 1


def test_sha256_lookup_table():
    quoted(
        KATA,
        "kata.toml",
        "a table keyed by the SHA-256 of each key: hash what arrives and look the digest up",
    )
    stored = {hashlib.sha256(b"partner-key-0001").hexdigest(): "shop-a"}
    assert stored.get(hashlib.sha256(b"partner-key-0001").hexdigest()) == "shop-a"
    assert "partner-key-0001" not in str(stored)


async def test_api_key_schemes_auto_error_and_openapi():
    quoted(
        KATA,
        "kata.toml",
        "with auto_error=True, answers 401 'Not authenticated' itself when it is missing",
    )
    quoted(KATA, "kata.toml", "They also add an apiKey security scheme to OpenAPI")
    strict = APIKeyHeader(name="X-API-Key")
    header = APIKeyHeader(name="X-API-Key", auto_error=False)
    query = APIKeyQuery(name="api_key", auto_error=False)
    app = FastAPI()

    @app.get("/strict")
    def strict_route(key: str = Security(strict)):
        return {"key": key}

    @app.get("/whoami")
    def whoami(from_header: str | None = Depends(header), from_query: str | None = Depends(query)):
        return {"header": from_header, "query": from_query}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://claims") as client:
        r = await client.get("/strict")
        assert (r.status_code, r.json(), r.headers["www-authenticate"]) == (
            401,
            {"detail": "Not authenticated"},
            "APIKey",
        )
        r = await client.get("/whoami?api_key=q", headers={"X-API-Key": "h"})
        assert r.json() == {"header": "h", "query": "q"}
        assert (await client.get("/whoami")).json() == {"header": None, "query": None}
    schemes = app.openapi()["components"]["securitySchemes"]
    places = sorted((s["type"], s["in"], s["name"]) for s in schemes.values())
    assert places == [("apiKey", "header", "X-API-Key"), ("apiKey", "query", "api_key")]


def test_query_string_keys_land_in_the_access_log():
    quoted(KATA, "kata.toml", "Query strings end up in server access logs")
    app = FastAPI()

    @app.get("/rates")
    def rates():
        return {}

    with live_server(app, lifespan="off") as server:
        httpx.get(f"{server.url}/rates?api_key=partner-key-0001", timeout=5)
        httpx.get(f"{server.url}/rates", headers={"X-API-Key": "partner-key-0002"}, timeout=5)
        logged = server.wait_for(lambda rec: "/rates" in rec.getMessage(), count=2)
    lines = " ".join(rec.getMessage() for rec in logged)
    assert len(logged) == 2, lines
    assert "partner-key-0001" in lines, lines
    assert "partner-key-0002" not in lines
