"""Specs for kata 28, part 1: the API still behaves, the hidden route still answers, and the
interactive docs live where the README says. Reached only through fixtures."""

import random

import pytest


@pytest.fixture
def items(kata_module):
    """Random stock items with non-consecutive ids, written into the module's ITEMS."""
    ids = sorted(random.sample(range(3, 9000), 4))
    records = {
        i: {
            "id": i,
            "sku": f"SKU-{i}-{random.randrange(1000)}",
            "name": f"Part {i}",
            "quantity": random.randrange(0, 999),
        }
        for i in ids
    }
    kata_module.ITEMS.clear()
    kata_module.ITEMS.update({i: dict(r) for i, r in records.items()})
    return records


async def test_read_item(client, items):
    item_id = random.choice(list(items))
    r = await client.get(f"/items/{item_id}")
    assert r.status_code == 200 and r.json() == items[item_id], (
        f"GET /items/{item_id} returned {r.status_code} {r.text[:200]}; expected 200 with "
        f"{items[item_id]}. Documenting the API must not change what it does."
    )


async def test_unknown_item_is_404(client, items):
    missing = max(items) + random.randrange(1, 100)
    r = await client.get(f"/items/{missing}")
    assert r.status_code == 404 and r.json() == {"detail": "Item not found"}, (
        f"GET /items/{missing} returned {r.status_code} {r.text[:200]}; expected 404 "
        "{'detail': 'Item not found'}"
    )


async def test_create_item_and_duplicate_sku(client, kata_module, items):
    body = {"sku": f"WASHER-{random.randrange(10_000)}", "name": "Washer", "quantity": 12}
    r = await client.post("/items", json=body)
    want = {"id": max(items) + 1, **body}
    assert r.status_code == 201 and r.json() == want, (
        f"POST /items with {body} returned {r.status_code} {r.text[:200]}; expected 201 with {want}"
    )
    r = await client.post("/items", json=body)
    assert r.status_code == 409 and r.json() == {"detail": "SKU already exists"}, (
        f"a second POST /items with the same sku returned {r.status_code} {r.text[:200]}; "
        "expected 409 {'detail': 'SKU already exists'}"
    )


async def test_list_suppliers(client, kata_module):
    suppliers = [{"id": random.randrange(1, 99), "name": "Bolt & Co", "country": "NL"}]
    kata_module.SUPPLIERS[:] = suppliers
    r = await client.get("/suppliers")
    assert r.status_code == 200 and r.json() == suppliers, (
        f"GET /suppliers returned {r.status_code} {r.text[:200]}; expected 200 with {suppliers}"
    )


async def test_hidden_route_still_answers(client, items):
    r = await client.get("/internal/metrics")
    assert r.status_code == 200 and r.json() == {"item_count": len(items)}, (
        f"GET /internal/metrics returned {r.status_code} {r.text[:200]}; expected 200 "
        f"{{'item_count': {len(items)}}}. include_in_schema=False hides a route from the "
        "document; it does not remove it."
    )


async def test_swagger_ui_is_served_at_api_docs(client):
    r = await client.get("/api/docs")
    assert r.status_code == 200, (
        f"GET /api/docs returned {r.status_code}; expected Swagger UI there. "
        "FastAPI(docs_url='/api/docs') moves it."
    )
    assert "text/html" in r.headers.get("content-type", ""), (
        f"GET /api/docs answered with content-type {r.headers.get('content-type')!r}; expected "
        "the Swagger UI HTML page"
    )
    assert "swagger" in r.text.lower() and "/openapi.json" in r.text, (
        "GET /api/docs is HTML but not Swagger UI pointing at /openapi.json: keep FastAPI's own "
        "docs page and the default openapi_url"
    )


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/docs", "Swagger UI moved to /api/docs, so nothing is served at the default /docs"),
        ("/redoc", "ReDoc is turned off: FastAPI(redoc_url=None)"),
    ],
)
async def test_default_docs_urls_are_gone(client, path, why):
    r = await client.get(path)
    assert r.status_code == 404, f"GET {path} returned {r.status_code}; expected 404: {why}"


async def test_openapi_document_is_served(client):
    r = await client.get("/openapi.json")
    assert r.status_code == 200 and r.json().get("openapi", "").startswith("3."), (
        f"GET /openapi.json returned {r.status_code} {r.text[:200]}; expected the OpenAPI "
        "document there (keep the default openapi_url)"
    )
