"""Kata 01: path parameters. Edit this file until `python -m checker check 01` passes.

The README next to this file is the contract. The data below stands in for a database: the specs
replace it with their own records, so read it inside your handlers, at request time.
"""

from fastapi import FastAPI, HTTPException

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


@app.get("/users/{user_id}")
def read_user(user_id):
    user = USERS.get(user_id)
    if user is None:
        raise HTTPException(status_code=404, detail="User not found")
    return user


@app.get("/users/me")
def read_current_user():
    return USERS[CURRENT_USER_ID]


@app.get("/orders/{status}")
def orders_by_status(status: str):
    order_ids = [order["id"] for order in ORDERS if order["status"] == status]
    return {"status": status, "order_ids": order_ids}


@app.get("/files/{file_path}")
def read_file_path(file_path: str):
    return {"file_path": file_path}
