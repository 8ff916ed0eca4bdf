"""Specs for kata 20: API keys in a header or the query, permissions, constant-time comparison.

They reach the app only through fixtures. Each test writes its own random clients into CLIENTS,
with keys that record how the app compares them (see WatchedKey).
"""

import secrets

import pytest


class WatchedKey(str):
    """A stored API key that notes every ==, != or hash() done on it.

    secrets.compare_digest reads the characters directly and is not noticed; `stored == given`,
    `given in keys`, or a dict or set keyed by API key all are.
    """

    def __new__(cls, value: str, log: list[str]):
        key = super().__new__(cls, value)
        key.log = log
        return key

    def __eq__(self, other):
        self.log.append("==")
        return str.__eq__(self, other)

    def __ne__(self, other):
        self.log.append("!=")
        return str.__ne__(self, other)

    def __hash__(self):
        self.log.append("hash()")
        return str.__hash__(self)


class Partner:
    def __init__(self, name: str, permissions: list[str], log: list[str]) -> None:
        self.name = name
        self.key = f"ak_test_{secrets.token_hex(16)}"
        self.permissions = permissions
        self.record = {
            "name": name,
            "api_key": WatchedKey(self.key, log),
            "permissions": permissions,
        }


@pytest.fixture
def partners(kata_module):
    """A shipper (rates and shipments), a price watcher (rates only) and a newcomer (nothing)."""
    log: list[str] = []
    tag = secrets.token_hex(3)
    shipper = Partner(f"shipper-{tag}", ["rates:read", "shipments:create"], log)
    watcher = Partner(f"watcher-{tag}", ["rates:read"], log)
    newcomer = Partner(f"newcomer-{tag}", [], log)
    kata_module.CLIENTS[:] = [shipper.record, watcher.record, newcomer.record]
    kata_module.RATES.clear()
    kata_module.RATES.update({"standard": secrets.randbelow(900) / 100, "express": 12.5})
    kata_module.SHIPMENTS.clear()
    return kata_module, shipper, watcher, newcomer, log


async def send(client, method: str, url: str, what: str, **kwargs):
    try:
        return await client.request(method, url, **kwargs)
    except Exception as exc:
        pytest.fail(
            f"{method} {url} with {what} crashed inside the app with {type(exc).__name__}: {exc} "
            "(a 500). secrets.compare_digest refuses str with non-ASCII characters: compare "
            "bytes, stored.encode() with given.encode()."
        )


def assert_401(r, what: str, detail: str) -> None:
    assert r.status_code == 401, (
        f"{what} returned {r.status_code} {r.text}; expected 401 {{'detail': {detail!r}}}: the "
        "caller is not identified. (403 is for a known client without the permission.)"
    )
    assert r.json() == {"detail": detail}, (
        f"{what} returned {r.json()}; expected {{'detail': {detail!r}}}"
    )
    assert r.headers.get("www-authenticate") == "APIKey", (
        f"{what} returned 401 with WWW-Authenticate {r.headers.get('www-authenticate')!r}; "
        "expected 'APIKey': pass headers={'WWW-Authenticate': 'APIKey'} to the HTTPException."
    )


# --- who is calling ---------------------------------------------------------------------------


async def test_key_in_the_header_identifies_the_client(client, partners):
    _, shipper, watcher, _, _ = partners
    for partner in (shipper, watcher):
        r = await send(
            client, "GET", "/whoami", "a valid X-API-Key", headers={"X-API-Key": partner.key}
        )
        assert r.status_code == 200, (
            f"GET /whoami with {partner.name}'s key in X-API-Key returned {r.status_code} {r.text}"
        )
        expected = {"client": partner.name, "permissions": partner.permissions}
        assert r.json() == expected, f"GET /whoami returned {r.json()}; expected {expected}"


async def test_key_in_the_query_is_accepted_too(client, partners):
    _, _, watcher, _, _ = partners
    r = await send(client, "GET", "/whoami", "?api_key=", params={"api_key": watcher.key})
    assert r.status_code == 200, (
        f"GET /whoami?api_key=<{watcher.name}'s key> returned {r.status_code} {r.text}; expected "
        "200. Read the query parameter too: APIKeyQuery(name='api_key', auto_error=False)."
    )
    assert r.json().get("client") == watcher.name, f"GET /whoami?api_key=... returned {r.json()}"


async def test_the_header_wins_over_the_query(client, partners):
    _, shipper, watcher, _, _ = partners
    r = await send(
        client,
        "GET",
        "/whoami",
        "both a header and a query key",
        headers={"X-API-Key": shipper.key},
        params={"api_key": watcher.key},
    )
    assert r.status_code == 200 and r.json().get("client") == shipper.name, (
        f"GET /whoami with {shipper.name}'s key in the header and {watcher.name}'s in the query "
        f"returned {r.status_code} {r.text}; the header wins, so expected client {shipper.name!r}"
    )


async def test_no_key_is_401_missing_api_key(client, partners):
    r = await send(client, "GET", "/whoami", "no key")
    assert_401(r, "GET /whoami without a key", "Missing API key")


@pytest.mark.parametrize("where", ["header", "query"])
async def test_unknown_key_is_401_invalid_api_key(client, partners, where):
    bogus = f"ak_test_{secrets.token_hex(16)}"
    kwargs = (
        {"headers": {"X-API-Key": bogus}} if where == "header" else {"params": {"api_key": bogus}}
    )
    r = await send(client, "GET", "/whoami", f"an unknown key in the {where}", **kwargs)
    assert_401(r, f"GET /whoami with an unknown key in the {where}", "Invalid API key")


