"""The async test has no @pytest.mark.asyncio: in strict mode pytest refuses to run it, so the suite fails."""

import httpx
import pytest
from app import PaymentDeclined, app, get_payment_gateway
from asgi_lifespan import LifespanManager
from fastapi.testclient import TestClient

K_AND_R = "9780131103627"  # 45.99, 3 in stock
FLUENT_PYTHON = "9781492056355"  # 59.99, 10 in stock


class FakeGateway:
    """Stands in for the card processor: records each charge, or declines every card."""

    def __init__(self) -> None:
        self.charges: list[int] = []
        self.decline = False

    async def charge(self, amount_cents: int) -> str:
        if self.decline:
            raise PaymentDeclined()
        self.charges.append(amount_cents)
        return f"ch_test_{len(self.charges)}"


@pytest.fixture
def gateway():
    fake = FakeGateway()
    # Keyed by the dependency function itself; every request now gets the fake.
    app.dependency_overrides[get_payment_gateway] = lambda: fake
    yield fake
    app.dependency_overrides.clear()  # do not leak the fake into other tests


@pytest.fixture
def client(gateway):
    # `with` runs the lifespan: the catalog is loaded, fresh for every test.
    with TestClient(app) as c:
        yield c


def stock_of(client, isbn):
    return client.get(f"/books/{isbn}").json()["stock"]


def test_read_a_book(client):
    r = client.get(f"/books/{K_AND_R}")
    assert r.status_code == 200
    assert r.json() == {
        "isbn": K_AND_R,
        "title": "The C Programming Language",
        "price_cents": 4599,
        "stock": 3,
    }


def test_unknown_book_is_404(client):
    r = client.get("/books/0000000000000")
    assert r.status_code == 404
    assert r.json() == {"detail": "Book not found"}


def test_order_totals_price_times_quantity_and_charges_it(client, gateway):
    r = client.post("/orders", json={"isbn": FLUENT_PYTHON, "quantity": 3})
    assert r.status_code == 201
    assert r.json() == {
        "order_id": 1,
        "isbn": FLUENT_PYTHON,
        "quantity": 3,
        "total_cents": 3 * 5999,
        "charge_id": "ch_test_1",
    }
    assert gateway.charges == [3 * 5999]


def test_order_reduces_the_stock(client):
    client.post("/orders", json={"isbn": K_AND_R, "quantity": 2})
    assert stock_of(client, K_AND_R) == 1


def test_ordering_more_than_the_stock_is_409(client, gateway):
    r = client.post("/orders", json={"isbn": K_AND_R, "quantity": 4})
    assert r.status_code == 409
    assert r.json() == {"detail": "Not enough stock"}
    assert gateway.charges == []
    assert stock_of(client, K_AND_R) == 3


def test_declined_payment_is_402_and_keeps_the_stock(client, gateway):
    gateway.decline = True
    r = client.post("/orders", json={"isbn": K_AND_R, "quantity": 1})
    assert r.status_code == 402
    assert r.json() == {"detail": "Payment declined"}
    assert stock_of(client, K_AND_R) == 3


@pytest.mark.parametrize("quantity", [0, -1])
def test_quantity_below_one_is_422(client, gateway, quantity):
    r = client.post("/orders", json={"isbn": K_AND_R, "quantity": quantity})
    assert r.status_code == 422
    assert gateway.charges == []


async def test_orders_through_the_async_client(gateway):
    # ASGITransport does not run the lifespan: LifespanManager does, and its .app carries the state.
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test"
        ) as ac,
    ):
        first = await ac.post("/orders", json={"isbn": K_AND_R, "quantity": 2})
        second = await ac.post("/orders", json={"isbn": K_AND_R, "quantity": 2})
        book = await ac.get(f"/books/{K_AND_R}")
    assert first.status_code == 201
    assert first.json()["total_cents"] == 2 * 4599
    assert second.status_code == 409  # only one copy left
    assert book.json()["stock"] == 1
    assert gateway.charges == [2 * 4599]
