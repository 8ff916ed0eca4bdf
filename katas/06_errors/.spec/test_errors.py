"""Specs for kata 06: errors. They reach the app only through fixtures."""

import random
import secrets

import httpx
import pytest

from checker.spec_tools import lifespan_client


async def send(client, method, url, hint="", **kwargs):
    """The response, or a failure that names the exception the app let escape (a 500 in production)."""
    try:
        return await client.request(method, url, **kwargs)
    except Exception as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        pytest.fail(
            f"{method} {url} let {type(exc).__name__}({first_line!r}) escape: a real server "
            f"would answer a bare 500. {hint}".strip(),
            pytrace=False,
        )


def json_of(r, where, hint=""):
    try:
        return r.json()
    except ValueError:
        pytest.fail(
            f"{where} returned {r.status_code} with a body that is not JSON: {r.text[:200]!r}. "
            f"{hint}".strip(),
            pytrace=False,
        )


def assert_envelope(r, where, status, code, message, hint=""):
    """r is `status` with exactly {"error": {"code": code, "message": message}}."""
    assert r.status_code == status, f"{where} returned {r.status_code} {r.text}; expected {status}"
    expected = {"error": {"code": code, "message": message}}
    body = json_of(r, where)
    assert body == expected, (
        f"{where} returned {body}; expected the error envelope {expected}. "
        + (
            "That is FastAPI's default error body: register an exception handler that answers "
            "with the envelope."
            if isinstance(body, dict) and "detail" in body
            else hint
        )
    )


@pytest.fixture
def ledger(kata_module):
    """Three random accounts in the module's ACCOUNTS, and the ledger open."""
    rng = random.Random()
    ids = [f"acc-{n}" for n in rng.sample(range(2000, 9999), 3)]
    accounts = {
        account_id: {"id": account_id, "owner": f"owner-{rng.randrange(10**6)}", "balance": b}
        for account_id, b in zip(ids, (rng.randrange(1_000, 9_000) for _ in ids), strict=True)
    }
    kata_module.ACCOUNTS.clear()
    kata_module.ACCOUNTS.update(accounts)
    kata_module.LEDGER_OPEN = True
    return kata_module.ACCOUNTS


def balances(accounts):
    return {account_id: account["balance"] for account_id, account in accounts.items()}


# --- the happy path, so the error specs mean something --------------------------------------------


async def test_read_account(client, ledger):
    account_id = random.choice(list(ledger))
    r = await send(client, "GET", f"/accounts/{account_id}")
    assert r.status_code == 200, f"GET /accounts/{account_id} returned {r.status_code} {r.text}"
    assert r.json() == ledger[account_id], f"GET /accounts/{account_id} returned {r.json()}"


async def test_transfer_moves_money(client, ledger):
    source, target, _ = ledger
    before = balances(ledger)
    amount = random.randrange(1, before[source])
    r = await send(
        client,
        "POST",
        "/transfers",
        json={"from_account": source, "to_account": target, "amount": amount},
    )
    assert r.status_code == 201, f"POST /transfers returned {r.status_code} {r.text}; expected 201"
    expected = {"from_balance": before[source] - amount, "to_balance": before[target] + amount}
    assert r.json() == expected, f"POST /transfers returned {r.json()}; expected {expected}"


# --- HTTPException through the envelope -----------------------------------------------------------


async def test_unknown_account_is_a_404_envelope(client, ledger):
    missing = f"acc-{random.randrange(10_000, 99_999)}"
    r = await send(client, "GET", f"/accounts/{missing}")
    assert_envelope(r, f"GET /accounts/{missing}", 404, "not_found", f"Account {missing} not found")


async def test_unknown_path_is_a_404_envelope(client, ledger):
    path = f"/no-such-page-{secrets.token_hex(4)}"
    r = await send(client, "GET", path)
    assert r.status_code == 404, f"GET {path} returned {r.status_code}; expected 404"
    assert json_of(r, f"GET {path}") == {"error": {"code": "not_found", "message": "Not Found"}}, (
        f"GET {path} (no such route) returned {r.text}; expected the envelope with code "
        "'not_found' and message 'Not Found'. The router raises Starlette's HTTPException, "
        "which a handler for fastapi.HTTPException (a subclass) never sees: register your "
        "handler for starlette.exceptions.HTTPException."
    )


async def test_wrong_method_is_a_405_envelope_that_keeps_the_allow_header(client, ledger):
    account_id = random.choice(list(ledger))
    r = await send(client, "DELETE", f"/accounts/{account_id}")
    assert_envelope(
        r, f"DELETE /accounts/{account_id}", 405, "method_not_allowed", "Method Not Allowed"
    )
    assert "GET" in r.headers.get("allow", ""), (
        f"the 405 came without its Allow header (headers: {dict(r.headers)}). The exception "
        "carries it in exc.headers: pass headers=exc.headers to your JSONResponse."
    )


async def test_closed_ledger_is_a_503_with_retry_after(client, kata_module, ledger):
    kata_module.LEDGER_OPEN = False
    source, target, _ = ledger
    before = balances(ledger)
    r = await send(
        client,
        "POST",
        "/transfers",
        json={"from_account": source, "to_account": target, "amount": 1},
    )
    assert_envelope(
        r, "POST /transfers while LEDGER_OPEN is False", 503, "service_unavailable",
        "Ledger closed for settlement",
    )  # fmt: skip
    assert r.headers.get("retry-after") == "300", (
        f"the 503 has Retry-After {r.headers.get('retry-after')!r}; expected '300'. Raise "
        "HTTPException(..., headers={'Retry-After': '300'}) and make your handler pass "
        "exc.headers on to the response."
    )
    assert balances(ledger) == before, "a transfer was booked while the ledger was closed"


