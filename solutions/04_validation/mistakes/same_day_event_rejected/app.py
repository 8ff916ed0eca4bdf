"""The date rule uses <= instead of <, so a one-day event (starts_on == ends_on) is rejected."""

import re
from datetime import date
from typing import Annotated, Literal

from fastapi import FastAPI
from pydantic import BaseModel, Field, field_validator, model_validator

app = FastAPI(title="Meetup events")

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class Signup(BaseModel):
    # Anchored: Pydantic's pattern is a search, so "[a-z0-9_]+" alone would accept "Ada!".
    username: str = Field(min_length=3, max_length=20, pattern=r"^[a-z0-9_]+$")
    email: str
    age: int = Field(ge=16, le=120)
    password: str = Field(min_length=8)
    password_confirm: str

    @field_validator("email")
    @classmethod
    def normalise_email(cls, value: str) -> str:
        value = value.strip().lower()
        if not EMAIL.match(value):
            raise ValueError("email must look like name@example.com")
        return value

    # A rule about two fields belongs to the model: it runs after each field is valid.
    @model_validator(mode="after")
    def passwords_match(self) -> "Signup":
        if self.password != self.password_confirm:
            raise ValueError("passwords do not match")
        return self


class Session(BaseModel):
    title: str = Field(min_length=1)
    speaker: str = Field(min_length=1)
    minutes: int = Field(gt=0, le=240)


class StandardTicket(BaseModel):
    kind: Literal["standard"]
    price: int = Field(ge=1)


class VipTicket(BaseModel):
    kind: Literal["vip"]
    price: int = Field(ge=1)
    perks: list[str] = Field(min_length=1)


# The discriminator makes Pydantic pick the model from `kind` and report errors under that tag.
Ticket = Annotated[StandardTicket | VipTicket, Field(discriminator="kind")]


class Event(BaseModel):
    name: str = Field(min_length=3, max_length=80)
    starts_on: date
    ends_on: date
    sessions: list[Session] = Field(min_length=1)
    tickets: list[Ticket] = []

    @model_validator(mode="after")
    def ends_after_it_starts(self) -> "Event":
        if self.ends_on <= self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self


@app.post("/signups", status_code=201)
def sign_up(signup: Signup):
    return {"username": signup.username, "email": signup.email, "age": signup.age}


@app.post("/events", status_code=201)
def create_event(event: Event):
    total = sum(session.minutes for session in event.sessions)
    return {**event.model_dump(mode="json"), "total_minutes": total}
