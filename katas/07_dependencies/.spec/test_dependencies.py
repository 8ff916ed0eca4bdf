"""Specs for kata 07: dependency injection. They reach the app only through fixtures.

Most specs replace get_db with a counting function that returns a Database over records generated
here, so a route that opens its own Database() (or hard-codes an answer) shows up at once.
"""

import random
import secrets
from types import SimpleNamespace

import pytest

GEAR = ["Tent", "Stove", "Headlamp", "Rope", "Kayak", "Compass", "Tarp", "Canteen", "Axe", "Map"]


def module_name(kata_module, name):
    """A module-level name the README promises, or a failure that says which one is missing."""
    value = getattr(kata_module, name, None)
    assert value is not None, f"app.py has no module-level `{name}`; the README asks for one."
    return value


async def call(client, method, url, **kwargs):
    """client.request, but an exception escaping the app becomes a failure that names the route."""
    try:
        return await client.request(method, url, **kwargs)
    except Exception as exc:
        pytest.fail(
            f"{method} {url} raised {type(exc).__name__}: {exc} inside the app instead of "
            "answering. Let FastAPI parse and validate the input (typed parameters, Query(), "
            "Header()) rather than converting it by hand."
        )


@pytest.fixture
def db(kata_module, app):
    """Random users and items behind an overridden get_db that counts its runs."""
    rng = random.Random()
    names = [f"member{n}" for n in rng.sample(range(100, 1000), 5)]
    users = {name: {"name": name, "full_name": name.title()} for name in names}
    # The last member owns nothing, so "no items" is tested too.
    owners = names[:-1]
    ids = rng.sample(range(1000, 100_000), rng.randrange(25, 45))
    items = [{"id": i, "name": rng.choice(GEAR), "owner": rng.choice(owners)} for i in ids]
    runs = []

    def counting_get_db():
        runs.append(1)
        return kata_module.Database(items=items, users=users)

    app.dependency_overrides[module_name(kata_module, "get_db")] = counting_get_db
    return SimpleNamespace(items=items, users=users, names=names, runs=runs)


# --- get_db and Pagination on GET /items -------------------------------------------------------


async def test_items_come_from_get_db_with_default_pagination(client, kata_module, db):
    r = await call(client, "GET", "/items")
    assert r.status_code == 200, f"GET /items returned {r.status_code} {r.text}; expected 200"
    body = r.json()
    if body.get("items") == kata_module.ITEMS[:10]:
        pytest.fail(
            "GET /items listed the module's ITEMS, not the records of the Database that get_db "
            "returns (the specs override get_db). Take the database as a parameter, "
            "`db: Database = Depends(get_db)`, instead of calling Database() in the handler."
        )
    expected = {"skip": 0, "limit": 10, "items": db.items[:10]}
    assert body == expected, (
        f"GET /items returned {body}; expected {expected}: skip 0, limit 10 and the first ten "
        "items of the database get_db returns."
    )


async def test_items_pages_with_skip_and_limit(client, db):
    skip, limit = random.randrange(1, 15), random.randrange(2, 10)
    url = f"/items?skip={skip}&limit={limit}"
    r = await call(client, "GET", url)
    assert r.status_code == 200, f"GET {url} returned {r.status_code} {r.text}; expected 200"
    expected = {"skip": skip, "limit": limit, "items": db.items[skip : skip + limit]}
    assert r.json() == expected, (
        f"GET {url} returned {r.json()}; expected {expected} (items[skip:skip+limit] of the "
        "database get_db returns)"
    )


@pytest.mark.parametrize("limit", [1, 50])
async def test_limit_bounds_are_inclusive(client, db, limit):
    r = await call(client, "GET", f"/items?limit={limit}")
    assert r.status_code == 200, (
        f"GET /items?limit={limit} returned {r.status_code}; limit may be 1 to 50 inclusive "
        "(Query(ge=1, le=50))."
    )
    assert r.json().get("items") == db.items[:limit], (
        f"GET /items?limit={limit} returned items {r.json().get('items')}; expected the first "
        f"{limit} items of the database"
    )


