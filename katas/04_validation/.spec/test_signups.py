"""Specs for kata 04, part 1: POST /signups. Field constraints, a field validator that normalises
and rejects, and a model validator for a rule about two fields. Reached only through fixtures."""

import random
import string

import pytest


def valid_signup():
    """A random signup that breaks no rule."""
    password = "".join(random.choices(string.ascii_letters + string.digits, k=12))
    return {
        "username": "".join(random.choices(string.ascii_lowercase, k=5))
        + f"_{random.randrange(100)}",
        "email": f"member{random.randrange(10_000)}@example.org",
        "age": random.randint(16, 120),
        "password": password,
        "password_confirm": password,
    }


# What produces each error type: the start of a fix for a learner whose request was accepted.
HOW = {
    "string_too_short": "Field(min_length=...) produces it.",
    "string_too_long": "Field(max_length=...) produces it.",
    "string_pattern_mismatch": "Field(pattern=...) produces it; anchor the pattern with ^ and $ "
    "because Pydantic searches for it anywhere in the value.",
    "greater_than": "Field(gt=...) produces it.",
    "greater_than_equal": "Field(ge=...) produces it.",
    "less_than_equal": "Field(le=...) produces it.",
    "too_short": "Field(min_length=...) on a list produces it.",
    "value_error": "A validator that raises ValueError produces it: a @field_validator for one "
    "field, a @model_validator(mode='after') (loc ['body']) for a rule about two fields.",
    "union_tag_invalid": "A union with Field(discriminator='kind') produces it.",
    "union_tag_not_found": "A union with Field(discriminator='kind') produces it.",
}


def errors_of(r):
    detail = r.json().get("detail")
    return detail if isinstance(detail, list) else []


def assert_error(r, sent, loc, type_=None, msg_contains=None):
    """`r` is a 422 whose errors include one at `loc`, with that type (and message text)."""
    assert r.status_code == 422, (
        f"POST /signups with {sent} must be rejected with 422 and an error at {loc}"
        f"{' of type ' + repr(type_) if type_ else ''}. {HOW.get(type_, '')} "
        f"It returned {r.status_code} {r.text[:150]}"
    )
    found = [e for e in errors_of(r) if isinstance(e, dict) and e.get("loc") == loc]
    assert found, (
        f"POST /signups with {sent} returned 422, but its errors are at "
        f"{[e.get('loc') for e in errors_of(r) if isinstance(e, dict)]} (body: {r.text[:300]}); "
        f"expected one at {loc}. Let Pydantic raise the error (a Field constraint or a "
        "validator), not the handler."
    )
    error = found[0]
    if type_ is not None:
        assert error.get("type") == type_, (
            f"POST /signups with {sent}: the error at {loc} has type {error.get('type')!r} "
            f"({error.get('msg')!r}); the README expects {type_!r}"
        )
    if msg_contains is not None:
        assert msg_contains in str(error.get("msg", "")), (
            f"POST /signups with {sent}: the error at {loc} says {error.get('msg')!r}; it should "
            f"contain {msg_contains!r} (raise ValueError with that text in your validator)"
        )


async def test_valid_signup_is_201_with_the_email_normalised(client):
    body = valid_signup()
    name, domain = body["email"].split("@")
    body["email"] = f"  {name.capitalize()}@{domain.upper()} "
    r = await client.post("/signups", json=body)
    assert r.status_code == 201, (
        f"POST /signups with {body} returned {r.status_code} {r.text[:400]}"
    )
    want = {"username": body["username"], "email": f"{name}@{domain}", "age": body["age"]}
    assert r.json() == want, (
        f"POST /signups with email {body['email']!r} returned {r.json()}; expected {want}: a "
        "@field_validator('email') should strip the spaces and lower-case it, and the response "
        "holds only username, email and age (never the passwords)"
    )


# (value, expected error type) for each constrained field.
CONSTRAINTS = {
    "username": [
        ("ab", "string_too_short"),
        ("a" * 21, "string_too_long"),
        # Each of these contains an allowed run of characters: only an anchored pattern
        # (^...$) rejects the whole value.
        ("Ada_1", "string_pattern_mismatch"),
        ("ada lovelace", "string_pattern_mismatch"),
        ("ada-99", "string_pattern_mismatch"),
    ],
    "age": [(15, "greater_than_equal"), (121, "less_than_equal"), ("old", "int_parsing")],
    "password": [("seven77", "string_too_short")],
}


@pytest.mark.parametrize("field", list(CONSTRAINTS))
async def test_field_constraint_violations(client, field):
    for value, type_ in CONSTRAINTS[field]:
        body = {**valid_signup(), field: value}
        if field == "password":
            body["password_confirm"] = value
        r = await client.post("/signups", json=body)
        assert_error(r, {field: value}, ["body", field], type_)


async def test_missing_fields(client):
    for field in ("username", "email", "age", "password", "password_confirm"):
        body = valid_signup()
        del body[field]
        r = await client.post("/signups", json=body)
        assert_error(r, f"a body without {field!r}", ["body", field], "missing")


async def test_boundary_values_are_accepted(client):
    body = {**valid_signup(), "username": "abc", "age": 16}
    body["password"] = body["password_confirm"] = "eight888"
    r = await client.post("/signups", json=body)
    assert r.status_code == 201, (
        f"POST /signups with a 3-letter username, age 16 and an 8-character password returned "
        f"{r.status_code} {r.text[:300]}; all three are at their lower bounds and allowed"
    )
    body = {**valid_signup(), "username": "z" * 20, "age": 120}
    r = await client.post("/signups", json=body)
    assert r.status_code == 201, (
        f"POST /signups with a 20-character username and age 120 returned {r.status_code} "
        f"{r.text[:300]}; both are at their upper bounds and allowed"
    )


async def test_email_that_does_not_look_like_one_is_rejected_by_the_validator(client):
    for email in ("ada.example.com", "ada@example", "ada lovelace@example.com", "@example.com"):
        r = await client.post("/signups", json={**valid_signup(), "email": email})
        assert_error(r, {"email": email}, ["body", "email"], "value_error", "email")


async def test_password_mismatch_is_a_model_level_error(client):
    body = valid_signup()
    body["password_confirm"] = body["password"] + "!"
    r = await client.post("/signups", json=body)
    # A model validator's error has the loc of the whole body: ["body"].
    assert_error(
        r, "password_confirm different from password", ["body"], "value_error",
        "passwords do not match",
    )  # fmt: skip


async def test_every_broken_field_is_reported_at_once(client):
    body = {**valid_signup(), "username": "A", "email": "nope", "age": 3}
    r = await client.post("/signups", json=body)
    assert r.status_code == 422, f"POST /signups with three bad fields returned {r.status_code}"
    locs = [e.get("loc") for e in errors_of(r) if isinstance(e, dict)]
    for loc in (["body", "username"], ["body", "email"], ["body", "age"]):
        assert loc in locs, (
            f"POST /signups with a bad username, email and age gave errors at {locs}; expected one "
            f"at {loc} too. Pydantic reports every invalid field in one 422, so the client can fix "
            "them all at once: do not stop at the first problem."
        )
