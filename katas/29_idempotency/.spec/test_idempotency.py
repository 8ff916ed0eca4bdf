"""Specs for kata 29: idempotent POSTs. They reach the app only through fixtures.

The card processor is replaced through the `get_processor` dependency by a fake that counts
charges, returns random charge ids (so a hard-coded answer cannot pass), can fail on demand, and
can take a while (so concurrent retries really overlap).
"""

import asyncio
import json
import random
import uuid

import pytest


class FakeProcessor:
    def __init__(self, unavailable_error: type[Exception]) -> None:
        self.unavailable_error = unavailable_error
        self.charges: list[tuple[str, int]] = []
        self.charge_ids: list[str] = []  # the ids handed out, in order
        self.delay = 0.0
        self.failures_left = 0

    async def charge(self, account_id: str, amount_cents: int) -> str:
        self.charges.append((account_id, amount_cents))
        await asyncio.sleep(self.delay)
        if self.failures_left:
            self.failures_left -= 1
            raise self.unavailable_error("card network timed out")
        charge_id = f"ch_{uuid.uuid4().hex[:16]}"
        self.charge_ids.append(charge_id)
        return charge_id


@pytest.fixture
def processor(kata_module, app) -> FakeProcessor:
    for name in ("get_processor", "ProcessorUnavailable"):
        assert hasattr(kata_module, name), (
            f"app.py has no module-level `{name}`: the README names it, and the specs need it "
            "to replace the card processor."
        )
    fake = FakeProcessor(kata_module.ProcessorUnavailable)
    app.dependency_overrides[kata_module.get_processor] = lambda: fake
    return fake


def new_key() -> str:
    return str(uuid.uuid4())


def new_payment() -> dict:
    return {
        "account_id": f"acct_{uuid.uuid4().hex[:10]}",
        "amount_cents": random.randint(100, 99_999),
    }


async def pay(client, key: str | None, body: dict):
    headers = {} if key is None else {"Idempotency-Key": key}
    return await client.post("/payments", json=body, headers=headers)


async def payments(client) -> list:
    r = await client.get("/payments")
    assert r.status_code == 200, f"GET /payments returned {r.status_code} {r.text}; expected 200"
    return r.json()


async def test_first_request_charges_once_and_is_201(client, processor):
    body = new_payment()
    r = await pay(client, new_key(), body)
    assert r.status_code == 201, (
        f"POST /payments with a fresh Idempotency-Key returned {r.status_code} {r.text}; "
        "expected 201 with the new payment."
    )
    assert processor.charges == [(body["account_id"], body["amount_cents"])], (
        f"the processor was charged {processor.charges}; expected exactly one charge of "
        f"{body['amount_cents']} to {body['account_id']} through the get_processor dependency."
    )
    payment = r.json()
    assert {k: payment.get(k) for k in body} == body and set(payment) == {
        "id",
        "account_id",
        "amount_cents",
        "charge_id",
    }, (
        f"POST /payments returned {payment}; expected {{'id': <int>, 'account_id': ..., "
        "'amount_cents': ..., 'charge_id': <what processor.charge returned>}."
    )
    assert isinstance(payment["id"], int), f"the payment's id is {payment['id']!r}, not an int"
    assert payment["charge_id"] == processor.charge_ids[0], (
        f"the payment's charge_id is {payment['charge_id']!r}; expected {processor.charge_ids[0]!r}, "
        "the id that processor.charge returned."
    )
    r = await client.get("/payments")
    assert r.json() == [payment], f"GET /payments returned {r.json()}; expected [{payment}]"


async def test_a_retry_with_the_same_key_replays_the_first_response(client, processor):
    key, body = new_key(), new_payment()
    first = await pay(client, key, body)
    assert first.status_code == 201, f"the first POST returned {first.status_code} {first.text}"
    retry = await pay(client, key, body)
    assert len(processor.charges) == 1, (
        f"a retry with the same Idempotency-Key and body charged the card again "
        f"({len(processor.charges)} charges): store the response under the key and replay it."
    )
    assert retry.status_code == first.status_code and retry.json() == first.json(), (
        f"the retry answered {retry.status_code} {retry.text}; expected exactly the first "
        f"response again: {first.status_code} {first.text}"
    )
    assert retry.headers.get("idempotent-replayed") == "true", (
        f"the replayed response's headers were {dict(retry.headers)}; expected "
        "`Idempotent-Replayed: true` so the client can tell a replay from a new payment."
    )
    assert len(await payments(client)) == 1, "a retry must not store a second payment"


async def test_a_first_response_is_not_marked_as_replayed(client, processor):
    r = await pay(client, new_key(), new_payment())
    assert r.status_code == 201, f"POST /payments returned {r.status_code} {r.text}"
    assert r.headers.get("idempotent-replayed") != "true", (
        "the first response for a key carries `Idempotent-Replayed: true`; only replays do."
    )