async def test_transfer_from_an_unknown_account_is_a_404_envelope(client, ledger):
    missing = f"acc-{random.randrange(10_000, 99_999)}"
    target = next(iter(ledger))
    r = await send(
        client,
        "POST",
        "/transfers",
        json={"from_account": missing, "to_account": target, "amount": 5},
    )
    assert_envelope(r, "POST /transfers", 404, "not_found", f"Account {missing} not found")


# --- a domain exception with its own handler ------------------------------------------------------


async def test_insufficient_funds_is_a_409_envelope(client, ledger):
    source, target, _ = ledger
    before = balances(ledger)
    amount = before[source] + random.randrange(1, 5_000)
    r = await send(
        client,
        "POST",
        "/transfers",
        json={"from_account": source, "to_account": target, "amount": amount},
        hint="Register @app.exception_handler(InsufficientFunds) that answers 409.",
    )
    assert_envelope(
        r, f"POST /transfers of {amount} from an account holding {before[source]}", 409,
        "insufficient_funds", f"Account {source} has {before[source]} cents, {amount} needed",
        hint="Translate InsufficientFunds in one @app.exception_handler(InsufficientFunds) with "
        "its own code, not as an HTTPException in the route.",
    )  # fmt: skip
    assert balances(ledger) == before, "a refused transfer changed the balances"


# --- validation errors -----------------------------------------------------------------------------


async def validation_failure(client, payload):
    r = await send(client, "POST", "/transfers", json=payload)
    where = f"POST /transfers {payload}"
    assert r.status_code == 400, (
        f"{where} returned {r.status_code}; expected 400. FastAPI answers 422 by default: "
        "override the handler with @app.exception_handler(RequestValidationError)."
    )
    body = json_of(r, where)
    error = body.get("error") if isinstance(body, dict) else None
    assert isinstance(error, dict), f"{where} returned {body}; expected {{'error': {{...}}}}"
    head = {key: error.get(key) for key in ("code", "message")}
    assert head == {"code": "validation_error", "message": "Request validation failed"}, (
        f"{where}: the error has code/message {head}; expected 'validation_error' and "
        "'Request validation failed'"
    )
    fields = error.get("fields")
    assert isinstance(fields, list) and fields, (
        f"{where}: error.fields is {fields!r}; expected a non-empty list of "
        "{'field': ..., 'message': ...}, one per error in exc.errors()"
    )
    for item in fields:
        assert (
            isinstance(item, dict)
            and isinstance(item.get("field"), str)
            and isinstance(item.get("message"), str)
            and item["message"]
        ), f"{where}: {item!r} in error.fields is not {{'field': str, 'message': str}}"
    return {item["field"] for item in fields}


async def test_invalid_amount_is_a_400_naming_the_field(client, ledger):
    source, target, _ = ledger
    amount = random.choice([0, -1, -random.randrange(2, 500)])
    named = await validation_failure(
        client, {"from_account": source, "to_account": target, "amount": amount}
    )
    assert "body.amount" in named, (
        f"amount={amount} was rejected but error.fields names {sorted(named)}; expected "
        "'body.amount' (the error's loc joined with dots)"
    )


async def test_missing_field_is_a_400_naming_the_field(client, ledger):
    source = next(iter(ledger))
    named = await validation_failure(client, {"from_account": source, "amount": 10})
    assert "body.to_account" in named, (
        f"a body without to_account was rejected but error.fields names {sorted(named)}; "
        "expected 'body.to_account'"
    )


# --- unexpected exceptions -------------------------------------------------------------------------


async def test_unexpected_error_is_a_500_envelope_that_reveals_nothing(app, ledger):
    secret = f"postgres://ledger:{secrets.token_hex(6)}@db.internal/ledger"

    async def explode():
        raise RuntimeError(f"could not connect to {secret}")

    # A route of the specs' own: a bug anywhere must meet your catch-all handler.
    app.add_api_route("/_spec/explode", explode, methods=["GET"])
    # By default the transport re-raises the exception after the app's 500 handler has answered,
    # as a test framework should; here we want the response a client would get.
    async with lifespan_client(app, raise_app_exceptions=False) as raw:
        r = await raw.get("/_spec/explode")
    assert r.status_code == 500, (
        f"GET /_spec/explode (raises RuntimeError) returned {r.status_code}"
    )
    assert secret not in r.text and "Traceback" not in r.text, (
        f"the 500 response reveals the exception's details: {r.text[:300]!r}. Log them on the "
        "server; tell the client only 'Internal server error'."
    )
    hint = "That is Starlette's fallback 500: register @app.exception_handler(Exception)."
    assert json_of(r, "GET /_spec/explode", hint) == {
        "error": {"code": "internal_error", "message": "Internal server error"}
    }, (
        f"a route raising RuntimeError gave {r.text[:200]!r}; expected the envelope with code "
        "'internal_error' and message 'Internal server error'. Register "
        "@app.exception_handler(Exception)."
    )
