"""Kata 26: FastAPI 0.165's max_body_size, UploadFile's spooling, and the deprecated 413 name."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI, Request, UploadFile
from fastapi.testclient import TestClient
from starlette import status
from starlette.exceptions import StarletteDeprecationWarning

from tests.claims.quote import quoted

KATA = "26_file_uploads"
TOO_LARGE = {"detail": "Content Too Large"}


def limited_app() -> FastAPI:
    app = FastAPI(max_body_size=100)
    router = APIRouter(max_body_size=50)

    async def size(request: Request) -> dict:
        return {"size": len(await request.body())}

    app.post("/app")(size)
    app.post("/route", max_body_size=10)(size)
    app.post("/roomier", max_body_size=200)(size)  # more specific than the app: wins
    router.post("/router")(size)
    app.include_router(router)
    return app


@pytest.mark.parametrize(
    ("path", "limit"), [("/app", 100), ("/router", 50), ("/route", 10), ("/roomier", 200)]
)
def test_max_body_size_on_app_router_and_route(path, limit):
    quoted(KATA, "README.md", "`max_body_size` (bytes) on the app")
    quoted(KATA, "README.md", "it refuses a `Content-Length`\nabove the limit at once")
    quoted(KATA, "README.md", "as plain text when `Content-Length` announced the size")
    quoted(KATA, "README.md", "(`@app.post(..., max_body_size=...)`, the most specific wins)")
    quoted(KATA, "kata.toml", "FastAPI 0.165's max_body_size on the app, a router or a route")
    with TestClient(limited_app()) as client:
        fits = client.post(path, content=b"x" * limit)
        assert (fits.status_code, fits.json()) == (200, {"size": limit})
        over = client.post(path, content=b"x" * (limit + 1))
        assert (over.status_code, over.text) == (413, "Content Too Large")


def test_max_body_size_counts_streamed_bytes_without_content_length():
    quoted(KATA, "README.md", "counts the bytes as they stream in")
    quoted(KATA, "README.md", '`{"detail": "Content Too Large"}` when the count caught it')

    def chunks():  # a generator body goes out chunked: no Content-Length to check up front
        for _ in range(20):
            yield b"x" * 10

    with TestClient(limited_app()) as client:
        r = client.post("/app", content=chunks())
    assert "content-length" not in r.request.headers
    assert (r.status_code, r.json()) == (413, TOO_LARGE)


def test_upload_file_is_spooled_to_disk_above_one_mib():
    quoted(KATA, "README.md", "(in memory up to 1 MiB, then on disk)")
    quoted(KATA, "kata.toml", "SpooledTemporaryFile (in memory up to 1 MiB, then on disk)")
    app = FastAPI()

    @app.post("/upload")
    async def upload(file: UploadFile):
        return {"on_disk": file.file._rolled, "size": file.size}

    mib = 1024 * 1024
    with TestClient(app) as client:
        for size, on_disk in [(mib, False), (mib + 1, True)]:
            r = client.post("/upload", files={"file": ("a.bin", b"x" * size)})
            assert r.json() == {"on_disk": on_disk, "size": size}


def test_old_413_name_is_deprecated_and_warns():
    quoted(KATA, "README.md", "the old name `HTTP_413_REQUEST_ENTITY_TOO_LARGE` is\ndeprecated")
    with pytest.warns(StarletteDeprecationWarning):
        assert status.HTTP_413_REQUEST_ENTITY_TOO_LARGE == 413
    assert status.HTTP_413_CONTENT_TOO_LARGE == 413
