"""Claims of kata 04 (validation): what Pydantic 2 and FastAPI answer for broken rules."""

from __future__ import annotations

import importlib.util
from datetime import date
from typing import Annotated, Literal

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from tests.claims.quote import REPO, quoted

KATA = "04_validation"


def load_reference():
    path = REPO / "solutions" / KATA / "app.py"
    spec = importlib.util.spec_from_file_location("claims_kata04_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def errors_of(model: type[BaseModel], data: dict) -> list[dict]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return caught.value.errors()


class Standard(BaseModel):
    kind: Literal["standard"]
    price: int = Field(ge=1)


class Vip(BaseModel):
    kind: Literal["vip"]
    price: int = Field(ge=1)
    perks: list[str] = Field(min_length=1)


class Tagged(BaseModel):
    ticket: Annotated[Standard | Vip, Field(discriminator="kind")]


class Plain(BaseModel):
    ticket: Standard | Vip


def test_pattern_is_a_search_not_a_full_match():
    quoted(KATA, "README.md", "Pydantic's `pattern` is a *search*")
    quoted(KATA, "kata.toml", "pattern is a search, so `[a-z0-9_]+` accepts 'Ada_1'")

    class Loose(BaseModel):
        username: str = Field(pattern=r"[a-z0-9_]+")

    class Anchored(BaseModel):
        username: str = Field(pattern=r"^[a-z0-9_]+$")

    assert Loose(username="Ada_1").username == "Ada_1"
    assert errors_of(Anchored, {"username": "Ada_1"})[0]["type"] == "string_pattern_mismatch"


def test_field_constraints_give_these_error_types():
    quoted(KATA, "kata.toml", "min_length/max_length (string_too_short/long)")
    quoted(KATA, "kata.toml", "lists: min_length/max_length (too_short/too_long)")

    class Model(BaseModel):
        name: str = Field(min_length=3, max_length=5)
        age: int = Field(ge=16, le=120)
        minutes: int = Field(gt=0)
        items: list[int] = Field(min_length=1, max_length=2)

    types = {
        e["loc"][0]: e["type"]
        for e in errors_of(Model, dict(name="ab", age=15, minutes=0, items=[]))
    }
    assert types == {
        "name": "string_too_short",
        "age": "greater_than_equal",
        "minutes": "greater_than",
        "items": "too_short",
    }
    types = {
        e["loc"][0]: e["type"]
        for e in errors_of(Model, dict(name="abcdef", age=121, minutes=1, items=[1, 2, 3]))
    }
    assert types == {"name": "string_too_long", "age": "less_than_equal", "items": "too_long"}


def test_impossible_date_is_date_from_datetime_parsing():
    quoted(
        KATA,
        "README.md",
        '`starts_on` `"2026-02-30"` | `["body", "starts_on"]` | `date_from_datetime_parsing`',
    )

    class Event(BaseModel):
        starts_on: date

    assert errors_of(Event, {"starts_on": "2026-02-30"})[0]["type"] == "date_from_datetime_parsing"


def test_field_validator_value_error_message_and_loc():
    quoted(KATA, "README.md", 'with `msg` `"Value error, <your text>"`')

    class Signup(BaseModel):
        email: str

        @field_validator("email")
        @classmethod
        def check(cls, value: str) -> str:
            if "@" not in value:
                raise ValueError("email must contain @")
            return value

    [error] = errors_of(Signup, {"email": "nope"})
    assert (error["type"], error["loc"], error["msg"]) == (
        "value_error",
        ("email",),
        "Value error, email must contain @",
    )


def test_after_model_validator_runs_only_once_every_field_is_valid():
    quoted(KATA, "kata.toml", "An 'after' model validator only runs when every field is valid")
    runs = []

    class Signup(BaseModel):
        age: int = Field(ge=16)
        password: str
        password_confirm: str

        @model_validator(mode="after")
        def match(self):
            runs.append(self)
            if self.password != self.password_confirm:
                raise ValueError("passwords do not match")
            return self

    errors = errors_of(Signup, {"age": 3, "password": "a", "password_confirm": "b"})
    assert [e["type"] for e in errors] == ["greater_than_equal"] and runs == []
    errors = errors_of(Signup, {"age": 30, "password": "a", "password_confirm": "b"})
    assert [(e["type"], e["loc"]) for e in errors] == [("value_error", ())]


def test_v1_validators_were_classmethods_already():
    quoted(KATA, "kata.toml", "@validator and @root_validator (both already classmethods)")
    # pydantic.v1 is the v1 code base, shipped inside v2: its decorator wraps the function in
    # classmethod (pydantic/v1/class_validators.py, _prepare_validator).
    from pydantic.v1.class_validators import _prepare_validator

    def check(cls, value):
        return value

    assert isinstance(_prepare_validator(check, allow_reuse=True), classmethod)


def test_v2_field_validator_gets_validation_info_and_modes():
    quoted(KATA, "kata.toml", "a field validator gets (cls, value, info) with a ValidationInfo")
    quoted(KATA, "kata.toml", "validate_default=True on Field replaces always=True")
    seen = {}

    class Model(BaseModel):
        password: str
        confirm: str = Field(default="", validate_default=True)

        @field_validator("confirm", mode="wrap")
        @classmethod
        def record(cls, value, handler, info):
            seen["data"] = dict(info.data)
            return handler(value)

    Model(password="pw")
    assert seen["data"] == {"password": "pw"}, "validate_default runs the validator on the default"


def test_discriminated_union_errors_sit_under_the_kind():
    quoted(
        KATA,
        "README.md",
        "reports its errors\n  under the kind's value; a plain union tries every model and reports under class names",
    )
    quoted(KATA, "kata.toml", "union_tag_invalid for an unknown kind")
    [error] = errors_of(Tagged, {"ticket": {"kind": "vip", "price": 5}})
    assert (error["loc"], error["type"]) == (("ticket", "vip", "perks"), "missing")
    assert (
        errors_of(Tagged, {"ticket": {"kind": "student", "price": 5}})[0]["type"]
        == "union_tag_invalid"
    )
    assert errors_of(Tagged, {"ticket": {"price": 5}})[0]["type"] == "union_tag_not_found"
    plain = errors_of(Plain, {"ticket": {"kind": "vip", "price": 5}})
    assert {e["loc"][1] for e in plain} == {"Standard", "Vip"}


def test_discriminated_union_is_a_oneof_with_discriminator_in_openapi():
    quoted(KATA, "kata.toml", "documents the choice in OpenAPI as a oneOf with a discriminator")
    quoted(KATA, "kata.toml", "appear in the OpenAPI schema")
    app = FastAPI()

    @app.post("/t")
    def post(body: Tagged) -> None:
        return None

    schemas = app.openapi()["components"]["schemas"]
    ticket = schemas["Tagged"]["properties"]["ticket"]
    assert "oneOf" in ticket and ticket["discriminator"]["propertyName"] == "kind"
    assert schemas["Vip"]["properties"]["perks"]["minItems"] == 1
    assert schemas["Standard"]["properties"]["price"]["minimum"] == 1


async def test_reference_reports_all_field_errors_and_echoes_inputs():
    quoted(KATA, "README.md", "a bad username, email and age give three errors")
    quoted(KATA, "kata.toml", "a model-level error echoes the whole body, passwords included")
    app = load_reference().app
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://claims") as client:
        bad = {
            "username": "A",
            "email": "nope",
            "age": 3,
            "password": "p" * 8,
            "password_confirm": "x" * 8,
        }
        r = await client.post("/signups", json=bad)
        assert r.status_code == 422
        found = [(e["loc"], e["type"]) for e in r.json()["detail"]]
        assert found == [
            (["body", "username"], "string_too_short"),
            (["body", "email"], "value_error"),
            (["body", "age"], "greater_than_equal"),
        ]
        good = dict(bad, username="ada", email="ada@example.org", age=30)
        r = await client.post("/signups", json=good)
        [error] = r.json()["detail"]
        assert error["loc"] == ["body"] and error["input"]["password"] == "p" * 8
