"""Kata 27: what Starlette's response classes and Jinja2 really do."""

from __future__ import annotations

import datetime

import jinja2
import pytest
from fastapi import FastAPI
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
)
from fastapi.testclient import TestClient
from starlette.templating import Jinja2Templates

from tests.claims.quote import quoted

KATA = "27_response_types"
SCRIPT = "<script>alert(1)</script>"


def test_plain_jinja2_environment_does_not_autoescape():
    quoted(KATA, "kata.toml", "a plain jinja2.Environment() does not autoescape at all")
    assert jinja2.Environment().from_string("{{ t }}").render(t=SCRIPT) == SCRIPT


def test_jinja2templates_escapes_html_htm_xml_only(tmp_path):
    quoted(KATA, "kata.toml", "covers templates named .html, .htm and .xml only")
    quoted(KATA, "kata.toml", "(a card.jinja or card.txt template is not escaped)")
    for suffix in ("html", "htm", "xml", "jinja", "txt"):
        (tmp_path / f"card.{suffix}").write_text("<h1>{{ t }}</h1>")
    env = Jinja2Templates(directory=tmp_path).env
    for suffix, escaped in [("html", 1), ("htm", 1), ("xml", 1), ("jinja", 0), ("txt", 0)]:
        rendered = env.get_template(f"card.{suffix}").render(t=SCRIPT)
        assert (SCRIPT not in rendered) == bool(escaped), (suffix, rendered)


def files_app(folder) -> FastAPI:
    app = FastAPI()

    @app.get("/download/{name}")
    def download(name: str):
        return FileResponse(folder / name, filename="book-42.txt")

    return app


def test_missing_file_is_a_plain_500_before_the_response_starts(tmp_path):
    quoted(KATA, "kata.toml", "a missing file raises RuntimeError there, before any byte")
    quoted(KATA, "kata.toml", "the client gets a plain 500 Internal Server Error")
    with TestClient(files_app(tmp_path), raise_server_exceptions=False) as client:
        r = client.get("/download/nope.txt")
    assert (r.status_code, r.text) == (500, "Internal Server Error")
    with TestClient(files_app(tmp_path)) as client, pytest.raises(RuntimeError, match="exist"):
        client.get("/download/nope.txt")


def test_file_response_headers_and_ranges(tmp_path):
    quoted(KATA, "kata.toml", "guesses Content-Type from the name, sets Content-Length, ETag and")
    quoted(KATA, "kata.toml", "supports Range requests, and with filename adds Content-Disposition")
    (tmp_path / "b.txt").write_text("0123456789")
    with TestClient(files_app(tmp_path)) as client:
        whole = client.get("/download/b.txt")
        part = client.get("/download/b.txt", headers={"Range": "bytes=2-4"})
    assert whole.headers["content-type"].startswith("text/plain")
    assert whole.headers["content-length"] == "10"
    assert {"etag", "last-modified"} <= set(whole.headers)
    assert whole.headers["content-disposition"] == 'attachment; filename="book-42.txt"'
    assert (part.status_code, part.text) == (206, "234")


def test_redirect_response_defaults_to_307():
    quoted(KATA, "kata.toml", "RedirectResponse defaults to 307.")
    assert RedirectResponse("/books").status_code == 307


def test_json_response_does_not_encode_datetimes():
    quoted(KATA, "kata.toml", "a datetime in JSONResponse content fails unless you encode it")
    with pytest.raises(TypeError):
        JSONResponse({"at": datetime.datetime(2026, 1, 1)})


def test_html_response_sends_markup_unescaped():
    quoted(KATA, "kata.toml", "HTMLResponse does not escape anything for you.")
    assert HTMLResponse(f"<h1>{SCRIPT}</h1>").body == f"<h1>{SCRIPT}</h1>".encode()


def test_returned_response_is_not_documented_but_response_class_is():
    quoted(KATA, "README.md", "(Returning a `PlainTextResponse` object sends the right bytes but")
    quoted(
        KATA, "kata.toml", "and the OpenAPI document (so Swagger UI and generated clients) shows"
    )
    app = FastAPI()

    @app.get("/returned")
    def returned():
        return PlainTextResponse("ok")

    @app.get("/declared", response_class=PlainTextResponse)
    def declared():
        return "ok"

    with TestClient(app) as client:
        assert client.get("/returned").text == client.get("/declared").text == "ok"
        paths = client.get("/openapi.json").json()["paths"]
    assert list(paths["/returned"]["get"]["responses"]["200"]["content"]) == ["application/json"]
    assert list(paths["/declared"]["get"]["responses"]["200"]["content"]) == ["text/plain"]
