"""Specs for kata 22: a per-client, per-route-group rate limiter with an overridable clock.

No spec sleeps: each one replaces the app's clock (get_now) with a FakeClock and moves it.
"""

import math
import random
import uuid
from contextlib import asynccontextmanager

import httpx
import pytest


class FakeClock:
    """Stands in for get_now: returns a time the spec controls."""

    def __init__(self) -> None:
        self.now = random.uniform(10_000.0, 1_000_000.0)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(app, kata_module) -> FakeClock:
    get_now = getattr(kata_module, "get_now", None)
    if get_now is None:
        pytest.fail("app.py has no get_now(): the limiter must read the time from Depends(get_now)")
    fake = FakeClock()
    app.dependency_overrides[get_now] = fake
    return fake


@pytest.fixture
def shop(kata_module, clock):
    """Random books, keys and limits written into the module, read by the app per request."""
    rng = random.Random()
    book_ids = rng.sample(range(10, 100_000), 4)
    kata_module.BOOKS.clear()
    kata_module.BOOKS.update(
        {
            i: {"id": i, "title": f"book {i}", "price": rng.randrange(100, 5000) / 100}
            for i in book_ids
        }
    )
    kata_module.ORDERS.clear()
    keys = [f"partner-{uuid.uuid4().hex[:8]}" for _ in range(3)]
    kata_module.API_KEYS.clear()
    kata_module.API_KEYS.update(keys)
    catalog = (rng.randrange(3, 7), float(rng.randrange(20, 90)))
    orders = (rng.randrange(2, 4), float(rng.randrange(20, 90)))
    kata_module.LIMITS["catalog"] = catalog
    kata_module.LIMITS["orders"] = orders
    return {"book_ids": book_ids, "keys": keys, "catalog": catalog, "orders": orders}


