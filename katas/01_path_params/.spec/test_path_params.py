"""Specs for kata 01: path parameters and route order. They reach the app only through fixtures."""

import random

import pytest

STATUSES = ("pending", "shipped", "delivered")


@pytest.fixture
def seeded(kata_module):
    """Random users and orders, written into the module's own containers."""
    rng = random.Random()
    ids = rng.sample(range(2, 10_000), 5)
    users = {i: {"id": i, "name": f"user-{rng.randrange(1_000_000)}"} for i in ids}
    orders = [{"id": rng.randrange(1, 10**6), "status": rng.choice(STATUSES)} for _ in range(12)]
    kata_module.USERS.clear()
    kata_module.USERS.update(users)
    kata_module.ORDERS[:] = orders
    kata_module.CURRENT_USER_ID = ids[2]
    return users, orders, ids[2]


async def test_user_by_id_returns_that_user(client, seeded):
    users, _, _ = seeded
    for user_id, user in users.items():
        r = await client.get(f"/users/{user_id}")
        assert r.status_code == 200, (
            f"GET /users/{user_id} returned {r.status_code} {r.text}; expected 200 with that user. "
            "Is user_id converted to an int before the USERS lookup?"
        )
        assert r.json() == user, f"GET /users/{user_id} returned {r.json()}, expected {user}"


async def test_unknown_user_is_404(client, seeded):
    users, _, _ = seeded
    missing = max(users) + random.randrange(1, 1000)
    r = await client.get(f"/users/{missing}")
    assert r.status_code == 404, (
        f"GET /users/{missing} (no such user) returned {r.status_code}, expected 404"
    )
    assert r.json() == {"detail": "User not found"}, (
        f"GET /users/{missing} body was {r.json()}; expected {{'detail': 'User not found'}}"
    )


@pytest.mark.parametrize("bad", ["abc", "1.5", "ten"])
async def test_user_id_that_is_not_an_integer_is_422(client, seeded, bad):
    r = await client.get(f"/users/{bad}")
    assert r.status_code == 422, (
        f"GET /users/{bad} returned {r.status_code}; expected 422. Annotate user_id as int so "
        "FastAPI validates it instead of looking up the raw string."
    )


@pytest.mark.parametrize("bad", ["0", "-7"])
async def test_user_id_below_one_is_422(client, seeded, bad):
    r = await client.get(f"/users/{bad}")
    assert r.status_code == 422, (
        f"GET /users/{bad} returned {r.status_code}; expected 422 because ids start at 1. "
        "A bound such as Path(ge=1) makes FastAPI reject it."
    )


async def test_users_me_returns_the_current_user(client, seeded):
    users, _, current = seeded
    r = await client.get("/users/me")
    assert r.status_code == 200, (
        f"GET /users/me returned {r.status_code} {r.text}: was it matched by /users/{{user_id}}? "
        "Routes match in declaration order, so declare /users/me first."
    )
    assert r.json() == users[current], (
        f"GET /users/me returned {r.json()}, expected USERS[CURRENT_USER_ID] = {users[current]}. "
        "Read CURRENT_USER_ID and USERS inside the handler."
    )


@pytest.mark.parametrize("status", STATUSES)
async def test_orders_by_status_lists_matching_ids_in_order(client, seeded, status):
    _, orders, _ = seeded
    expected = [o["id"] for o in orders if o["status"] == status]
    r = await client.get(f"/orders/{status}")
    assert r.status_code == 200, f"GET /orders/{status} returned {r.status_code} {r.text}"
    assert r.json() == {"status": status, "order_ids": expected}, (
        f"GET /orders/{status} returned {r.json()}; expected the ids of the ORDERS with that "
        f"status, in ORDERS order: {expected}. With an Enum, compare order['status'] to "
        "status.value (or use a str Enum)."
    )


@pytest.mark.parametrize("status", ["lost", "PENDING", "returned"])
async def test_unknown_order_status_is_422(client, seeded, status):
    r = await client.get(f"/orders/{status}")
    assert r.status_code == 422, (
        f"GET /orders/{status} returned {r.status_code}; expected 422 because the status is not "
        "one of pending, shipped, delivered. An Enum-typed parameter rejects it for you."
    )


async def test_openapi_lists_the_order_statuses(client):
    r = await client.get("/openapi.json")
    assert r.status_code == 200, f"GET /openapi.json returned {r.status_code}"
    document = r.json()
    operation = document.get("paths", {}).get("/orders/{status}", {}).get("get")
    assert operation, "OpenAPI has no GET /orders/{status}: is the route declared with that path?"
    params = [p for p in operation.get("parameters", []) if p.get("name") == "status"]
    assert params, "OpenAPI shows no `status` parameter for GET /orders/{status}"
    schema = params[0].get("schema", {})
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
    assert sorted(schema.get("enum", [])) == sorted(STATUSES), (
        f"the `status` parameter's schema is {schema}; it should be an enum of {list(STATUSES)}. "
        "Type the parameter with an Enum class."
    )


async def test_file_path_may_contain_slashes(client):
    path = f"docs/{random.randrange(2000, 2100)}/report-{random.randrange(1000)}.txt"
    r = await client.get(f"/files/{path}")
    assert r.status_code == 200, (
        f"GET /files/{path} returned {r.status_code}: a plain {{file_path}} matches one segment "
        "only. Use the path converter: /files/{file_path:path}."
    )
    assert r.json() == {"file_path": path}, f"GET /files/{path} returned {r.json()}"


async def test_single_segment_file_path(client):
    r = await client.get("/files/notes.md")
    assert r.status_code == 200 and r.json() == {"file_path": "notes.md"}, (
        f"GET /files/notes.md returned {r.status_code} {r.text}; expected {{'file_path': 'notes.md'}}"
    )
