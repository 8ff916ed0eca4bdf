"""Kata 01 solved independently of the reference: correct, but written another way."""

from enum import StrEnum
from typing import Annotated

from fastapi import FastAPI, HTTPException
from fastapi import Path as PathParam

app = FastAPI()

USERS: dict[int, dict] = {1: {"id": 1, "name": "Ada"}, 2: {"id": 2, "name": "Grace"}}
CURRENT_USER_ID = 1
ORDERS: list[dict] = [{"id": 101, "status": "pending"}, {"id": 102, "status": "shipped"}]


class State(StrEnum):
    PENDING = "pending"
    SHIPPED = "shipped"
    DELIVERED = "delivered"


def lookup(user_id: int) -> dict:
    try:
        return USERS[user_id]
    except KeyError:
        raise HTTPException(404, "User not found") from None


@app.get("/users/me")
async def me() -> dict:
    return lookup(CURRENT_USER_ID)


@app.get("/users/{user_id}")
async def one_user(user_id: Annotated[int, PathParam(ge=1)]) -> dict:
    return lookup(user_id)


@app.get("/orders/{status}")
async def by_state(status: State) -> dict:
    ids = []
    for order in ORDERS:
        if order["status"] == status:
            ids.append(order["id"])
    return {"status": status.value, "order_ids": ids}


@app.get("/files/{file_path:path}")
async def files(file_path: str) -> dict:
    return dict(file_path=file_path)
