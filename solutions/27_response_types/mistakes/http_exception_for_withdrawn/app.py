"""Raises HTTPException(410) for a withdrawn book: the body can only be {'detail': ...}, so replaced_by is lost."""

import html
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


# response_class tells OpenAPI (and Swagger UI) the real media type; returning a str from a
# PlainTextResponse route sends it as text, not as a JSON string.
@app.get("/health", response_class=PlainTextResponse)
async def health():
    return "ok"


@app.get("/books")
async def list_books():
    return [{"id": book["id"], "title": book["title"]} for book in BOOKS.values()]


# A form post answers 303 See Other: the browser follows it with a GET, so reloading the page
# does not submit the form again (Post/Redirect/Get). A 307 would repeat the POST.
@app.post("/books", response_class=RedirectResponse, status_code=303)
async def create_book(title: str = Form()):
    book_id = max(BOOKS, default=0) + 1
    BOOKS[book_id] = {
        "id": book_id,
        "title": title,
        "file": None,
        "withdrawn": False,
        "replaced_by": None,
    }
    return f"/books/{book_id}"  # with response_class=RedirectResponse, a str is the Location


# 307 Temporary Redirect (the default) repeats the same method at the new URL: right for a GET.
@app.get("/catalog", response_class=RedirectResponse)
async def old_catalog():
    return "/books"


@app.get("/books/{book_id}")
async def read_book(book_id: int):
    book = find_book(book_id)
    if book["withdrawn"]:
        # HTTPException can only say {"detail": ...}; JSONResponse chooses status and body.
        raise HTTPException(status_code=410, detail="Book withdrawn")
    return {"id": book["id"], "title": book["title"]}


@app.get("/books/{book_id}/card", response_class=HTMLResponse)
async def book_card(book_id: int):
    book = find_book(book_id)
    # Titles come from users: escape them, or a title can carry a <script>.
    return f'<article class="book"><h1>{html.escape(book["title"])}</h1></article>'


@app.get("/books/{book_id}/download", response_class=FileResponse)
async def download_book(book_id: int):
    book = find_book(book_id)
    path = FILES_DIR / book["file"] if book["file"] else None
    if path is None or not path.is_file():
        # FileResponse only opens the file while sending: check first, or a missing file is a 500.
        raise HTTPException(status_code=404, detail="File not found")
    return FileResponse(path, filename=f"book-{book_id}.txt")
