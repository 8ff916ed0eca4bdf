"""Kata 04: validation. Edit this file until `python -m checker check 04` passes.

The README next to this file is the contract: it lists every rule, and the exact `loc` and
`type` of the 422 error each broken rule must produce.
"""

import re
from datetime import date
from typing import Annotated, Literal

from fastapi import FastAPI
from pydantic import BaseModel, Field, field_validator, model_validator

app = FastAPI(title="Meetup events")


# The models have the right fields and types, but none of the rules yet: every value that has
# the right type is accepted, the email is stored as typed, and tickets are a plain union.
class Signup(BaseModel):
    username: str
    email: str
    age: int
    password: str
    password_confirm: str


class Session(BaseModel):
    title: str
    speaker: str
    minutes: int


class StandardTicket(BaseModel):
    kind: Literal["standard"]
    price: int


class VipTicket(BaseModel):
    kind: Literal["vip"]
    price: int
    perks: list[str]


class Event(BaseModel):
    name: str
    starts_on: date
    ends_on: date
    sessions: list[Session]
    tickets: list[StandardTicket | VipTicket] = []


@app.post("/signups", status_code=201)
def sign_up(signup: Signup):
    return {"username": signup.username, "email": signup.email, "age": signup.age}


@app.post("/events", status_code=201)
def create_event(event: Event):
    total = sum(session.minutes for session in event.sessions)
    return {**event.model_dump(mode="json"), "total_minutes": total}
