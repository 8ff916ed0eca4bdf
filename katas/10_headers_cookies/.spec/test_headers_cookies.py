"""Specs for kata 10: headers and cookies. They reach the app only through fixtures."""

import random
import secrets
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie

import httpx
import pytest

from checker.spec_tools import lifespan_client

WEEK = 7 * 24 * 60 * 60


async def send(client, method, url, cookie=None, **kwargs):
    """One request carrying exactly the cart cookie given (or none): the client's jar is emptied
    first, so a cookie the app set earlier is never sent by accident."""
    client.cookies.clear()
    headers = httpx.Headers(kwargs.pop("headers", None))  # keeps repeated headers apart
    if cookie is not None:
        headers["Cookie"] = f"cart_id={cookie}"
    return await client.request(method, url, headers=headers, **kwargs)


def cart_cookie(r):
    """The cart_id morsel of the response's Set-Cookie headers, or None."""
    for header in r.headers.get_list("set-cookie"):
        jar = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            continue
        if "cart_id" in jar:
            return jar["cart_id"]
    return None


def random_item():
    return {"isbn": f"978{random.randrange(10**9, 10**10)}", "quantity": random.randrange(1, 5)}


# --- Request: what has no fixed shape -------------------------------------------------------------


async def test_diagnostics_reports_method_client_and_query(app):
    host = f"203.0.113.{random.randrange(1, 255)}"
    query = {"page": str(random.randrange(2, 50)), "sort": random.choice(["title", "price"])}
    # A client with an address of our own, so the answer cannot be a constant.
    async with lifespan_client(app, client=(host, 40_000)) as client:
        got = await client.get("/diagnostics", params=query)
        posted = await client.post("/diagnostics")
    assert got.status_code == 200, f"GET /diagnostics returned {got.status_code} {got.text}"
    body = got.json()
    seen = {key: body.get(key) for key in ("method", "client_host", "query")}
    expected = {"method": "GET", "client_host": host, "query": query}
    assert seen == expected, (
        f"GET /diagnostics?{httpx.QueryParams(query)} from {host} reported {seen}; expected "
        f"{expected}. Declare a `request: Request` parameter and read request.method, "
        "request.client.host and request.query_params."
    )
    assert posted.status_code == 200, f"POST /diagnostics returned {posted.status_code}"
    assert posted.json().get("method") == "POST", (
        f"POST /diagnostics reported method {posted.json().get('method')!r}; expected 'POST'"
    )


# --- Header(): underscores become hyphens ---------------------------------------------------------


async def test_headers_are_read_with_underscore_conversion(client):
    agent = f"bookshop-ios/{random.randrange(1, 9)}.{random.randrange(100)}"
    version = f"{random.randrange(1, 9)}.{random.randrange(100)}.{random.randrange(100)}"
    r = await send(
        client, "GET", "/diagnostics", headers={"User-Agent": agent, "X-Client-Version": version}
    )
    assert r.status_code == 200, f"GET /diagnostics returned {r.status_code} {r.text}"
    body = r.json()
    seen = {"user_agent": body.get("user_agent"), "client_version": body.get("client_version")}
    assert seen == {"user_agent": agent, "client_version": version}, (
        f"sent User-Agent: {agent} and X-Client-Version: {version}, the app reported {seen}. "
        "A parameter without Header() is a query parameter: declare "
        "user_agent: str | None = Header(default=None) (underscores become hyphens)."
    )


async def test_absent_headers_are_null_and_empty(client):
    r = await send(client, "GET", "/diagnostics")
    assert r.status_code == 200, f"GET /diagnostics returned {r.status_code} {r.text}"
    body = r.json()
    seen = {"client_version": body.get("client_version"), "experiments": body.get("experiments")}
    assert seen == {"client_version": None, "experiments": []}, (
        f"with no X-Client-Version and no X-Experiment header the app reported {seen}; "
        "expected client_version null and experiments []"
    )


async def test_repeated_header_arrives_as_a_list(client):
    flags = [f"exp-{secrets.token_hex(3)}" for _ in range(3)]
    r = await send(
        client, "GET", "/diagnostics", headers=httpx.Headers([("X-Experiment", f) for f in flags])
    )
    assert r.status_code == 200, f"GET /diagnostics returned {r.status_code} {r.text}"
    assert r.json().get("experiments") == flags, (
        f"sent three X-Experiment headers {flags}, the app reported "
        f"{r.json().get('experiments')!r}. A str parameter keeps only one line: annotate "
        "x_experiment as a list of str, with Header(default=[])."
    )


# --- response headers through the injected Response -----------------------------------------------


async def test_request_id_is_echoed(client):
    request_id = secrets.token_hex(8)
    r = await send(client, "GET", "/diagnostics", headers={"X-Request-ID": request_id})
    assert r.headers.get("x-request-id") == request_id, (
        f"sent X-Request-ID: {request_id}, the response carries X-Request-ID "
        f"{r.headers.get('x-request-id')!r}. Declare `response: Response` and set "
        "response.headers['X-Request-ID']."
    )


async def test_request_id_is_generated_when_missing(client):
    first = (await send(client, "GET", "/diagnostics")).headers.get("x-request-id")
    second = (await send(client, "GET", "/diagnostics")).headers.get("x-request-id")
    assert first and second and first != second, (
        f"two requests without X-Request-ID got X-Request-ID {first!r} and {second!r}; expected "
        "a new, non-empty id for each (uuid4().hex, say)"
    )


# --- cookies: the cart ------------------------------------------------------------------------------


