"""Kata 25: what lazy and eager loading and the default SQLite pool really do (SQLAlchemy 2.1)."""

from __future__ import annotations

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import BaseModel
from sqlalchemy import ForeignKey, create_engine, event, insert, select
from sqlalchemy.exc import IntegrityError, InvalidRequestError, PendingRollbackError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    joinedload,
    mapped_column,
    raiseload,
    relationship,
    selectinload,
)
from sqlalchemy.pool import SingletonThreadPool, StaticPool

from tests.claims.quote import quoted

KATA = "25_database"


class Base(DeclarativeBase):
    pass


class Author(Base):
    __tablename__ = "authors"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)


class Book(Base):
    __tablename__ = "books"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
    author: Mapped[Author] = relationship()


def statements_for_page(n_books: int, n_authors: int, limit: int, *options) -> int:
    """SQL statements one session sends to read `limit` books and each book's author's name, with
    books assigned to authors round robin, as the kata's specs seed them."""
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(insert(Author), [{"id": i + 1, "name": f"a{i}"} for i in range(n_authors)])
        conn.execute(
            insert(Book),
            [{"title": f"t{i}", "author_id": i % n_authors + 1} for i in range(n_books)],
        )
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: sent.append(args[2]))
    with Session(engine) as session:
        books = session.scalars(select(Book).options(*options).order_by(Book.id).limit(limit))
        [book.author.name for book in books.unique()]
    engine.dispose()
    return len(sent)


def test_lazy_loading_queries_once_per_distinct_author_not_per_book():
    quoted(KATA, "kata.toml", "queries once per distinct author it has not loaded yet")
    quoted(KATA, "kata.toml", "(25 books by 13 authors) GET /books?limit=20 sent 14 statements")
    quoted(KATA, "kata.toml", "20 books by 20 different authors would take 21")
    assert statements_for_page(25, 13, 20) == 14
    assert statements_for_page(25, 25, 20) == 21


@pytest.mark.parametrize(
    ("option", "count", "phrase"),
    [
        (selectinload(Book.author), 2, "`selectinload(Book.author)`: 2 statements"),
        (joinedload(Book.author), 1, "`joinedload`: 1"),
    ],
    ids=["selectinload", "joinedload"],
)
def test_eager_loading_sends_a_fixed_number_of_statements(option, count, phrase):
    quoted(KATA, "README.md", phrase)
    quoted(KATA, "README.md", "sends **at most 2 SQL statements**, whatever the page size")
    assert statements_for_page(25, 13, 20, option) == count
    assert statements_for_page(100, 100, 100, option) == count


async def test_default_sqlite_memory_pool_gives_each_thread_its_own_database():
    quoted(KATA, "README.md", "which gives **each thread its own connection, hence its own empty")
    engine = create_engine("sqlite://")
    assert isinstance(engine.pool, SingletonThreadPool)
    Base.metadata.create_all(engine)

    def tables_seen_from_a_worker_thread() -> list[str]:
        with engine.connect() as conn:
            return [row[0] for row in conn.exec_driver_sql("SELECT name FROM sqlite_master")]

    seen = await anyio.to_thread.run_sync(tables_seen_from_a_worker_thread)
    engine.dispose()
    assert seen == []


def test_fastapi_threadpool_has_40_threads_by_default():
    quoted(KATA, "kata.toml", "which FastAPI runs in its threadpool (40 threads by default)")

    async def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(tokens) == 40


def test_response_model_reads_attributes_of_a_returned_object():
    quoted(KATA, "README.md", "it validates responses with `from_attributes=True`")

    class AuthorOut(BaseModel):  # no from_attributes in its config
        id: int
        name: str

    app = FastAPI()

    @app.get("/author", response_model=AuthorOut)
    def read_author():
        return Author(id=7, name="Le Guin")  # an ORM object, not a dict

    with TestClient(app) as client:
        assert client.get("/author").json() == {"id": 7, "name": "Le Guin"}


def memory_engine():
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    Base.metadata.create_all(engine)
    return engine


def test_a_failed_commit_refuses_all_work_until_rollback():
    quoted(KATA, "kata.toml", "after one failed commit refuses every later request with")
    quoted(KATA, "kata.toml", "PendingRollbackError")
    engine = memory_engine()
    with Session(engine) as session:
        session.add_all([Author(name="Le Guin"), Author(name="Le Guin")])
        with pytest.raises(IntegrityError):
            session.commit()
        with pytest.raises(PendingRollbackError):  # the next request's read, same session
            session.scalars(select(Author)).all()
        session.rollback()
        session.add(Author(name="Butler"))
        session.commit()
    engine.dispose()


def test_sqlite_does_not_enforce_foreign_keys_unless_told_to():
    quoted(KATA, "README.md", "SQLite does not enforce foreign keys unless told to")
    engine = memory_engine()
    with Session(engine) as session:
        session.add(Book(title="Orphan", author_id=999))
        session.commit()  # no IntegrityError: no author 999, and SQLite does not check
        assert session.scalar(select(Book.author_id)) == 999
    engine.dispose()


def test_lazy_raise_turns_a_forgotten_lazy_load_into_an_error():
    quoted(KATA, "kata.toml", "`lazy='raise'` makes any forgotten lazy load an error")
    engine = memory_engine()
    with engine.begin() as conn:
        conn.execute(insert(Author), [{"id": 1, "name": "Le Guin"}])
        conn.execute(insert(Book), [{"title": "The Dispossessed", "author_id": 1}])
    with Session(engine) as session:
        book = session.scalars(select(Book).options(raiseload(Book.author))).one()
        with pytest.raises(InvalidRequestError, match="raise"):
            _ = book.author
    engine.dispose()
