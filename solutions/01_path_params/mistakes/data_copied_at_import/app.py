"""Copies USERS and the current user at import, so requests answer with stale data."""

from enum import Enum

from fastapi import FastAPI, HTTPException, Path

app = FastAPI(title="Shop accounts")

USERS: dict[int, dict] = {
    1: {"id": 1, "name": "Ada"},
    2: {"id": 2, "name": "Grace"},
}
CURRENT_USER_ID = 1
ORDERS: list[dict] = [
    {"id": 101, "status": "pending"},
    {"id": 102, "status": "shipped"},
    {"id": 103, "status": "pending"},
]


# Looked up once at import, "for speed": requests never see the records the database holds now.
USERS_BY_ID = dict(USERS)
ME = USERS[CURRENT_USER_ID]


class OrderStatus(str, Enum):
    pending = "pending"
    shipped = "shipped"
    delivered = "delivered"


# Fixed paths first: routes are matched in declaration order, and /users/{user_id} would take "me".
@app.get("/users/me")
def read_current_user():
    return ME


@app.get("/users/{user_id}")
def read_user(user_id: int = Path(ge=1)):
    user = USERS_BY_ID.get(user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@app.get("/orders/{status}")
def orders_by_status(status: OrderStatus):
    order_ids = [order["id"] for order in ORDERS if order["status"] == status.value]
    return {"status": status, "order_ids": order_ids}


@app.get("/files/{file_path:path}")
def read_file_path(file_path: str):
    return {"file_path": file_path}
