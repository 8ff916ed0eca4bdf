"""Kata 07: dependency injection. Edit this file until `python -m checker check 07` passes.

The README next to this file is the contract. Keep ITEMS, USERS, ADMIN_KEY, Database, get_db and
new_nonce as they are: the specs seed their own records and override get_db, Pagination,
get_current_user, require_admin and new_nonce through app.dependency_overrides.
"""

import secrets

from fastapi import Depends, FastAPI, HTTPException, Request

app = FastAPI(title="Gear library")

# The team's shared gear: who owns what. The specs replace these with their own records.
ITEMS: list[dict] = [
    {"id": 1, "name": "Tent", "owner": "ada"},
    {"id": 2, "name": "Camp stove", "owner": "grace"},
    {"id": 3, "name": "Headlamp", "owner": "ada"},
    {"id": 4, "name": "Climbing rope", "owner": "linus"},
    {"id": 5, "name": "Sleeping bag", "owner": "grace"},
    {"id": 6, "name": "Water filter", "owner": "ada"},
    {"id": 7, "name": "Kayak", "owner": "linus"},
    {"id": 8, "name": "Snowshoes", "owner": "grace"},
    {"id": 9, "name": "Bike pump", "owner": "ada"},
    {"id": 10, "name": "Binoculars", "owner": "linus"},
    {"id": 11, "name": "Hammock", "owner": "grace"},
    {"id": 12, "name": "Trekking poles", "owner": "ada"},
]
USERS: dict[str, dict] = {
    "ada": {"name": "ada", "full_name": "Ada Lovelace"},
    "grace": {"name": "grace", "full_name": "Grace Hopper"},
    "linus": {"name": "linus", "full_name": "Linus Torvalds"},
}
ADMIN_KEY = "change-me"


class Database:
    """A stand-in for a database connection over the records it is given. Do not change it.

    Database() reads the module's ITEMS and USERS; the specs build Database(items=..., users=...)
    over their own records and hand it out by overriding get_db.
    """

    def __init__(self, items: list[dict] | None = None, users: dict[str, dict] | None = None):
        self.items = ITEMS if items is None else items
        self.users = USERS if users is None else users

    def list_items(self, skip: int, limit: int) -> list[dict]:
        return self.items[skip : skip + limit]

    def items_owned_by(self, owner: str) -> list[dict]:
        return [item for item in self.items if item["owner"] == owner]

    def find_user(self, name: str) -> dict | None:
        return self.users.get(name)

    def reindex(self) -> int:
        """Rebuilds the search index; returns how many items it indexed."""
        return len(self.items)


def get_db() -> Database:
    """Opens the database for one request. Routes should receive it through Depends(get_db)."""
    return Database()


def new_nonce() -> str:
    """A fresh random token every time it runs."""
    return secrets.token_hex(8)


# Plain helpers, called by hand. Turn them into dependencies.
def get_current_user(db: Database, x_user: str | None) -> dict:
    user = db.find_user(x_user) if x_user else None
    if user is None:
        raise HTTPException(status_code=401, detail="Unknown user")
    return user


def require_admin(x_admin_key: str | None) -> None:
    if x_admin_key != ADMIN_KEY:
        raise HTTPException(status_code=403, detail="Admin key required")


@app.get("/items")
def list_items(request: Request):
    # Parsed by hand: no validation, no OpenAPI, and the same lines copied into every list route.
    skip = int(request.query_params.get("skip", 0))
    limit = int(request.query_params.get("limit", 10))
    db = Database()
    return {"skip": skip, "limit": limit, "items": db.list_items(skip, limit)}


@app.get("/me/items")
def my_items(request: Request):
    db = Database()
    user = get_current_user(db, request.headers.get("x-user"))
    return {"user": user["name"], "items": db.items_owned_by(user["name"])}


@app.get("/nonces")
def nonces(a: str = Depends(new_nonce), b: str = Depends(new_nonce)):
    return {"a": a, "b": b}


@app.post("/admin/reindex")
def reindex(request: Request):
    require_admin(request.headers.get("x-admin-key"))
    return {"reindexed": Database().reindex()}
