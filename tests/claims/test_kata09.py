"""Claims of kata 09 (routers): prefixes, tags and dependencies per router and per inclusion."""

from __future__ import annotations

import importlib
import sys
from datetime import UTC, datetime

import httpx
from fastapi import APIRouter, Depends, FastAPI, Header, HTTPException, Request, Response
from starlette.responses import Response as StarletteResponse

from tests.claims.quote import REPO, quoted

KATA = "09_routers"


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://claims")


def require_partner_key(x_partner_key: str | None = Header(default=None)) -> None:
    if x_partner_key != "partner-secret":
        raise HTTPException(403, "Partner key required")


def mark_deprecated(response: Response) -> None:
    response.headers["Deprecation"] = "@1767225600"


def build_app() -> FastAPI:
    authors = APIRouter(
        prefix="/authors", tags=["authors"], dependencies=[Depends(require_partner_key)]
    )

    @authors.get("")
    def list_authors():
        return []

    @authors.get("/{author_id}")
    def read_author(author_id: int):
        return {"id": author_id}

    app = FastAPI()
    app.include_router(authors, prefix="/v1", dependencies=[Depends(mark_deprecated)])
    app.include_router(authors, prefix="/v2")
    return app


async def test_router_dependency_runs_wherever_included_inclusion_one_only_there():
    quoted(KATA, "kata.toml", "runs before every route of the router, wherever it is included")
    quoted(
        KATA,
        "kata.toml",
        "All three can also be given to include_router, where they apply to that inclusion only",
    )
    quoted(KATA, "kata.toml", "A router is included as many times as you like")
    app = build_app()
    key = {"X-Partner-Key": "partner-secret"}
    async with client_for(app) as client:
        for version in ["v1", "v2"]:
            assert (await client.get(f"/{version}/authors")).status_code == 403
            assert (await client.get(f"/{version}/authors/3", headers=key)).status_code == 200
        v1 = await client.get("/v1/authors", headers=key)
        v2 = await client.get("/v2/authors", headers=key)
    assert v1.headers["deprecation"] == "@1767225600" and "deprecation" not in v2.headers


def test_tags_and_dependency_headers_land_in_openapi():
    quoted(KATA, "kata.toml", "tags=['authors'] lands on every operation in the OpenAPI document")
    quoted(KATA, "kata.toml", "the X-Partner-Key header appears on every authors operation")
    paths = build_app().openapi()["paths"]
    operations = [op for path, item in paths.items() if "/authors" in path for op in item.values()]
    assert len(operations) == 4
    for op in operations:
        assert op["tags"] == ["authors"]
        assert "x-partner-key" in {
            p["name"].lower() for p in op["parameters"] if p["in"] == "header"
        }


def test_rfc9745_date_is_2026_01_01():
    quoted(
        KATA, "README.md", "v1 was deprecated\non 1 January 2026, 00:00 UTC, which is `@1767225600`"
    )
    assert int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()) == 1767225600


async def test_reference_marks_v1_only():
    quoted(KATA, "README.md", "every 200 response under `/v1` carries `Deprecation: @1767225600`")
    folder = str(REPO / "solutions" / KATA)
    names = ["app", "store", "routers", "routers.books", "routers.authors"]
    saved = {name: sys.modules.pop(name) for name in names if name in sys.modules}
    sys.path.insert(0, folder)
    try:
        app = importlib.import_module("app").app
    finally:
        sys.path.remove(folder)
        for name in names:
            sys.modules.pop(name, None)
        sys.modules.update(saved)
    async with client_for(app) as client:
        v1 = await client.get("/v1/books")
        v2 = await client.get("/v2/books")
    assert v1.headers.get("deprecation") == "@1767225600"
    assert "deprecation" not in v2.headers


async def test_http_middleware_sees_request_and_response_objects_and_404s():
    quoted(KATA, "kata.toml", "middleware sees every request, including 404s")
    quoted(
        KATA, "kata.toml", "@app.middleware('http') gets a Request and the Response from call_next"
    )
    seen = []
    app = FastAPI()

    @app.middleware("http")
    async def record(request, call_next):
        response = await call_next(request)
        seen.append(
            (
                isinstance(request, Request),
                isinstance(response, StarletteResponse),
                response.status_code,
            )
        )
        return response

    async with client_for(app) as client:
        await client.get("/nowhere")
    assert seen == [(True, True, 404)]
