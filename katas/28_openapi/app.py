"""Kata 28: the OpenAPI document. Edit this file until `python -m checker check 28` passes.

The README next to this file is the contract. ITEMS and SUPPLIERS stand in for a database: the
specs replace their contents, so read them inside your handlers.
"""

from fastapi import FastAPI, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field

# The API works, but its documentation is bare: no tag descriptions, no summaries, no documented
# errors, no examples, an internal route on show, and the docs at FastAPI's default URLs.
app = FastAPI(title="Warehouse inventory", version="2.1.0")

ITEMS: dict[int, dict] = {
    1: {"id": 1, "sku": "BOLT-M8", "name": "M8 hex bolt", "quantity": 500},
    2: {"id": 2, "sku": "NUT-M8", "name": "M8 nut", "quantity": 740},
}
SUPPLIERS: list[dict] = [{"id": 1, "name": "Acme Fasteners", "country": "DE"}]


class ItemIn(BaseModel):
    sku: str
    name: str
    quantity: int = Field(ge=0)


class Item(ItemIn):
    id: int


class Supplier(BaseModel):
    id: int
    name: str
    country: str


@app.get("/items/{item_id}", response_model=Item)
def read_item(item_id: int = Path(ge=1)):
    item = ITEMS.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="Item not found")
    return item


@app.post("/items", status_code=201, response_model=Item)
def create_item(item: ItemIn):
    if any(existing["sku"] == item.sku for existing in ITEMS.values()):
        raise HTTPException(status_code=409, detail="SKU already exists")
    item_id = max(ITEMS, default=0) + 1
    ITEMS[item_id] = {"id": item_id, **item.model_dump()}
    return ITEMS[item_id]


@app.get("/suppliers", response_model=list[Supplier])
def list_suppliers():
    return SUPPLIERS


@app.get("/internal/metrics")
def metrics():
    return {"item_count": len(ITEMS)}