@asynccontextmanager
async def client_at(app, ip: str):
    """A client whose requests come from `ip` (request.client.host)."""
    transport = httpx.ASGITransport(app=app, client=(ip, 51000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


def random_ip() -> str:
    return f"203.0.113.{random.randrange(1, 255)}"


def remaining(r: httpx.Response) -> str | None:
    return r.headers.get("x-ratelimit-remaining")


async def use_up(c: httpx.AsyncClient, count: int, url: str = "/books", **kwargs) -> None:
    """Spend `count` requests of a budget, each expected to pass."""
    for i in range(count):
        r = await c.get(url, **kwargs)
        assert r.status_code == 200, (
            f"request {i + 1} of {count} to GET {url} returned {r.status_code} {r.text}; the limit "
            f"allows {count}. Read the limit from LIMITS at request time."
        )


def assert_limited(r: httpx.Response, what: str) -> None:
    assert r.status_code == 429, (
        f"{what} returned {r.status_code}; expected 429 because the client used up its budget"
    )
    assert r.json() == {"detail": "Rate limit exceeded"}, (
        f"{what}: the 429 body was {r.text}; expected {{'detail': 'Rate limit exceeded'}}"
    )


# --- counting -----------------------------------------------------------------------------------


async def test_health_is_not_limited(client, shop):
    limit, _ = shop["catalog"]
    for _ in range(3 * limit):
        r = await client.get("/health")
        assert r.status_code == 200, (
            f"GET /health returned {r.status_code}; health checks must never be rate limited"
        )


async def test_requests_within_the_limit_count_down(client, shop):
    limit, _ = shop["catalog"]
    for i in range(limit):
        r = await client.get("/books")
        assert r.status_code == 200, (
            f"request {i + 1} of {limit} (LIMITS['catalog'] allows {limit}) returned "
            f"{r.status_code} {r.text}"
        )
        assert remaining(r) == str(limit - i - 1), (
            f"request {i + 1} of {limit} answered X-RateLimit-Remaining {remaining(r)!r}, "
            f"expected '{limit - i - 1}' (requests left in the window after this one). Your limiter "
            "dependency can take `response: Response` and set response.headers[...]."
        )


async def test_request_over_the_limit_is_429_with_retry_after(client, clock, shop):
    limit, window = shop["catalog"]
    await use_up(client, limit)
    waited = random.uniform(1.0, window - 2.0)
    clock.advance(waited)
    r = await client.get("/books")
    assert_limited(r, f"request {limit + 1} with a limit of {limit}")
    expected = str(math.ceil(window - waited))
    got = r.headers.get("retry-after")
    assert got is not None, (
        "the 429 has no Retry-After header: pass headers={'Retry-After': ..., "
        "'X-RateLimit-Remaining': '0'} to the HTTPException"
    )
    assert got == expected, (
        f"the window of {window} s opened {waited:.2f} s ago, so Retry-After should be {expected} "
        f"(whole seconds left, rounded up with math.ceil); it was {got!r}. Is the time read from "
        "Depends(get_now), and does the window start at the client's first request?"
    )
    assert remaining(r) == "0", f"the 429 answered X-RateLimit-Remaining {remaining(r)!r}, not '0'"


async def test_retry_after_rounds_up_near_the_end(client, clock, shop):
    limit, window = shop["catalog"]
    await use_up(client, limit)
    clock.advance(window - 0.3)
    r = await client.get("/books")
    assert_limited(r, f"a request 0.3 s before the {window} s window ends")
    assert r.headers.get("retry-after") == "1", (
        f"0.3 s before the window ends Retry-After was {r.headers.get('retry-after')!r}; "
        "expected '1': round up (math.ceil), a Retry-After of 0 invites an instant retry."
    )


async def test_window_reopens_after_window_seconds(client, clock, shop):
    limit, window = shop["catalog"]
    await use_up(client, limit)
    clock.advance(window)
    r = await client.get("/books")
    assert r.status_code == 200, (
        f"{window} s after the window opened (its full length), GET /books returned "
        f"{r.status_code}; a new window should open. Is the time read from Depends(get_now)?"
    )
    assert remaining(r) == str(limit - 1), (
        f"the first request of a new window answered X-RateLimit-Remaining {remaining(r)!r}, "
        f"expected '{limit - 1}'"
    )


async def test_rejected_requests_do_not_extend_the_window(client, clock, shop):
    limit, window = shop["catalog"]
    opened = clock.now
    await use_up(client, limit)
    # A client that keeps retrying while limited must still get in when its window ends.
    for fraction in (0.25, 0.5, 0.75, 0.95):
        clock.now = opened + window * fraction
        r = await client.get("/books")
        assert r.status_code == 429, (
            f"a retry {window * fraction:.1f} s into a used-up {window} s window returned "
            f"{r.status_code}, expected 429"
        )
    clock.now = opened + window
    r = await client.get("/books")
    assert r.status_code == 200, (
        f"after retrying while limited, a request {window} s after the window opened returned "
        f"{r.status_code}; the window is fixed from its first request: rejected requests must "
        "neither count nor move its start."
    )


# --- route groups -------------------------------------------------------------------------------


async def test_catalog_routes_share_one_budget(client, shop):
    limit, _ = shop["catalog"]
    urls = [
        "/books" if i % 2 else f"/books/{random.choice(shop['book_ids'])}" for i in range(limit)
    ]
    for url in urls:
        r = await client.get(url)
        assert r.status_code == 200, f"GET {url} within the catalog budget returned {r.status_code}"
    book_url = f"/books/{shop['book_ids'][0]}"
    for url in ("/books", book_url):
        r = await client.get(url)
        assert r.status_code == 429, (
            f"after {limit} requests spread over GET /books and GET /books/{{id}}, GET {url} "
            f"returned {r.status_code}; both routes are the 'catalog' group and share one budget."
        )


async def test_route_groups_have_separate_budgets(client, kata_module, shop):
    catalog_limit, _ = shop["catalog"]
    orders_limit, _ = shop["orders"]
    await use_up(client, catalog_limit)
    for i in range(orders_limit):
        r = await client.post("/orders", json={"book_id": shop["book_ids"][i % 4]})
        assert r.status_code == 201, (
            f"POST /orders number {i + 1} (orders allows {orders_limit}) returned "
            f"{r.status_code} {r.text} after the catalog budget was used up; each route group "
            "has its own budget (one limiter per group, reading LIMITS[group])."
        )
        assert remaining(r) == str(orders_limit - i - 1), (
            f"POST /orders number {i + 1} answered X-RateLimit-Remaining {remaining(r)!r}, "
            f"expected '{orders_limit - i - 1}' from LIMITS['orders'] = {shop['orders']}"
        )
    r = await client.post("/orders", json={"book_id": shop["book_ids"][0]})
    assert_limited(r, f"POST /orders number {orders_limit + 1}")
    assert len(kata_module.ORDERS) == orders_limit, (
        f"ORDERS holds {len(kata_module.ORDERS)} orders after {orders_limit} accepted and one "
        "refused: a limited request must be stopped before the route runs."
    )


# --- who is a client ----------------------------------------------------------------------------


async def test_each_ip_has_its_own_budget(app, clock, shop):
    limit, _ = shop["catalog"]
    first, second = random.sample([f"198.51.100.{i}" for i in range(1, 255)], 2)
    async with client_at(app, first) as a, client_at(app, second) as b:
        await use_up(a, limit)
        r = await b.get("/books")
        assert r.status_code == 200 and remaining(r) == str(limit - 1), (
            f"after {first} used its {limit} requests, the first request from {second} returned "
            f"{r.status_code} with X-RateLimit-Remaining {remaining(r)!r}; without an API key "
            "each IP (request.client.host) has its own budget."
        )
        assert (await a.get("/books")).status_code == 429, f"{first} should still be limited"


async def test_api_key_gets_its_own_budget(app, clock, shop):
    limit, _ = shop["catalog"]
    ip = random_ip()
    key = shop["keys"][0]
    async with client_at(app, ip) as c:
        await use_up(c, limit)
        r = await c.get("/books", headers={"X-API-Key": key})
        assert r.status_code == 200 and remaining(r) == str(limit - 1), (
            f"from {ip}, whose anonymous budget is used up, a request with the known key {key} "
            f"returned {r.status_code} with X-RateLimit-Remaining {remaining(r)!r}; a known "
            "API key is a client of its own."
        )


async def test_two_keys_behind_one_ip_are_separate(app, clock, shop):
    limit, _ = shop["catalog"]
    first, second = shop["keys"][:2]
    async with client_at(app, random_ip()) as c:
        await use_up(c, limit, headers={"X-API-Key": first})
        r = await c.get("/books", headers={"X-API-Key": second})
        assert r.status_code == 200, (
            f"two partners behind one office IP: after key {first} used its {limit} requests, "
            f"key {second} got {r.status_code}. Identify a request by its key when it has a "
            "known one, not by its IP."
        )


async def test_one_key_from_two_ips_shares_a_budget(app, clock, shop):
    limit, _ = shop["catalog"]
    key = shop["keys"][2]
    first, second = random.sample([f"192.0.2.{i}" for i in range(1, 255)], 2)
    async with client_at(app, first) as a, client_at(app, second) as b:
        await use_up(a, limit, headers={"X-API-Key": key})
        r = await b.get("/books", headers={"X-API-Key": key})
        assert r.status_code == 429, (
            f"key {key} used its {limit} requests from {first}, then got {r.status_code} from "
            f"{second}; the key is the client, wherever it connects from. Do not combine key and IP."
        )


async def test_made_up_keys_count_against_the_ip(app, clock, shop):
    limit, _ = shop["catalog"]
    ip = random_ip()
    async with client_at(app, ip) as c:
        for i in range(limit):
            r = await c.get("/books", headers={"X-API-Key": f"fake-{uuid.uuid4().hex}"})
            assert r.status_code == 200, (
                f"request {i + 1} with a made-up key returned {r.status_code}"
            )
        r = await c.get("/books", headers={"X-API-Key": f"fake-{uuid.uuid4().hex}"})
        assert r.status_code == 429, (
            f"{limit + 1} requests from {ip}, each with a new made-up X-API-Key, all passed: "
            "anyone could dodge the limit by inventing keys. Only keys in API_KEYS identify a "
            "client; any other request is limited by its IP."
        )