async def test_a_non_ascii_key_is_401_not_a_crash(client, partners):
    r = await send(
        client, "GET", "/whoami", "a non-ASCII key", params={"api_key": "clé-secrète-🔑"}
    )
    assert_401(r, "GET /whoami?api_key=clé-secrète-🔑", "Invalid API key")


async def test_a_prefix_of_a_real_key_is_rejected(client, partners):
    _, shipper, _, _, _ = partners
    r = await send(
        client, "GET", "/whoami", "a truncated key", headers={"X-API-Key": shipper.key[:-1]}
    )
    assert_401(r, "GET /whoami with a real key minus its last character", "Invalid API key")


async def test_keys_are_compared_in_constant_time(client, partners):
    # `stored == given` stops at the first differing character, so response times leak how much
    # of a guess is right. secrets.compare_digest takes the same time whatever matches.
    _, shipper, _, _, log = partners
    await send(client, "GET", "/whoami", "a valid key", headers={"X-API-Key": shipper.key})
    await send(client, "GET", "/whoami", "a wrong key", headers={"X-API-Key": "ak_test_guess"})
    assert not log, (
        f"the app compared stored API keys with {sorted(set(log))} while checking two requests. "
        "==, `in` and dict or set lookups stop early and leak timing: loop over CLIENTS and use "
        "secrets.compare_digest(stored.encode(), given.encode())."
    )


# --- what the client may do --------------------------------------------------------------------


async def test_rates_with_the_rates_permission(client, partners):
    module, _, watcher, _, _ = partners
    r = await send(client, "GET", "/rates", "a rates:read key", headers={"X-API-Key": watcher.key})
    assert r.status_code == 200 and r.json() == module.RATES, (
        f"GET /rates with {watcher.name}'s key (rates:read) returned {r.status_code} {r.text}; "
        f"expected 200 with RATES {module.RATES}"
    )


async def test_rates_without_the_permission_is_403(client, partners):
    _, _, _, newcomer, _ = partners
    r = await send(
        client, "GET", "/rates", "a key without rates:read", headers={"X-API-Key": newcomer.key}
    )
    assert r.status_code == 403, (
        f"GET /rates with a valid key lacking rates:read returned {r.status_code} {r.text}; "
        "expected 403: the client is known (not 401) but may not do this."
    )
    assert r.json() == {"detail": "Missing permission: rates:read"}, (
        f"GET /rates returned 403 {r.json()}; expected {{'detail': 'Missing permission: rates:read'}}"
    )


async def test_shipment_with_the_create_permission(client, partners):
    module, shipper, _, _, _ = partners
    body = {"destination": f"Lyon {secrets.randbelow(100)}", "weight_kg": 2.5}
    r = await send(
        client,
        "POST",
        "/shipments",
        "a shipments:create key",
        headers={"X-API-Key": shipper.key},
        json=body,
    )
    assert r.status_code == 201, (
        f"POST /shipments with a shipments:create key returned {r.status_code} {r.text}"
    )
    created = r.json()
    assert (
        created.get("client") == shipper.name and created.get("destination") == body["destination"]
    ), (
        f"POST /shipments returned {created}; expected client {shipper.name!r} and destination "
        f"{body['destination']!r}"
    )
    assert module.SHIPMENTS and module.SHIPMENTS[-1].get("client") == shipper.name, (
        f"SHIPMENTS is {module.SHIPMENTS}: append the new shipment to it"
    )


async def test_shipment_without_the_create_permission_is_403(client, partners):
    module, _, watcher, _, _ = partners
    body = {"destination": "Porto", "weight_kg": 1.0}
    r = await send(
        client,
        "POST",
        "/shipments",
        "a rates-only key",
        headers={"X-API-Key": watcher.key},
        json=body,
    )
    assert r.status_code == 403 and r.json() == {
        "detail": "Missing permission: shipments:create"
    }, (
        f"POST /shipments with {watcher.name}'s key (rates:read only) returned {r.status_code} "
        f"{r.text}; expected 403 {{'detail': 'Missing permission: shipments:create'}}"
    )
    assert not module.SHIPMENTS, "POST /shipments was refused but a shipment was stored anyway"


async def test_a_missing_key_on_a_protected_route_is_401_not_403(client, partners):
    r = await send(
        client, "POST", "/shipments", "no key", json={"destination": "Oslo", "weight_kg": 1}
    )
    assert_401(r, "POST /shipments without a key", "Missing API key")


# --- OpenAPI --------------------------------------------------------------------------------------


async def test_openapi_declares_both_key_locations(client):
    document = (await client.get("/openapi.json")).json()
    schemes = document.get("components", {}).get("securitySchemes", {}).values()
    places = {(s.get("in"), s.get("name")) for s in schemes if s.get("type") == "apiKey"}
    assert ("header", "X-API-Key") in places and ("query", "api_key") in places, (
        f"OpenAPI declares the apiKey schemes {sorted(places)}; expected one in the header "
        "X-API-Key and one in the query api_key. Use APIKeyHeader and APIKeyQuery as "
        "dependencies (not Header()/Query()), so clients and Swagger UI know where the key goes."
    )
