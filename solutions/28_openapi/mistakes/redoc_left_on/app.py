"""Swagger UI is moved to /api/docs but ReDoc is left on at /redoc."""

from fastapi import FastAPI, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field

TAGS = [
    {"name": "items", "description": "Stock items: look one up or add a new one."},
    {"name": "suppliers", "description": "The companies we buy stock from."},
]

app = FastAPI(
    title="Warehouse inventory",
    version="2.1.0",
    openapi_tags=TAGS,
    docs_url="/api/docs",
)

ITEMS: dict[int, dict] = {
    1: {"id": 1, "sku": "BOLT-M8", "name": "M8 hex bolt", "quantity": 500},
    2: {"id": 2, "sku": "NUT-M8", "name": "M8 nut", "quantity": 740},
}
SUPPLIERS: list[dict] = [{"id": 1, "name": "Acme Fasteners", "country": "DE"}]


class ItemIn(BaseModel):
    # Schema-level examples: shown in Swagger UI as the request body to try.
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"sku": "WASHER-M8", "name": "M8 washer", "quantity": 1200}]
        }
    )

    sku: str
    name: str
    quantity: int = Field(ge=0, description="Units on the shelf")


class Item(ItemIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"id": 3, "sku": "WASHER-M8", "name": "M8 washer", "quantity": 1200}]
        }
    )

    id: int


class Supplier(BaseModel):
    id: int
    name: str
    country: str


class Message(BaseModel):
    detail: str


@app.get(
    "/items/{item_id}",
    tags=["items"],
    summary="Get one stock item",
    response_model=Item,
    responses={404: {"model": Message, "description": "Item not found"}},
)
def read_item(item_id: int = Path(ge=1)):
    """Returns one stock item by its id."""
    item = ITEMS.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return item


@app.post(
    "/items",
    tags=["items"],
    summary="Add a stock item",
    description="Creates an item with the next free id. The SKU must be new.",
    status_code=201,
    response_model=Item,
    responses={409: {"model": Message, "description": "SKU already exists"}},
)
def create_item(item: ItemIn):
    if any(existing["sku"] == item.sku for existing in ITEMS.values()):
        raise HTTPException(status_code=409, detail="SKU already exists")
    item_id = max(ITEMS, default=0) + 1
    ITEMS[item_id] = {"id": item_id, **item.model_dump()}
    return ITEMS[item_id]


@app.get("/suppliers", tags=["suppliers"], summary="List suppliers", response_model=list[Supplier])
def list_suppliers():
    return SUPPLIERS


# Works, but is not part of the public contract, so it stays out of the OpenAPI document.
@app.get("/internal/metrics", include_in_schema=False)
def metrics():
    return {"item_count": len(ITEMS)}
