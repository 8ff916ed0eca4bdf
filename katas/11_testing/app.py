"""Kata 11: the bookshop's order service. This app is correct: do not edit it.

Your job is test_app.py: tests that pass against this app and fail against broken versions of it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, HTTPException, Request, status
from pydantic import BaseModel, Field


class PaymentDeclined(Exception):
    """Raised by a payment gateway when the card is refused."""


class PaymentGateway:
    """The real card processor: a network call to payments.example.com (unreachable from tests)."""

    async def charge(self, amount_cents: int) -> str:
        """Charge `amount_cents`; returns the charge id, or raises PaymentDeclined."""
        raise ConnectionError(
            "payments.example.com is unreachable from tests: override get_payment_gateway"
        )


def get_payment_gateway() -> PaymentGateway:
    return PaymentGateway()


def load_catalog() -> dict[str, dict]:
    """The books and their stock, as the warehouse reports them at startup."""
    return {
        "9780131103627": {"title": "The C Programming Language", "price_cents": 4599, "stock": 3},
        "9781492056355": {"title": "Fluent Python", "price_cents": 5999, "stock": 10},
        "9780262046305": {"title": "Introduction to Algorithms", "price_cents": 9850, "stock": 1},
    }


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Every startup begins with a fresh catalog and no orders.
    app.state.catalog = load_catalog()
    app.state.orders = []
    yield


app = FastAPI(title="Bookshop orders", lifespan=lifespan)


def get_catalog(request: Request) -> dict[str, dict]:
    return request.app.state.catalog


class OrderIn(BaseModel):
    isbn: str
    quantity: int = Field(ge=1, le=10)


@app.get("/books/{isbn}")
async def read_book(isbn: str, catalog: dict = Depends(get_catalog)):
    book = catalog.get(isbn)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    return {"isbn": isbn, **book}


@app.post("/orders", status_code=status.HTTP_201_CREATED)
async def place_order(
    order: OrderIn,
    request: Request,
    catalog: dict = Depends(get_catalog),
    gateway: PaymentGateway = Depends(get_payment_gateway),
):
    book = catalog.get(order.isbn)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    if order.quantity > book["stock"]:
        raise HTTPException(status_code=409, detail="Not enough stock")
    total_cents = book["price_cents"] * order.quantity
    try:
        charge_id = await gateway.charge(total_cents)
    except PaymentDeclined:
        raise HTTPException(status_code=402, detail="Payment declined")
    book["stock"] -= order.quantity  # only once the money is taken
    orders = request.app.state.orders
    placed = {
        "order_id": len(orders) + 1,
        "isbn": order.isbn,
        "quantity": order.quantity,
        "total_cents": total_cents,
        "charge_id": charge_id,
    }
    orders.append(placed)
    return placed
