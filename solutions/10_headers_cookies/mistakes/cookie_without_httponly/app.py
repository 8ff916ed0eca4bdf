"""The cart cookie is set without httponly, so page scripts (and any XSS payload) can read it."""

import secrets
import uuid

from fastapi import Cookie, FastAPI, Header, Request, Response
from pydantic import BaseModel, Field

app = FastAPI(title="Bookshop storefront")

# cart id -> the cart's line items, in the order they were added
CARTS: dict[str, list[dict]] = {}

CART_COOKIE = "cart_id"
CART_MAX_AGE = 7 * 24 * 60 * 60  # a week, in seconds


class LineItem(BaseModel):
    isbn: str
    quantity: int = Field(ge=1)


def new_cart_id() -> str:
    return secrets.token_urlsafe(16)


# --- support diagnostics: what did the server receive? -------------------------------------------


@app.api_route("/diagnostics", methods=["GET", "POST"])
def diagnostics(
    request: Request,
    response: Response,
    # Header() reads a header; user_agent becomes User-Agent, x_client_version X-Client-Version.
    user_agent: str | None = Header(default=None),
    x_client_version: str | None = Header(default=None),
    x_request_id: str | None = Header(default=None),
    # A list type collects every X-Experiment line the client sent, in order.
    x_experiment: list[str] = Header(default=[]),
):
    # Headers set on the injected Response are merged into the response FastAPI builds.
    response.headers["X-Request-ID"] = x_request_id or uuid.uuid4().hex
    # Method, client address and arbitrary query names have no fixed shape: read them from Request.
    return {
        "method": request.method,
        "client_host": request.client.host if request.client else None,
        "query": dict(request.query_params),
        "user_agent": user_agent,
        "client_version": x_client_version,
        "experiments": x_experiment,
    }


# --- the cart, identified by a cookie --------------------------------------------------------------


@app.post("/cart/items", status_code=201)
def add_item(item: LineItem, response: Response, cart_id: str | None = Cookie(default=None)):
    if cart_id is None or cart_id not in CARTS:
        # Never adopt an id the client made up: start a cart with an id of our own.
        cart_id = new_cart_id()
        CARTS[cart_id] = []
        response.set_cookie(CART_COOKIE, cart_id, max_age=CART_MAX_AGE)
    CARTS[cart_id].append(item.model_dump())
    return {"items": CARTS[cart_id]}


@app.get("/cart")
def read_cart(cart_id: str | None = Cookie(default=None)):
    return {"items": CARTS.get(cart_id, []) if cart_id else []}


@app.delete("/cart", status_code=204)
def delete_cart(response: Response, cart_id: str | None = Cookie(default=None)) -> None:
    if cart_id:
        CARTS.pop(cart_id, None)
    # Deleting a cookie is setting it expired, with the same name, path and flags.
    response.delete_cookie(CART_COOKIE)
