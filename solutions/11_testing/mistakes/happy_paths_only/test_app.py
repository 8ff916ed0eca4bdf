"""Only the happy paths are tested: no 404, 409, 402 or 422 case, so their bugs go unnoticed."""

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


@pytest.mark.asyncio
async def test_orders_through_the_async_client(gateway):
    # ASGITransport does not run the lifespan: LifespanManager does, and its .app carries the state.
    async with (
        LifespanManager(app) as manager,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=manager.app), base_url="http://test"
        ) as ac,
    ):
        first = await ac.post("/orders", json={"isbn": K_AND_R, "quantity": 2})
        book = await ac.get(f"/books/{K_AND_R}")
    assert first.status_code == 201
    assert first.json()["total_cents"] == 2 * 4599
    assert book.json()["stock"] == 1
    assert gateway.charges == [2 * 4599]
