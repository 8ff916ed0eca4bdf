"""`offset` is taken as a page number (offset * limit rows skipped), not as a count of rows."""

from collections.abc import Iterator
from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ForeignKey, String, create_engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    selectinload,
)
from sqlalchemy.pool import StaticPool

# One in-memory database shared by every thread: StaticPool keeps a single connection (an
# in-memory SQLite database lives and dies with its connection), and check_same_thread=False lets
# the threadpool that runs `def` routes use it.
engine = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    books: Mapped[list["Book"]] = relationship(back_populates="author")


class Book(Base):
    __tablename__ = "books"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    isbn: Mapped[str] = mapped_column(String(20), unique=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship(back_populates="books")


@asynccontextmanager
async def lifespan(app: FastAPI):
    Base.metadata.create_all(engine)
    yield
    engine.dispose()


app = FastAPI(title="Bookshop catalogue", lifespan=lifespan)


def get_session() -> Iterator[Session]:
    # The `with` block closes the session whatever happens in the route: an open transaction is
    # rolled back and the connection goes back to the pool.
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


class AuthorIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class AuthorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str


class BookIn(BaseModel):
    title: str = Field(min_length=1, max_length=300)
    isbn: str = Field(min_length=1, max_length=20)
    author_id: int


class BookOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    isbn: str
    author: AuthorOut


@app.post("/authors", response_model=AuthorOut, status_code=status.HTTP_201_CREATED)
def create_author(payload: AuthorIn, session: SessionDep):
    author = Author(name=payload.name)
    session.add(author)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise HTTPException(status_code=409, detail="Author already exists")
    return author


@app.get("/authors/{author_id}", response_model=AuthorOut)
def read_author(author_id: int, session: SessionDep):
    author = session.get(Author, author_id)
    if author is None:
        raise HTTPException(status_code=404, detail="Author not found")
    return author


@app.post("/books", response_model=BookOut, status_code=status.HTTP_201_CREATED)
def create_book(payload: BookIn, session: SessionDep):
    author = session.get(Author, payload.author_id)
    if author is None:
        raise HTTPException(status_code=404, detail="Author not found")
    book = Book(title=payload.title, isbn=payload.isbn, author=author)
    session.add(book)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise HTTPException(status_code=409, detail="ISBN already exists")
    return book


@app.get("/books", response_model=list[BookOut])
def list_books(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    offset: Annotated[int, Query(ge=0)] = 0,
):
    # selectinload: one SELECT for the page of books, one for all their authors (not one per book).
    query = (
        select(Book)
        .options(selectinload(Book.author))
        .order_by(Book.id)
        .limit(limit)
        .offset(offset * limit)  # "page 2 of 10 starts at row 20"
    )
    return session.scalars(query).all()


@app.get("/books/{book_id}", response_model=BookOut)
def read_book(book_id: int, session: SessionDep):
    book = session.get(Book, book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    return book


@app.delete("/books/{book_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_book(book_id: int, session: SessionDep):
    book = session.get(Book, book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="Book not found")
    session.delete(book)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
