"""Specs for kata 05: response models. They reach the app only through fixtures."""

import random
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import pytest

PUBLIC_FIELDS = {"id", "email", "display_name", "marketing_opt_in", "created_at"}


async def send(client, method, url, hint="", **kwargs):
    """The response, or a failure that names the exception the server raised (a 500 in production)."""
    try:
        return await client.request(method, url, **kwargs)
    except Exception as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        if isinstance(hint, dict):  # a hint per exception type
            hint = hint.get(type(exc).__name__, "")
        pytest.fail(
            f"{method} {url} raised {type(exc).__name__}: {first_line} "
            f"(a real server would answer 500). {hint}".strip(),
            pytrace=False,
        )


def parse_datetime(text, where):
    assert isinstance(text, str), f"{where} is {text!r}; expected an ISO 8601 datetime string"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pytest.fail(f"{where} is {text!r}, which is not an ISO 8601 datetime", pytrace=False)


def assert_public_view(body, row, where):
    """body is exactly the public view of row: five fields, nothing private."""
    assert isinstance(body, dict), f"{where} returned {body!r}; expected a JSON object"
    leaked = sorted(set(body) - PUBLIC_FIELDS)
    assert not leaked, (
        f"{where} returned the private field(s) {leaked}. Only {sorted(PUBLIC_FIELDS)} may leave "
        "the service: declare an AccountOut model without them and use it as response_model."
    )
    missing = sorted(PUBLIC_FIELDS - set(body))
    assert not missing, f"{where} returned {body}; it lacks {missing}"
    expected = {
        "id": str(row.id),
        "email": row.email,
        "display_name": row.display_name,
        "marketing_opt_in": row.marketing_opt_in,
    }
    actual = {key: body[key] for key in expected}
    assert actual == expected, f"{where} returned {actual}; the stored account has {expected}"
    created = parse_datetime(body["created_at"], f"{where}: created_at")
    assert created == row.created_at, (
        f"{where}: created_at is {body['created_at']!r}, but the account was created at "
        f"{row.created_at.isoformat()} (keep the UTC offset)"
    )


def new_row(kata_module, rng, **overrides):
    fields = {
        "id": uuid.uuid4(),
        "email": f"reader{rng.randrange(10**6)}@example.org",
        "display_name": f"Reader {rng.randrange(10**6)}",
        "password_hash": "argon2$" + secrets.token_hex(16),
        "marketing_opt_in": rng.choice([True, False]),
        "is_flagged": rng.choice([True, False]),
        "created_at": datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(10**7)),
    }
    fields.update(overrides)
    return kata_module.AccountRow(**fields)


@pytest.fixture
def rows(kata_module):
    """Four random accounts, one of them flagged, written into the module's ACCOUNTS."""
    rng = random.Random()
    made = [new_row(kata_module, rng, is_flagged=(i == 0)) for i in range(4)]
    rng.shuffle(made)
    kata_module.ACCOUNTS.clear()
    for row in made:
        kata_module.ACCOUNTS[row.id] = row
    return made


# --- reading: the response model filters what leaves the service -------------------------------


async def test_read_account_shows_only_public_fields(client, rows):
    for row in rows:
        r = await send(client, "GET", f"/accounts/{row.id}")
        assert r.status_code == 200, f"GET /accounts/{row.id} returned {r.status_code} {r.text}"
        assert_public_view(r.json(), row, f"GET /accounts/{row.id}")
        assert row.password_hash not in r.text, (
            f"GET /accounts/{row.id} contains the password hash somewhere in {r.text}"
        )


async def test_list_accounts_hides_private_fields_of_every_account(client, rows):
    r = await send(client, "GET", "/accounts")
    assert r.status_code == 200, f"GET /accounts returned {r.status_code} {r.text}"
    body = r.json()
    assert isinstance(body, list) and len(body) == len(rows), (
        f"GET /accounts returned {body!r}; expected a list of the {len(rows)} accounts in ACCOUNTS"
    )
    for index, (item, row) in enumerate(zip(body, rows, strict=True)):
        assert_public_view(item, row, f"GET /accounts, item {index} (ACCOUNTS order)")
    for row in rows:
        assert row.password_hash not in r.text, "GET /accounts contains a password hash"


async def test_unknown_account_is_404(client, rows):
    missing = uuid.uuid4()
    r = await send(client, "GET", f"/accounts/{missing}")
    assert r.status_code == 404, (
        f"GET /accounts/{missing} (no such account) returned {r.status_code}"
    )
    assert r.json() == {"detail": "Account not found"}, (
        f"GET /accounts/{missing} returned {r.json()}; expected {{'detail': 'Account not found'}}"
    )


