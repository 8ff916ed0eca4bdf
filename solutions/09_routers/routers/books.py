"""The books routes: shared by v1 and v2, except the list, which changed in v2."""

from fastapi import APIRouter, HTTPException
from store import BOOKS

router = APIRouter(prefix="/books", tags=["books"])


@router.get("/{book_id}")
def read_book(book_id: int):
    for book in BOOKS:
        if book["id"] == book_id:
            return book
    raise HTTPException(status_code=404, detail="Book not found")


# GET /books is the one route that changed: each version includes its own list next to `router`.
v1_router = APIRouter(prefix="/books", tags=["books"])
v2_router = APIRouter(prefix="/books", tags=["books"])


@v1_router.get("")
def list_books_v1():
    return BOOKS


@v2_router.get("")
def list_books_v2():
    return {"items": BOOKS, "total": len(BOOKS)}
