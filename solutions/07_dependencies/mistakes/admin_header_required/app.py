"""X-Admin-Key is a required Header(), so a request without it is a 422 instead of a 403."""

import secrets
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, Query

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


class Pagination:
    """A class dependency: FastAPI reads __init__'s parameters from the query string."""

    def __init__(
        self,
        skip: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=50)] = 10,
    ):
        self.skip = skip
        self.limit = limit


Db = Annotated[Database, Depends(get_db)]


def get_current_user(db: Db, x_user: Annotated[str | None, Header()] = None) -> dict:
    # A sub-dependency: it needs the database too, and shares the request's one get_db run.
    user = db.find_user(x_user) if x_user else None
    if user is None:
        raise HTTPException(status_code=401, detail="Unknown user")
    return user


def require_admin(x_admin_key: Annotated[str, Header()]) -> None:
    if x_admin_key != ADMIN_KEY:
        raise HTTPException(status_code=403, detail="Admin key required")


CurrentUser = Annotated[dict, Depends(get_current_user)]


@app.get("/items")
def list_items(db: Db, page: Annotated[Pagination, Depends()]):
    return {"skip": page.skip, "limit": page.limit, "items": db.list_items(page.skip, page.limit)}


@app.get("/me/items")
def my_items(db: Db, user: CurrentUser):
    # get_db is reached twice (here and through get_current_user) but runs once: the cache.
    return {"user": user["name"], "items": db.items_owned_by(user["name"])}


@app.get("/nonces")
def nonces(
    a: Annotated[str, Depends(new_nonce, use_cache=False)],
    b: Annotated[str, Depends(new_nonce, use_cache=False)],
):
    return {"a": a, "b": b}


# The check runs before the handler, and its (None) value is not needed: a route-level dependency.
@app.post("/admin/reindex", dependencies=[Depends(require_admin)])
def reindex(db: Db):
    return {"reindexed": db.reindex()}