async def test_account_id_must_be_a_uuid(client, rows):
    r = await send(client, "GET", "/accounts/42")
    assert r.status_code == 422, (
        f"GET /accounts/42 returned {r.status_code}; expected 422 because 42 is not a UUID. "
        "Keep account_id typed as UUID."
    )


async def test_openapi_documents_only_the_public_fields(client):
    r = await send(client, "GET", "/openapi.json")
    assert r.status_code == 200, f"GET /openapi.json returned {r.status_code}"
    document = r.json()
    operation = document.get("paths", {}).get("/accounts/{account_id}", {}).get("get", {})
    content = operation.get("responses", {}).get("200", {}).get("content", {})
    schema = content.get("application/json", {}).get("schema", {})
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
    properties = set(schema.get("properties", {}))
    assert properties == PUBLIC_FIELDS, (
        f"OpenAPI documents the 200 response of GET /accounts/{{account_id}} with the fields "
        f"{sorted(properties) or 'none'}; expected exactly {sorted(PUBLIC_FIELDS)}. Declare "
        "response_model=AccountOut on the route so clients (and reviewers) see the real shape."
    )


# --- creating: a separate input model, 201 ------------------------------------------------------


async def test_create_returns_201_with_the_public_view(client, kata_module, rows):
    password = secrets.token_urlsafe(12)
    sent = {
        "email": f"new{random.randrange(10**6)}@example.org",
        "display_name": f"New reader {random.randrange(10**6)}",
        "password": password,
        "marketing_opt_in": random.choice([True, False]),
    }
    before = set(kata_module.ACCOUNTS)
    r = await send(client, "POST", "/accounts", json=sent)
    assert r.status_code == 201, (
        f"POST /accounts returned {r.status_code}; expected 201 Created. "
        "Set status_code=201 on the route decorator."
    )
    added = set(kata_module.ACCOUNTS) - before
    assert len(added) == 1, f"POST /accounts added {len(added)} accounts to ACCOUNTS; expected 1"
    row = kata_module.ACCOUNTS[added.pop()]
    assert_public_view(r.json(), row, "POST /accounts")
    assert password not in r.text, "POST /accounts echoed the plain password back"
    assert row.password_hash not in r.text, "POST /accounts returned the password hash"
    assert row.password_hash == kata_module.hash_password(password), (
        "the stored row's password_hash is not hash_password(password): store the hash, "
        "never the password"
    )


# --- updating: only the fields that were sent -----------------------------------------------------


async def test_patch_changes_only_the_fields_sent(client, kata_module, rows):
    row = rows[1]
    before = {"email": row.email, "marketing_opt_in": row.marketing_opt_in}
    new_name = f"Renamed {random.randrange(10**6)}"
    r = await send(
        client,
        "PATCH",
        f"/accounts/{row.id}",
        json={"display_name": new_name},
        hint="Did unsent fields overwrite the row with None? Dump with exclude_unset=True.",
    )
    assert r.status_code == 200, f"PATCH /accounts/{row.id} returned {r.status_code} {r.text}"
    stored = kata_module.ACCOUNTS[row.id]
    after = {"email": stored.email, "marketing_opt_in": stored.marketing_opt_in}
    assert after == before, (
        f"PATCH {{'display_name': ...}} also changed other fields: {before} became {after}. "
        "Apply only the fields the client sent: changes.model_dump(exclude_unset=True)."
    )
    assert stored.display_name == new_name, (
        f"after PATCH display_name is {stored.display_name!r}; expected {new_name!r}"
    )
    assert_public_view(r.json(), stored, f"PATCH /accounts/{row.id}")


async def test_patch_can_set_a_field_to_false(client, kata_module, rows):
    row = rows[2]
    row.marketing_opt_in = True
    r = await send(client, "PATCH", f"/accounts/{row.id}", json={"marketing_opt_in": False})
    assert r.status_code == 200, f"PATCH /accounts/{row.id} returned {r.status_code} {r.text}"
    assert kata_module.ACCOUNTS[row.id].marketing_opt_in is False, (
        "PATCH {'marketing_opt_in': false} left marketing_opt_in true. False is a value the "
        "client sent: test whether a field was sent (exclude_unset), not whether it is truthy."
    )
    assert r.json().get("marketing_opt_in") is False, f"PATCH returned {r.json()}"


