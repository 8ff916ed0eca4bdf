"""limit has ge=1 but no le=50, so a client can ask for the whole table in one page."""

from enum import Enum

from fastapi import FastAPI, Query

app = FastAPI(title="Bookshop catalogue")

BOOKS: list[dict] = [
    {
        "id": 1,
        "title": "Harbor Lights",
        "price": 1450,
        "year": 1998,
        "tags": ["fiction"],
        "in_stock": True,
    },
    {
        "id": 2,
        "title": "Orchard Notes",
        "price": 990,
        "year": 2011,
        "tags": ["poetry"],
        "in_stock": False,
    },
    {
        "id": 3,
        "title": "Compass Roads",
        "price": 2200,
        "year": 2005,
        "tags": ["travel", "history"],
        "in_stock": True,
    },
]


class SortField(str, Enum):
    title = "title"
    price = "price"
    year = "year"


@app.get("/books")
def list_books(
    q: str | None = Query(default=None, min_length=2, max_length=40),
    # A list needs Query(): without it FastAPI would look for `tag` in the request body.
    tag: list[str] = Query(default=[]),
    in_stock: bool | None = None,
    max_price: int | None = Query(default=None, ge=0),
    sort: SortField = SortField.title,
    order: str = Query(default="asc", pattern="^(asc|desc)$"),
    limit: int = Query(default=10, ge=1),
    offset: int = Query(default=0, ge=0),
):
    books = BOOKS
    if q is not None:
        books = [b for b in books if q.lower() in b["title"].lower()]
    if tag:
        books = [b for b in books if all(t in b["tags"] for t in tag)]
    if in_stock is not None:
        books = [b for b in books if b["in_stock"] == in_stock]
    if max_price is not None:
        books = [b for b in books if b["price"] <= max_price]
    # Sort the whole result first, then cut the page out of it.
    books = sorted(books, key=lambda b: b[sort.value], reverse=order == "desc")
    return {
        "total": len(books),
        "limit": limit,
        "offset": offset,
        "items": books[offset : offset + limit],
    }
