"""Kata 02: query parameters. Edit this file until `python -m checker check 02` passes.

The README next to this file is the contract. BOOKS stands in for a database: the specs replace
its records with their own, so read it inside your handler, at request time.
"""

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


# A first draft: it searches and pages, but validates nothing, ignores ?tag=, reads in_stock as
# text, and has no max_price, sort or order yet.
@app.get("/books")
def list_books(
    q: str | None = None,
    tag: list[str] | None = None,
    in_stock: str | None = None,
    limit: int = 10,
    offset: int = 0,
):
    books = BOOKS
    if q is not None:
        books = [b for b in books if q.lower() in b["title"].lower()]
    if tag:
        books = [b for b in books if all(t in b["tags"] for t in tag)]
    if in_stock is not None:
        books = [b for b in books if b["in_stock"] == (in_stock == "true")]
    books = sorted(books, key=lambda b: b["title"])
    return {
        "total": len(books),
        "limit": limit,
        "offset": offset,
        "items": books[offset : offset + limit],
    }