async def test_the_same_body_under_a_new_key_is_a_new_payment(client, processor):
    # Keys identify requests, not contents: paying the same amount twice on purpose is allowed.
    body = new_payment()
    first = await pay(client, new_key(), body)
    second = await pay(client, new_key(), body)
    assert (first.status_code, second.status_code) == (201, 201), (
        f"two POSTs with the same body and different keys returned {first.status_code} and "
        f"{second.status_code}; expected 201 twice: deduplicate by key, never by body."
    )
    assert first.json()["id"] != second.json()["id"] and len(processor.charges) == 2, (
        f"two keys gave {first.json()} and {second.json()} with {len(processor.charges)} "
        "charges; expected two payments and two charges."
    )


async def test_the_same_key_with_a_different_body_is_422(client, processor):
    key, body = new_key(), new_payment()
    first = await pay(client, key, body)
    assert first.status_code == 201, f"the first POST returned {first.status_code} {first.text}"
    changed = {**body, "amount_cents": body["amount_cents"] + random.randint(1, 500)}
    r = await pay(client, key, changed)
    assert r.status_code == 422 and r.json() == {
        "detail": "Idempotency-Key was used with a different request"
    }, (
        f"reusing a key with a different amount returned {r.status_code} {r.text}; expected 422 "
        "{'detail': 'Idempotency-Key was used with a different request'}: remember the request "
        "each key came with and compare."
    )
    assert len(processor.charges) == 1 and len(await payments(client)) == 1, (
        f"after the 422 there were {len(processor.charges)} charges; expected only the first one"
    )


async def test_json_formatting_does_not_make_a_different_request(client, processor):
    # The same payment, written with other key order and spacing: still the same request.
    key, body = new_key(), new_payment()
    first = await pay(client, key, body)
    assert first.status_code == 201, f"the first POST returned {first.status_code} {first.text}"
    reordered = json.dumps(
        {"amount_cents": body["amount_cents"], "account_id": body["account_id"]}, indent=2
    )
    r = await client.post(
        "/payments",
        content=reordered,
        headers={"Idempotency-Key": key, "Content-Type": "application/json"},
    )
    assert r.status_code == 201 and r.json() == first.json(), (
        f"the retry with the same JSON in another key order and spacing returned {r.status_code} "
        f"{r.text}; expected the replay {first.json()}. Compare parsed bodies, not raw bytes."
    )
    assert len(processor.charges) == 1, "the reformatted retry charged the card again"


async def test_a_request_without_a_key_is_422(client, processor):
    r = await pay(client, None, new_payment())
    assert r.status_code == 422, (
        f"POST /payments without an Idempotency-Key header returned {r.status_code}; expected 422: "
        "the header is required (Header(min_length=1))."
    )
    assert processor.charges == [], "a request without a key must not charge the card"


async def test_concurrent_retries_charge_once(client, processor):
    # A client that times out and retries fast: the copies arrive while the first is charging.
    processor.delay = 0.5  # long enough that all 8 reach the key check while the first charges
    key, body = new_key(), new_payment()
    responses = await asyncio.gather(*(pay(client, key, body) for _ in range(8)))
    statuses = [r.status_code for r in responses]
    assert len(processor.charges) == 1, (
        f"8 concurrent requests with one Idempotency-Key charged the card {len(processor.charges)} "
        "times: they all checked the key before the first one stored its response. Hold a lock "
        "per key (asyncio.Lock) across check, charge and store, or mark the key in progress first."
    )
    assert set(statuses) <= {201, 409} and 201 in statuses, (
        f"the 8 concurrent requests got {statuses}; expected 201 (the payment or its replay) "
        "or 409 (still in progress), and at least one 201."
    )
    created = {json.dumps(r.json(), sort_keys=True) for r in responses if r.status_code == 201}
    assert len(created) == 1, f"the 201 answers differ: {created}; a replay repeats the first"
    for r in responses:
        if r.status_code == 409:
            assert r.json() == {"detail": "A request with this Idempotency-Key is in progress"}, (
                f"a 409 answered {r.text}; expected the README's in-progress detail"
            )
    assert len(await payments(client)) == 1, "concurrent retries stored more than one payment"


async def test_a_failed_charge_does_not_use_up_the_key(client, processor):
    processor.failures_left = 1
    key, body = new_key(), new_payment()
    try:
        r = await pay(client, key, body)
    except Exception as exc:
        escaped = f"{type(exc).__name__}: {exc}"
    else:
        escaped = ""
    if escaped:
        pytest.fail(
            f"processor.charge raised ProcessorUnavailable and POST /payments let it escape "
            f"({escaped}), which is a 500: catch it and answer 503 "
            "{'detail': 'Payment processor unavailable'}.",
            pytrace=False,
        )
    assert r.status_code == 503 and r.json() == {"detail": "Payment processor unavailable"}, (
        f"when processor.charge raised ProcessorUnavailable, POST /payments returned "
        f"{r.status_code} {r.text}; expected 503 {{'detail': 'Payment processor unavailable'}}."
    )
    retry = await pay(client, key, body)
    assert retry.status_code == 201, (
        f"the retry after a 503 returned {retry.status_code} {retry.text}; expected 201: nothing "
        "was charged, so the key must stay free (store a response only once the charge succeeded, "
        "and release any in-progress mark when it fails)."
    )
    assert len(processor.charges) == 2 and len(await payments(client)) == 1, (
        f"after one failure and one success: {len(processor.charges)} charge attempts and "
        f"{len(await payments(client))} payments; expected 2 attempts and 1 payment."
    )