async def test_first_item_creates_a_cart_and_sets_its_cookie(client, kata_module):
    item = random_item()
    r = await send(client, "POST", "/cart/items", json=item)
    assert r.status_code == 201, f"POST /cart/items returned {r.status_code} {r.text}"
    assert r.json() == {"items": [item]}, (
        f"POST /cart/items {item} returned {r.json()}; expected {{'items': [{item}]}} "
        "(the id travels in the cookie, not in the body)"
    )
    morsel = cart_cookie(r)
    assert morsel is not None, (
        f"POST /cart/items without a cookie set no cart_id cookie (Set-Cookie: "
        f"{r.headers.get_list('set-cookie')}). Declare `response: Response` and call "
        "response.set_cookie(...), and return a plain value so FastAPI uses that response."
    )
    attributes = {
        "httponly": bool(morsel["httponly"]),
        "samesite": morsel["samesite"].lower(),
        "path": morsel["path"],
        "max-age": morsel["max-age"],
    }
    wanted = {"httponly": True, "samesite": "lax", "path": "/", "max-age": str(WEEK)}
    assert attributes == wanted, (
        f"the cart_id cookie has {attributes}; expected {wanted}: httponly=True keeps page "
        "scripts from reading it, samesite='lax' keeps other sites from posting with it"
    )
    assert kata_module.CARTS.get(morsel.value) == [item], (
        f"the cookie names cart {morsel.value!r}, but CARTS holds "
        f"{kata_module.CARTS.get(morsel.value)!r} under that id; expected [{item}]"
    )


async def test_the_cookie_brings_back_the_same_cart(client, kata_module):
    first, second = random_item(), random_item()
    created = await send(client, "POST", "/cart/items", json=first)
    morsel = cart_cookie(created)
    assert morsel is not None, "POST /cart/items without a cookie set no cart_id cookie"
    carts = len(kata_module.CARTS)
    r = await send(client, "POST", "/cart/items", cookie=morsel.value, json=second)
    assert r.status_code == 201, f"POST /cart/items returned {r.status_code} {r.text}"
    assert r.json() == {"items": [first, second]} and len(kata_module.CARTS) == carts, (
        f"a second POST /cart/items with Cookie: cart_id={morsel.value} returned {r.json()} and "
        f"left {len(kata_module.CARTS)} carts (was {carts}); expected both items in one cart. "
        "Read the cookie with cart_id: str | None = Cookie(default=None)."
    )


async def test_cart_is_read_from_the_cookie(client, kata_module):
    cart_id = secrets.token_urlsafe(16)
    items = [random_item() for _ in range(random.randrange(1, 4))]
    kata_module.CARTS[cart_id] = items
    r = await send(client, "GET", "/cart", cookie=cart_id)
    assert r.status_code == 200, f"GET /cart returned {r.status_code} {r.text}"
    assert r.json() == {"items": items}, (
        f"GET /cart with Cookie: cart_id={cart_id} returned {r.json()}; expected "
        f"{{'items': {items}}} from CARTS. Read it with Cookie(), not as a query parameter."
    )


async def test_missing_or_unknown_cookie_is_an_empty_cart(client):
    for cookie in (None, secrets.token_urlsafe(16)):
        r = await send(client, "GET", "/cart", cookie=cookie)
        where = "GET /cart without a cookie" if cookie is None else "GET /cart, unknown cart id"
        assert r.status_code == 200 and r.json() == {"items": []}, (
            f"{where} returned {r.status_code} {r.text}; expected 200 {{'items': []}}"
        )


async def test_an_unknown_cart_id_is_not_adopted(client, kata_module):
    made_up = "attacker-" + secrets.token_hex(6)
    r = await send(client, "POST", "/cart/items", cookie=made_up, json=random_item())
    assert r.status_code == 201, f"POST /cart/items returned {r.status_code} {r.text}"
    morsel = cart_cookie(r)
    assert made_up not in kata_module.CARTS and morsel is not None and morsel.value != made_up, (
        f"POST /cart/items with an unknown Cookie: cart_id={made_up} should start a cart with a "
        "new id of the server's own and set its cookie; it "
        + ("stored a cart under the client's id" if made_up in kata_module.CARTS else "set none")
    )


async def test_delete_cart_removes_it_and_expires_the_cookie(client, kata_module):
    cart_id = secrets.token_urlsafe(16)
    kata_module.CARTS[cart_id] = [random_item()]
    r = await send(client, "DELETE", "/cart", cookie=cart_id)
    assert r.status_code == 204, f"DELETE /cart returned {r.status_code} {r.text}"
    assert cart_id not in kata_module.CARTS, "DELETE /cart left the cart in CARTS"
    morsel = cart_cookie(r)
    assert morsel is not None, (
        "DELETE /cart sent no Set-Cookie for cart_id: the browser keeps the cookie. Call "
        "response.delete_cookie('cart_id', ...) on the injected Response."
    )
    # Expired means Max-Age <= 0 or an Expires date that is not in the future.
    max_age, expires = morsel["max-age"], morsel["expires"]
    expired = (max_age.lstrip("-").isdigit() and int(max_age) <= 0) or (
        bool(expires) and parsedate_to_datetime(expires) <= datetime.now(UTC) + timedelta(seconds=2)
    )
    assert expired and morsel["path"] == "/", (
        f"DELETE /cart set cart_id with Max-Age {morsel['max-age']!r}, Expires "
        f"{morsel['expires']!r}, Path {morsel['path']!r}; expected Max-Age=0 and Path=/ (the path "
        "must match the one the cookie was set with, or the browser keeps it)"
    )
