"""`serve` works offline: the docs pages load Swagger UI and ReDoc from the project, not a CDN,
wherever the learner's app put them; a port in use is said before "Try it at"."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from checker.commands.offline_docs import ASSET_PREFIX, OfflineDocs, rewrite
from tests.conftest import GOOD_APP, REPO

URL_ATTRIBUTE = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']""")


def referenced(html: str) -> list[str]:
    return URL_ATTRIBUTE.findall(html)


def assert_offline(client: TestClient, page: str) -> list[str]:
    answer = client.get(page)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    assert int(answer.headers["content-length"]) == len(answer.content)
    assert "://" not in answer.text, f"{page} still names a remote host:\n{answer.text}"
    urls = [u for u in referenced(answer.text) if u.startswith(ASSET_PREFIX)]
    assert urls, answer.text
    for url in urls:
        asset = client.get(url)
        assert asset.status_code == 200 and len(asset.content) > 1000, url
    return urls


def docs_app(**options: Any) -> FastAPI:
    app = FastAPI(**options)

    @app.get("/ping")
    async def ping() -> dict[str, bool]:
        return {"pong": True}

    return app


def test_docs_and_redoc_load_every_asset_from_the_project():
    with TestClient(OfflineDocs(docs_app())) as client:
        swagger = assert_offline(client, "/docs")
        assert any(u.endswith("swagger-ui-bundle.js") for u in swagger)
        assert any(u.endswith("swagger-ui.css") for u in swagger)
        assert any(u.endswith("redoc.standalone.js") for u in assert_offline(client, "/redoc"))
        assert client.get("/ping").json() == {"pong": True}  # the app itself is untouched
        assert client.get("/openapi.json").json()["paths"]["/ping"]
        assert client.get(f"{ASSET_PREFIX}/../pyproject.toml").status_code == 404


def test_the_learners_own_docs_urls_stay_as_set():
    """Kata 28 moves Swagger UI and turns ReDoc off: the wrapper does not bring them back."""
    with TestClient(OfflineDocs(docs_app(docs_url="/api/docs", redoc_url=None))) as client:
        assert_offline(client, "/api/docs")
        assert client.get("/docs").status_code == 404
        assert client.get("/redoc").status_code == 404


def test_only_the_cdn_urls_change():
    page = (
        '<script src="https://cdn.jsdelivr.net/npm/swagger-ui-dist@5.9.0/swagger-ui-bundle.js">'
        '</script><a href="https://example.com/terms">terms</a>'
    )
    assert rewrite(page, "/p") == (
        '<script src="/p/swagger-ui-bundle.js"></script><a href="https://example.com/terms">terms</a>'
    )


@pytest.fixture
def busy_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def test_a_port_in_use_is_said_before_try_it_at(tree, busy_port):
    tree.add_kata("01_ping", GOOD_APP)
    done = subprocess.run(
        [sys.executable, "-m", "checker", "--root", str(tree.root), "serve", "1",
         "--port", str(busy_port)],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2
    assert (
        f"port {busy_port}" in done.stderr and "in use" in done.stderr and "--port" in done.stderr
    )
    assert "Try it at" not in done.stdout