async def test_patch_with_an_empty_body_changes_nothing(client, kata_module, rows):
    row = rows[3]
    before = {key: getattr(row, key) for key in ("email", "display_name", "marketing_opt_in")}
    r = await send(
        client,
        "PATCH",
        f"/accounts/{row.id}",
        json={},
        hint="Did unsent fields overwrite the row with None? Dump with exclude_unset=True.",
    )
    assert r.status_code == 200, f"PATCH /accounts/{row.id} {{}} returned {r.status_code} {r.text}"
    stored = kata_module.ACCOUNTS[row.id]
    after = {key: getattr(stored, key) for key in before}
    assert after == before, f"PATCH with {{}} changed the account: {before} became {after}"


async def test_patch_unknown_account_is_404(client, rows):
    missing = uuid.uuid4()
    r = await send(client, "PATCH", f"/accounts/{missing}", json={"display_name": "Nobody"})
    assert r.status_code == 404, (
        f"PATCH /accounts/{missing} (no such account) returned {r.status_code}"
    )


# --- deleting: 204 and no body -------------------------------------------------------------------


async def test_delete_returns_204_with_an_empty_body(client, kata_module, rows):
    row = rows[0]
    r = await send(client, "DELETE", f"/accounts/{row.id}")
    assert r.status_code == 204, (
        f"DELETE /accounts/{row.id} returned {r.status_code} {r.text}; expected 204 No Content. "
        "Set status_code=204 on the route."
    )
    assert r.content == b"", f"DELETE returned 204 with a body {r.content!r}; 204 has no body"
    assert row.id not in kata_module.ACCOUNTS, (
        "DELETE answered 204 but the account is still in ACCOUNTS"
    )
    again = await send(client, "GET", f"/accounts/{row.id}")
    assert again.status_code == 404, f"GET after DELETE returned {again.status_code}; expected 404"


async def test_delete_unknown_account_is_404(client, rows):
    missing = uuid.uuid4()
    r = await send(client, "DELETE", f"/accounts/{missing}")
    assert r.status_code == 404, (
        f"DELETE /accounts/{missing} (no such account) returned {r.status_code}"
    )


# --- exporting: a response built by hand --------------------------------------------------------


EXPORT_HINT = {
    "TypeError": (
        "A JSONResponse you build yourself skips FastAPI's encoder and goes straight to "
        "json.dumps, which cannot encode UUID or datetime: pass the content through "
        "jsonable_encoder (or model_dump(mode='json'))."
    ),
    "ValidationError": (
        "AccountOut.model_validate(row) reads a plain object's attributes only with "
        "model_config = ConfigDict(from_attributes=True) on AccountOut."
    ),
}


async def test_export_is_a_json_attachment_of_the_public_view(client, rows):
    row = next(r for r in rows if r.is_flagged)  # the export must hide the flag too
    url = f"/accounts/{row.id}/export"
    started = datetime.now(UTC)
    r = await send(client, "GET", url, hint=EXPORT_HINT)
    assert r.status_code == 200, f"GET {url} returned {r.status_code} {r.text}"
    assert r.headers.get("content-type", "").startswith("application/json"), (
        f"GET {url} has content-type {r.headers.get('content-type')!r}; expected application/json"
    )
    disposition = f'attachment; filename="account-{row.id}.json"'
    assert r.headers.get("content-disposition") == disposition, (
        f"GET {url} sent Content-Disposition {r.headers.get('content-disposition')!r}; "
        f"expected {disposition!r}"
    )
    body = r.json()
    assert isinstance(body, dict) and set(body) == {"account", "exported_at"}, (
        f"GET {url} returned {body!r}; expected {{'account': {{...}}, 'exported_at': '...'}}"
    )
    assert_public_view(body["account"], row, f"GET {url}: account")
    assert row.password_hash not in r.text, f"GET {url} contains the password hash"
    exported = parse_datetime(body["exported_at"], f"GET {url}: exported_at")
    assert exported.tzinfo is not None, (
        f"exported_at is {body['exported_at']!r} with no UTC offset; use datetime.now(UTC)"
    )
    assert abs(exported - started) < timedelta(minutes=5), (
        f"exported_at is {body['exported_at']!r}; expected the time of the request ({started})"
    )


async def test_export_of_unknown_account_is_404(client, rows):
    missing = uuid.uuid4()
    r = await send(client, "GET", f"/accounts/{missing}/export")
    assert r.status_code == 404, (
        f"GET /accounts/{missing}/export (no such account) returned {r.status_code}"
    )