@pytest.mark.parametrize(
    "query",
    ["skip=-1", "limit=0", "limit=51", "limit=1000", "skip=abc", "limit=ten"],
)
async def test_out_of_range_pagination_is_422(client, db, query):
    r = await call(client, "GET", f"/items?{query}")
    assert r.status_code == 422, (
        f"GET /items?{query} returned {r.status_code} {r.text[:200]}; expected 422. skip is an "
        "int >= 0 and limit an int from 1 to 50: declare them with Query(ge=..., le=...) in "
        "Pagination.__init__ so FastAPI validates them."
    )


async def test_pagination_is_an_overridable_class_dependency(client, app, kata_module, db):
    pagination = module_name(kata_module, "Pagination")
    assert isinstance(pagination, type), (
        f"Pagination is a {type(pagination).__name__}; the README asks for a class whose "
        "__init__ takes skip and limit."
    )
    skip, limit = random.randrange(3, 12), random.randrange(2, 7)
    app.dependency_overrides[pagination] = lambda: SimpleNamespace(skip=skip, limit=limit)
    r = await call(client, "GET", "/items")
    expected = {"skip": skip, "limit": limit, "items": db.items[skip : skip + limit]}
    assert r.status_code == 200 and r.json() == expected, (
        f"With app.dependency_overrides[Pagination] giving skip={skip}, limit={limit}, GET /items "
        f"returned {r.status_code} {r.text[:300]}; expected {expected}. Declare the parameter as "
        "`page: Pagination = Depends()` (or Annotated[Pagination, Depends()]) and read "
        "page.skip and page.limit."
    )


# --- get_current_user, a sub-dependency, and the per-request cache -----------------------------


async def test_me_items_lists_the_callers_items(client, db):
    name = random.choice(db.names[:-1])
    r = await call(client, "GET", "/me/items", headers={"X-User": name})
    assert r.status_code == 200, (
        f"GET /me/items with X-User: {name} returned {r.status_code} {r.text}; expected 200. "
        f"{name} exists only in the database get_db returns: get_current_user must depend on "
        "get_db (Depends(get_db)), not open its own Database()."
    )
    expected = {"user": name, "items": [i for i in db.items if i["owner"] == name]}
    assert r.json() == expected, (
        f"GET /me/items as {name} returned {r.json()}; expected {expected} (that user's items, "
        "in database order)"
    )


async def test_me_items_for_a_user_without_items_is_an_empty_list(client, db):
    name = db.names[-1]
    r = await call(client, "GET", "/me/items", headers={"X-User": name})
    assert r.status_code == 200 and r.json() == {"user": name, "items": []}, (
        f"GET /me/items as {name}, who owns nothing, returned {r.status_code} {r.text}; "
        f"expected 200 {{'user': '{name}', 'items': []}}"
    )


@pytest.mark.parametrize("headers", [{}, {"X-User": "nobody-here"}], ids=["missing", "unknown"])
async def test_missing_or_unknown_user_is_401(client, db, headers):
    r = await call(client, "GET", "/me/items", headers=headers)
    assert r.status_code == 401, (
        f"GET /me/items with headers {headers} returned {r.status_code} {r.text}; expected 401. "
        "A missing X-User is not a validation error (422): make the header optional, "
        "`x_user: str | None = Header(default=None)`, and raise the 401 yourself."
    )
    assert r.json() == {"detail": "Unknown user"}, (
        f"GET /me/items with headers {headers} returned {r.json()}; expected "
        "{'detail': 'Unknown user'}"
    )


async def test_get_db_runs_once_per_request(client, db):
    name = random.choice(db.names[:-1])
    r = await call(client, "GET", "/me/items", headers={"X-User": name})
    assert r.status_code == 200, f"GET /me/items as {name} returned {r.status_code} {r.text}"
    assert len(db.runs) == 1, (
        f"get_db ran {len(db.runs)} times for one GET /me/items; expected exactly once. The "
        "route and get_current_user both depend on get_db, and FastAPI caches a dependency's "
        "value for the rest of the request unless a site says use_cache=False. Don't."
    )


async def test_get_current_user_is_an_overridable_dependency(client, app, kata_module, db):
    name = random.choice(db.names[:-1])
    app.dependency_overrides[module_name(kata_module, "get_current_user")] = lambda: db.users[name]
    r = await call(client, "GET", "/me/items")
    expected = {"user": name, "items": [i for i in db.items if i["owner"] == name]}
    assert r.status_code == 200 and r.json() == expected, (
        f"With app.dependency_overrides[get_current_user] returning {db.users[name]}, GET "
        f"/me/items (no X-User) returned {r.status_code} {r.text[:300]}; expected {expected}. "
        "Take the user as `user: dict = Depends(get_current_user)`."
    )


