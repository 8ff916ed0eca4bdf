"""Kata 22: how Uvicorn decides request.client.host behind a proxy, with its defaults."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request

from tests.claims.live_server import live_server
from tests.claims.quote import quoted

KATA = "22_rate_limiting"
FORGED = {"X-Forwarded-For": "203.0.113.7"}


def client_host_app() -> FastAPI:
    app = FastAPI()

    @app.get("/whoami")
    def whoami(request: Request):
        return {"host": request.client.host}

    return app


@pytest.fixture(autouse=True)
def no_forwarded_allow_ips_from_the_environment(monkeypatch):
    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)


def test_proxy_headers_are_on_by_default_and_trust_loopback():
    quoted(KATA, "kata.toml", "Uvicorn's proxy headers are on by default and trust the loopback")
    quoted(KATA, "kata.toml", "a proxy on the same host already gets its X-Forwarded-For client")
    with live_server(client_host_app()) as server:
        seen = httpx.get(server.url + "/whoami", headers=FORGED).json()["host"]
    assert seen == "203.0.113.7"


def test_a_peer_that_is_not_trusted_cannot_pick_its_address():
    quoted(KATA, "kata.toml", "a proxy elsewhere must be listed")
    with live_server(client_host_app(), forwarded_allow_ips="10.0.0.1") as server:
        seen = httpx.get(server.url + "/whoami", headers=FORGED).json()["host"]
    assert seen == "127.0.0.1"
