"""`serve`'s docs without a network: the learner's app, with Swagger UI and ReDoc served locally.

FastAPI's docs pages load Swagger UI and ReDoc from a CDN, so /docs is blank offline (on a train,
behind a firewall). The files come installed with the project instead, from fastapi-offline (its
static/ folder: swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js, favicon.png).

The learner's app is left as it is: this ASGI wrapper serves those files under ASSET_PREFIX and
rewrites only the CDN URLs in the HTML pages the app sends, wherever the app put its docs (kata 28
moves them and turns ReDoc off); nothing else in a request or response changes.

    uvicorn checker.commands.offline_docs:create_app --factory     (KATAS_SERVE_DIR=the kata)
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import re
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# A path no kata uses, so the learner's own routes are never shadowed.
ASSET_PREFIX = "/_katas/docs-assets"
SERVE_DIR_ENV = "KATAS_SERVE_DIR"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "redoc.standalone.js": "text/javascript; charset=utf-8",
    "favicon.png": "image/png",
}
# FastAPI's default asset URLs (fastapi.openapi.docs), whatever version a pin names.
_CDN_URLS = (
    (re.compile(r"https://cdn\.jsdelivr\.net/npm/swagger-ui-dist@[^/\"']*/swagger-ui-bundle\.js"),
     "swagger-ui-bundle.js"),
    (re.compile(r"https://cdn\.jsdelivr\.net/npm/swagger-ui-dist@[^/\"']*/swagger-ui\.css"),
     "swagger-ui.css"),
    (re.compile(r"https://cdn\.jsdelivr\.net/npm/redoc@[^/\"']*/bundles/redoc\.standalone\.js"),
     "redoc.standalone.js"),
    (re.compile(r"https://fastapi\.tiangolo\.com/img/favicon\.png"), "favicon.png"),
)  # fmt: skip
# ReDoc's page also loads Google Fonts; without them it uses the system's fonts.
_GOOGLE_FONTS = re.compile(r"<link[^>]*https://fonts\.googleapis\.com/[^>]*>\s*")


def assets_dir() -> Path:
    """fastapi-offline's static/ folder, found without importing the package."""
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        raise RuntimeError(
            "fastapi-offline is not installed: reinstall the project (pip install -e .)"
        )
    return Path(spec.origin).parent / "static"


def rewrite(html: str, prefix: str) -> str:
    """The docs page with its CDN URLs pointing at `prefix` (where the wrapper serves them)."""
    for pattern, name in _CDN_URLS:
        html = pattern.sub(f"{prefix}/{name}", html)
    return _GOOGLE_FONTS.sub("", html)


class OfflineDocs:
    """ASGI middleware: serve the docs' assets locally and point the docs pages at them."""

    def __init__(self, app: ASGIApp, assets: Path | None = None) -> None:
        self.app = app
        self.assets = assets or assets_dir()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root = str(scope.get("root_path", ""))
        path = str(scope.get("path", ""))
        if path.startswith(ASSET_PREFIX + "/"):
            await self._asset(path[len(ASSET_PREFIX) + 1 :], send)
            return
        await self.app(scope, receive, _HtmlRewriter(send, root + ASSET_PREFIX))

    async def _asset(self, name: str, send: Send) -> None:
        path = self.assets / name
        if name not in ASSETS or not path.is_file():
            await _respond(send, 404, b"Not Found", "text/plain; charset=utf-8")
            return
        await _respond(send, 200, path.read_bytes(), ASSETS[name], cache=True)


class _HtmlRewriter:
    """Passes a response through, except an HTML one: that is collected, rewritten, resent."""

    def __init__(self, send: Send, prefix: str) -> None:
        self.send, self.prefix = send, prefix
        self.start: Message | None = None
        self.body: list[bytes] = []

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = {k.lower(): v for k, v in message.get("headers", [])}
            if headers.get(b"content-type", b"").startswith(b"text/html") and not headers.get(
                b"content-encoding"
            ):
                self.start = message
                return
        elif message["type"] == "http.response.body" and self.start is not None:
            self.body.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            html = b"".join(self.body).decode("utf-8", errors="surrogateescape")
            body = rewrite(html, self.prefix).encode("utf-8", errors="surrogateescape")
            kept = [
                (k, v) for k, v in self.start.get("headers", []) if k.lower() != b"content-length"
            ]
            kept.append((b"content-length", str(len(body)).encode()))
            await self.send({**self.start, "headers": kept})
            self.start = None
            await self.send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await self.send(message)


async def _respond(
    send: Send, status: int, body: bytes, content_type: str, cache: bool = False
) -> None:
    headers = [
        (b"content-type", content_type.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if cache:
        headers.append((b"cache-control", b"max-age=3600"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app() -> OfflineDocs:
    """uvicorn's factory: the learner's `app` from KATAS_SERVE_DIR/app.py, wrapped."""
    kata_dir = os.environ[SERVE_DIR_ENV]
    if kata_dir not in sys.path:
        sys.path.insert(0, kata_dir)
    module = importlib.import_module("app")
    return OfflineDocs(module.app)
