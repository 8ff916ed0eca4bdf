"""Kata 28: what FastAPI 0.165 puts in the OpenAPI document, and where the docs pages come from."""

from __future__ import annotations

import pytest
from fastapi import FastAPI, HTTPException
from fastapi.testclient import TestClient
from pydantic import BaseModel

from tests.claims.quote import quoted

KATA = "28_openapi"


class Message(BaseModel):
    detail: str


class ItemIn(BaseModel):
    sku: str


def document_app(**app_kwargs) -> FastAPI:
    app = FastAPI(**app_kwargs)

    @app.get("/suppliers")
    def list_suppliers():
        return []

    @app.get("/items/{item_id}", responses={404: {"model": Message, "description": "Not found"}})
    def read_item(item_id: int):
        raise HTTPException(404, "Item not found")

    @app.post("/items", responses={409: {"description": "SKU already exists"}})
    def add_item(item: ItemIn):
        return item

    raw = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}

    @app.delete(
        "/items/{item_id}",
        responses={404: {"description": "Gone", "content": {"application/json": {"schema": raw}}}},
    )
    def delete_item(item_id: int):
        return None

    @app.get("/internal/metrics", include_in_schema=False)
    def metrics():
        return {"item_count": 0}

    return app


@pytest.fixture(scope="module")
def document():
    with TestClient(document_app()) as client:
        return client.get("/openapi.json").json()


def test_422_only_on_operations_with_parameters_or_a_body(document):
    quoted(KATA, "kata.toml", "plus a 422 validation error on every operation that has parameters")
    quoted(KATA, "kata.toml", "on operations with parameters or a body, the 422")
    paths = document["paths"]
    assert "422" not in paths["/suppliers"]["get"]["responses"]
    assert "422" in paths["/items/{item_id}"]["get"]["responses"]
    assert "422" in paths["/items"]["post"]["responses"]


def test_error_body_schema_from_a_model_or_a_raw_schema_not_from_a_description(document):
    quoted(KATA, "kata.toml", "or from a raw JSON Schema under 'content'")
    quoted(KATA, "kata.toml", "a description alone documents the status but no body")
    items = document["paths"]["/items/{item_id}"]
    modelled = items["get"]["responses"]["404"]["content"]["application/json"]["schema"]
    assert modelled == {"$ref": "#/components/schemas/Message"}
    raw = items["delete"]["responses"]["404"]["content"]["application/json"]["schema"]
    assert raw["required"] == ["detail"]
    assert "content" not in document["paths"]["/items"]["post"]["responses"]["409"]


def test_declaring_other_errors_keeps_the_generated_422(document):
    quoted(KATA, "kata.toml", "Declaring other errors does not remove the generated 422")
    assert "422" in document["paths"]["/items/{item_id}"]["get"]["responses"]


@pytest.mark.parametrize("key", ["422", "4XX", "default"])
def test_only_422_4xx_or_default_replace_the_generated_422(key):
    quoted(KATA, "kata.toml", "only a 422, '4XX' or 'default' entry of your own replaces it")
    app = FastAPI()

    @app.get("/items/{item_id}", responses={key: {"description": "Mine"}})
    def read_item(item_id: int):
        return {}

    responses = app.openapi()["paths"]["/items/{item_id}"]["get"]["responses"]
    assert responses[key]["description"] == "Mine"
    assert key == "422" or "422" not in responses


def test_document_is_openapi_31_cached_and_hides_excluded_routes():
    quoted(KATA, "kata.toml", "builds an OpenAPI 3.1 document")
    quoted(KATA, "kata.toml", "It caches the result on app.openapi_schema.")
    quoted(KATA, "kata.toml", "removes it from the document while it keeps answering")
    app = document_app()
    assert app.openapi_schema is None
    document = app.openapi()
    assert document["openapi"].startswith("3.1.")
    assert app.openapi() is document is app.openapi_schema
    assert "/internal/metrics" not in document["paths"]
    with TestClient(app) as client:
        assert client.get("/internal/metrics").json() == {"item_count": 0}


def test_default_summary_is_the_function_name_in_words(document):
    quoted(KATA, "kata.toml", "otherwise the function name turned into words ('Read Item')")
    assert document["paths"]["/items/{item_id}"]["get"]["summary"] == "Read Item"


def test_docs_pages_load_from_a_cdn_and_openapi_url_none_disables_all_three():
    quoted(KATA, "kata.toml", "load Swagger UI or ReDoc from a CDN and point them at openapi_url")
    quoted(KATA, "kata.toml", "openapi_url=None disables all three")
    with TestClient(document_app()) as client:
        assert "cdn.jsdelivr.net/npm/swagger-ui-dist" in client.get("/docs").text
        assert "cdn.jsdelivr.net/npm/redoc" in client.get("/redoc").text
    with TestClient(document_app(openapi_url=None)) as client:
        assert [client.get(p).status_code for p in ("/openapi.json", "/docs", "/redoc")] == [
            404
        ] * 3
