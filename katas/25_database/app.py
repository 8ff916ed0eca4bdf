"""Kata 25: a bookshop catalogue on SQLite through SQLAlchemy 2. Edit this file until
`python -m checker check 25` passes.

The README next to this file is the contract. This version "works on my machine" for one request
at a time and breaks in every way production does: the in-memory database is not shared between
threads, one Session serves every request, duplicates are not refused by the database, the list
is neither paged nor loaded efficiently, and a delete is never committed.
"""

from contextlib import asynccontextmanager

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, ConfigDict
from sqlalchemy import ForeignKey, String, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

# The specs count SQL statements through this module-level name: keep it.
engine = create_engine("sqlite://")


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    isbn: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")


@asynccontextmanager
async def lifespan(app: FastAPI):
    Base.metadata.create_all(engine)
    yield


app = FastAPI(title="Bookshop catalogue", lifespan=lifespan)

db = Session(engine)


class AuthorIn(BaseModel):
    name: str


class AuthorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class BookIn(BaseModel):
    title: str
    isbn: str
    author_id: int


class BookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    isbn: str
    author: AuthorOut


@app.post("/authors", response_model=AuthorOut)
def create_author(payload: AuthorIn):
    author = Author(name=payload.name)
    db.add(author)
    db.commit()
    return author


@app.get("/authors/{author_id}", response_model=AuthorOut)
def read_author(author_id: int):
    return db.get(Author, author_id)


@app.post("/books", response_model=BookOut)
def create_book(payload: BookIn):
    book = Book(title=payload.title, isbn=payload.isbn, author_id=payload.author_id)
    db.add(book)
    db.commit()
    return book


@app.get("/books", response_model=list[BookOut])
def list_books():
    return db.scalars(select(Book)).all()


@app.get("/books/{book_id}", response_model=BookOut)
def read_book(book_id: int):
    book = db.get(Book, book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    return book


@app.delete("/books/{book_id}", status_code=204)
def delete_book(book_id: int):
    book = db.get(Book, book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    db.delete(book)