# --- use_cache=False on GET /nonces ------------------------------------------------------------


async def test_nonces_are_two_different_fresh_tokens(client):
    first = await call(client, "GET", "/nonces")
    second = await call(client, "GET", "/nonces")
    for r in (first, second):
        assert r.status_code == 200, f"GET /nonces returned {r.status_code} {r.text}"
        body = r.json()
        assert set(body) == {"a", "b"}, f"GET /nonces returned {body}; expected keys a and b"
        assert body["a"] != body["b"], (
            f"GET /nonces returned a == b == {body['a']!r}: both parameters share one cached "
            "run of new_nonce. Declare each with Depends(new_nonce, use_cache=False)."
        )
    assert first.json()["a"] != second.json()["a"], (
        "two GET /nonces returned the same token: nothing is cached across requests, so each "
        "request should get fresh runs of new_nonce"
    )


async def test_each_nonce_is_its_own_run_of_new_nonce(client, app, kata_module):
    runs = []
    salt = secrets.token_hex(4)

    def counting_nonce():
        runs.append(1)
        return f"nonce-{salt}-{len(runs)}"

    app.dependency_overrides[module_name(kata_module, "new_nonce")] = counting_nonce
    r = await call(client, "GET", "/nonces")
    assert r.status_code == 200, f"GET /nonces returned {r.status_code} {r.text}"
    expected = {f"nonce-{salt}-1", f"nonce-{salt}-2"}
    assert len(runs) == 2 and set(r.json().values()) == expected, (
        f"With new_nonce overridden by a counter, GET /nonces ran it {len(runs)} times and "
        f"returned {r.json()}; expected two runs giving a and b ({sorted(expected)}). Take a "
        "and b as Depends(new_nonce, use_cache=False) parameters."
    )


# --- require_admin, a route-level dependency ---------------------------------------------------


@pytest.fixture
def admin_key(kata_module):
    key = secrets.token_urlsafe(12)
    kata_module.ADMIN_KEY = key
    return key


@pytest.mark.parametrize("sent", [None, "wrong"], ids=["missing", "wrong"])
async def test_reindex_without_the_admin_key_is_403(client, db, admin_key, sent):
    headers = {} if sent is None else {"X-Admin-Key": f"{sent}-{admin_key[:4]}"}
    r = await call(client, "POST", "/admin/reindex", headers=headers)
    assert r.status_code == 403, (
        f"POST /admin/reindex with headers {headers} returned {r.status_code} {r.text}; "
        "expected 403. A missing key must be a 403 too, not a 422: make the X-Admin-Key "
        "header optional in require_admin and compare it with ADMIN_KEY."
    )
    assert r.json() == {"detail": "Admin key required"}, (
        f"POST /admin/reindex without the right key returned {r.json()}; expected "
        "{'detail': 'Admin key required'}"
    )


async def test_reindex_with_the_admin_key_counts_the_items(client, db, admin_key):
    r = await call(client, "POST", "/admin/reindex", headers={"X-Admin-Key": admin_key})
    assert r.status_code == 200, (
        f"POST /admin/reindex with X-Admin-Key equal to ADMIN_KEY returned {r.status_code} "
        f"{r.text}; expected 200. Read ADMIN_KEY at request time (the specs change it)."
    )
    assert r.json() == {"reindexed": len(db.items)}, (
        f"POST /admin/reindex returned {r.json()}; expected {{'reindexed': {len(db.items)}}}, "
        "the item count of the database get_db returns"
    )


async def test_require_admin_is_an_overridable_route_dependency(client, app, kata_module, db):
    app.dependency_overrides[module_name(kata_module, "require_admin")] = lambda: None
    r = await call(client, "POST", "/admin/reindex")
    assert r.status_code == 200 and r.json() == {"reindexed": len(db.items)}, (
        f"With app.dependency_overrides[require_admin] letting everyone in, POST /admin/reindex "
        f"returned {r.status_code} {r.text}; expected 200 {{'reindexed': {len(db.items)}}}. "
        "Declare the check on the route, @app.post(..., dependencies=[Depends(require_admin)]), "
        "instead of calling it in the handler."
    )
