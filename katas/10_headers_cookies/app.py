"""Kata 10: headers and cookies. Edit this file until `python -m checker check 10` passes.

The README next to this file is the contract. CARTS stands in for a database: the specs write
their own carts into it and read it back, so use it inside your handlers, at request time.
"""

import secrets

from fastapi import FastAPI
from pydantic import BaseModel, Field

app = FastAPI(title="Bookshop storefront")

# cart id -> the cart's line items, in the order they were added
CARTS: dict[str, list[dict]] = {}


class LineItem(BaseModel):
    isbn: str
    quantity: int = Field(ge=1)


def new_cart_id() -> str:
    return secrets.token_urlsafe(16)


# --- support diagnostics: what did the server receive? -------------------------------------------


@app.api_route("/diagnostics", methods=["GET", "POST"])
def diagnostics(
    user_agent: str | None = None,
    x_client_version: str | None = None,
):
    return {
        "method": "GET",
        "client_host": None,
        "query": {},
        "user_agent": user_agent,
        "client_version": x_client_version,
        "experiments": [],
    }


# --- the cart: v1 passed its id in the query string and the body ----------------------------------


@app.post("/cart/items", status_code=201)
def add_item(item: LineItem, cart_id: str | None = None):
    if cart_id is None or cart_id not in CARTS:
        cart_id = new_cart_id()
        CARTS[cart_id] = []
    CARTS[cart_id].append(item.model_dump())
    return {"cart_id": cart_id, "items": CARTS[cart_id]}


@app.get("/cart")
def read_cart(cart_id: str | None = None):
    return {"items": CARTS.get(cart_id, []) if cart_id else []}


@app.delete("/cart", status_code=204)
def delete_cart(cart_id: str | None = None):
    if cart_id:
        CARTS.pop(cart_id, None)
