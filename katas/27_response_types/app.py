"""Kata 27: response types. Edit this file until `python -m checker check 27` passes.

The README next to this file is the contract. BOOKS stands in for a database and FILES_DIR for
the folder of book files: the specs replace both, so read them at request time.
"""

from pathlib import Path

from fastapi import FastAPI, Form, HTTPException
from fastapi.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
)

app = FastAPI(title="Bookshop")

BOOKS: dict[int, dict] = {
    1: {"id": 1, "title": "Dune", "file": "dune.txt", "withdrawn": False, "replaced_by": None},
    2: {"id": 2, "title": "Old Atlas", "file": None, "withdrawn": True, "replaced_by": 3},
    3: {
        "id": 3,
        "title": "New Atlas",
        "file": "atlas.txt",
        "withdrawn": False,
        "replaced_by": None,
    },
}
FILES_DIR = Path("book-files")


def find_book(book_id: int) -> dict:
    book = BOOKS.get(book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    return book


@app.get("/health")
async def health():
    return "ok"


@app.get("/books")
async def list_books():
    return [{"id": book["id"], "title": book["title"]} for book in BOOKS.values()]


@app.post("/books")
async def create_book(title: str = Form()):
    book_id = max(BOOKS, default=0) + 1
    BOOKS[book_id] = {
        "id": book_id,
        "title": title,
        "file": None,
        "withdrawn": False,
        "replaced_by": None,
    }
    return RedirectResponse(f"/books/{book_id}")


@app.get("/catalog")
async def old_catalog():
    return RedirectResponse("/books")


@app.get("/books/{book_id}")
async def read_book(book_id: int):
    book = find_book(book_id)
    if book["withdrawn"]:
        raise HTTPException(status_code=410, detail="Book withdrawn")
    return {"id": book["id"], "title": book["title"]}


@app.get("/books/{book_id}/card")
async def book_card(book_id: int):
    book = find_book(book_id)
    return f'<article class="book"><h1>{book["title"]}</h1></article>'


@app.get("/books/{book_id}/download")
async def download_book(book_id: int):
    book = find_book(book_id)
    return FileResponse(FILES_DIR / str(book["file"]))
