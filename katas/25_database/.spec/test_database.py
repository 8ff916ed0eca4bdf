"""Specs for kata 25: SQLAlchemy with FastAPI. They reach the app only through fixtures.

The database is observed through the module-level `engine` the README names: an event listener
counts the SQL statements a request sends, and pool events show whether every connection went
back to the pool when the response was sent.
"""

import gc
import uuid

import pytest
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine

# Why a request may raise instead of answering, and what usually fixes it.
CAUSES = {
    "no such table": "The tables are not there for this connection. An in-memory SQLite database "
    "lives in one connection: create the engine with poolclass=StaticPool and "
    "connect_args={'check_same_thread': False}, and create the tables in the lifespan.",
    "IntegrityError": "A UNIQUE constraint fired and nobody caught it: catch "
    "sqlalchemy.exc.IntegrityError around commit(), roll back, and answer 409.",
    "PendingRollbackError": "A session was used again after a failed commit. Give each request "
    "its own session (a `yield` dependency) and roll back when a commit fails.",
    "ResponseValidationError": "The route returned something that does not fit its "
    "response_model, such as None for a row that does not exist: raise HTTPException(404).",
    "DetachedInstanceError": "An object was read after its session closed: build the response "
    "while the session is open (or load what the response needs before closing).",
}


def explain(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}"
    for needle, cause in CAUSES.items():
        if needle in text:
            return cause
    return "Read the traceback above: the route raised instead of returning a response."


async def call(client, method: str, url: str, **kwargs):
    """Send a request; an exception from the app becomes a failure that says what to fix."""
    try:
        return await client.request(method, url, **kwargs)
    except Exception as exc:
        failure = exc
    # Outside the `except`, with pytrace=False: the message is the lesson, and pytest need not
    # render the app's long chained traceback.
    first_line = str(failure).splitlines()[0] if str(failure) else ""
    message = f"{method} {url} raised {type(failure).__name__}: {first_line}. {explain(failure)}"
    del failure
    pytest.fail(message, pytrace=False)


def unique_name(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def unique_isbn() -> str:
    return f"978-{uuid.uuid4().int % 10**9:09d}"


async def create_author(client, name: str | None = None) -> dict:
    name = name or unique_name("Author")
    r = await call(client, "POST", "/authors", json={"name": name})
    assert r.status_code == 201, (
        f"POST /authors {{'name': {name!r}}} returned {r.status_code} {r.text}; expected 201 "
        "with the new author. Set status_code=201 on the route and commit the session."
    )
    return r.json()


async def create_book(client, author_id: int, title: str | None = None) -> dict:
    payload = {
        "title": title or unique_name("Title"),
        "isbn": unique_isbn(),
        "author_id": author_id,
    }
    r = await call(client, "POST", "/books", json=payload)
    assert r.status_code == 201, (
        f"POST /books {payload} returned {r.status_code} {r.text}; expected 201 with the new book."
    )
    return r.json()


@pytest.fixture
def engine(kata_module) -> Engine:
    found = getattr(kata_module, "engine", None)
    assert isinstance(found, Engine), (
        f"app.py's `engine` is {type(found).__name__}; the specs need the module-level SQLAlchemy "
        "Engine the app uses (engine = create_engine(...)) to count statements."
    )
    return found


@pytest.fixture
def statements(engine) -> list[str]:
    """Every SQL statement the engine sends, in order (the test clears it before a request)."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    yield seen
    event.remove(engine, "before_cursor_execute", record)


class PoolWatch:
    """Counts connections taken from and given back to the pool."""

    def __init__(self, engine: Engine) -> None:
        self.checked_out = 0
        event.listen(engine, "checkout", self._out)
        event.listen(engine, "checkin", self._in)

    def _out(self, *args) -> None:
        self.checked_out += 1

    def _in(self, *args) -> None:
        self.checked_out -= 1


# --- authors -----------------------------------------------------------------------------------


async def test_create_author_returns_201_with_its_id_and_name(client):
    name = unique_name("Ursula")
    author = await create_author(client, name)
    assert set(author) == {"id", "name"} and author["name"] == name, (
        f"POST /authors returned {author}; expected exactly {{'id': <int>, 'name': {name!r}}}. "
        "Declare response_model=AuthorOut (a Pydantic model with from_attributes=True)."
    )
    assert isinstance(author["id"], int), f"the author's id is {author['id']!r}, not an integer"


async def test_created_author_can_be_read_back(client):
    author = await create_author(client)
    r = await call(client, "GET", f"/authors/{author['id']}")
    assert r.status_code == 200 and r.json() == author, (
        f"GET /authors/{author['id']} after creating it returned {r.status_code} {r.text}; "
        f"expected 200 {author}. Was the session committed after session.add()?"
    )


async def test_unknown_author_is_404(client):
    author = await create_author(client)
    missing = author["id"] + 1000
    r = await call(client, "GET", f"/authors/{missing}")
    assert r.status_code == 404 and r.json() == {"detail": "Author not found"}, (
        f"GET /authors/{missing} (no such author) returned {r.status_code} {r.text}; "
        "expected 404 {'detail': 'Author not found'}."
    )


async def test_duplicate_author_name_is_409(client):
    name = unique_name("Octavia")
    await create_author(client, name)
    r = await call(client, "POST", "/authors", json={"name": name})
    assert r.status_code == 409 and r.json() == {"detail": "Author already exists"}, (
        f"POST /authors with a name that exists returned {r.status_code} {r.text}; expected 409 "
        "{'detail': 'Author already exists'}: catch IntegrityError from commit()."
    )


# --- books -------------------------------------------------------------------------------------


async def test_create_book_returns_201_with_its_author_nested(client):
    author = await create_author(client)
    payload = {
        "title": unique_name("The Dispossessed"),
        "isbn": unique_isbn(),
        "author_id": author["id"],
    }
    r = await call(client, "POST", "/books", json=payload)
    assert r.status_code == 201, (
        f"POST /books {payload} returned {r.status_code} {r.text}; expected 201"
    )
    book = r.json()
    expected = {"title": payload["title"], "isbn": payload["isbn"], "author": author}
    assert {k: book.get(k) for k in expected} == expected and set(book) == {"id", *expected}, (
        f"POST /books returned {book}; expected {{'id': <int>, **{expected}}}: the author nested "
        "as {'id', 'name'}, no author_id. A BookOut model with `author: AuthorOut` does this."
    )


async def test_created_book_is_committed(client):
    author = await create_author(client)
    book = await create_book(client, author["id"])
    r = await call(client, "GET", f"/books/{book['id']}")
    assert r.status_code == 200 and r.json() == book, (
        f"GET /books/{book['id']} right after creating it returned {r.status_code} {r.text}; "
        f"expected 200 {book}. A session that is closed without commit() rolls the insert back."
    )


async def test_book_for_an_unknown_author_is_404(client):
    author = await create_author(client)
    payload = {"title": "Orphan", "isbn": unique_isbn(), "author_id": author["id"] + 1000}
    r = await call(client, "POST", "/books", json=payload)
    assert r.status_code == 404 and r.json() == {"detail": "Author not found"}, (
        f"POST /books with author_id={payload['author_id']} (no such author) returned "
        f"{r.status_code} {r.text}; expected 404 {{'detail': 'Author not found'}}. SQLite does not "
        "enforce foreign keys by default: look the author up first."
    )


async def test_duplicate_isbn_is_409(client):
    author = await create_author(client)
    book = await create_book(client, author["id"])
    payload = {"title": "Another title", "isbn": book["isbn"], "author_id": author["id"]}
    r = await call(client, "POST", "/books", json=payload)
    assert r.status_code == 409 and r.json() == {"detail": "ISBN already exists"}, (
        f"POST /books with an ISBN that exists returned {r.status_code} {r.text}; expected 409 "
        "{'detail': 'ISBN already exists'}."
    )


async def test_the_service_keeps_working_after_a_409(client):
    # A session whose commit failed refuses all work until it is rolled back.
    author = await create_author(client)
    book = await create_book(client, author["id"])
    duplicate = {"title": "Copy", "isbn": book["isbn"], "author_id": author["id"]}
    r = await call(client, "POST", "/books", json=duplicate)
    assert r.status_code == 409, (
        f"the duplicate ISBN returned {r.status_code} {r.text}; expected 409"
    )
    after = await create_book(client, author["id"])
    r = await call(client, "GET", f"/books/{after['id']}")
    assert r.status_code == 200, (
        f"after a 409, GET /books/{after['id']} returned {r.status_code} {r.text}: each request "
        "needs its own session, rolled back when a commit fails."
    )


async def test_unknown_book_is_404(client):
    author = await create_author(client)
    book = await create_book(client, author["id"])
    missing = book["id"] + 1000
    r = await call(client, "GET", f"/books/{missing}")
    assert r.status_code == 404 and r.json() == {"detail": "Book not found"}, (
        f"GET /books/{missing} returned {r.status_code} {r.text}; expected 404 "
        "{'detail': 'Book not found'}."
    )


async def test_delete_book_is_204_and_it_is_gone(client):
    author = await create_author(client)
    book = await create_book(client, author["id"])
    r = await call(client, "DELETE", f"/books/{book['id']}")
    assert r.status_code == 204 and not r.content, (
        f"DELETE /books/{book['id']} returned {r.status_code} {r.text!r}; expected 204 with no body."
    )
    r = await call(client, "GET", f"/books/{book['id']}")
    assert r.status_code == 404, (
        f"GET /books/{book['id']} after deleting it returned {r.status_code} {r.text}; expected "
        "404. Did the delete route call session.commit()?"
    )


async def test_delete_unknown_book_is_404(client):
    author = await create_author(client)
    book = await create_book(client, author["id"])
    r = await call(client, "DELETE", f"/books/{book['id'] + 1000}")
    assert r.status_code == 404 and r.json() == {"detail": "Book not found"}, (
        f"DELETE of a book that does not exist returned {r.status_code} {r.text}; expected 404 "
        "{'detail': 'Book not found'}."
    )


# --- the list: pagination and N+1 --------------------------------------------------------------


@pytest.fixture
async def catalogue(client, engine) -> list[dict]:
    """25 books by 13 authors, written straight into the README's tables; returned by id.

    Seeding with SQL (not 38 POSTs) keeps the run fast; the routes are what the tests then read.
    """
    authors = [{"name": unique_name("Author")} for _ in range(13)]
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO authors (name) VALUES (:name)"), authors)
        rows = conn.execute(text("SELECT id, name FROM authors ORDER BY id")).all()
        by_id = {row.id: {"id": row.id, "name": row.name} for row in rows}
        ids = list(by_id)
        books = [
            {"title": unique_name("Title"), "isbn": unique_isbn(), "author_id": ids[i % len(ids)]}
            for i in range(25)
        ]
        conn.execute(
            text("INSERT INTO books (title, isbn, author_id) VALUES (:title, :isbn, :author_id)"),
            books,
        )
        rows = conn.execute(text("SELECT id, title, isbn, author_id FROM books ORDER BY id")).all()
    return [
        {"id": r.id, "title": r.title, "isbn": r.isbn, "author": by_id[r.author_id]} for r in rows
    ]


async def test_list_defaults_to_the_first_10_books_by_id(client, catalogue):
    r = await call(client, "GET", "/books")
    assert r.status_code == 200, f"GET /books returned {r.status_code} {r.text}"
    expected = catalogue[:10]
    assert r.json() == expected, (
        f"GET /books returned ids {[b.get('id') for b in r.json()]}; expected the first 10 books "
        f"ordered by id: {[b['id'] for b in expected]}, each shaped like POST /books' answer."
    )


async def test_list_pages_with_limit_and_offset(client, catalogue):
    ids = [b["id"] for b in catalogue]
    for limit, offset in [(5, 0), (7, 10), (10, 20), (100, 0), (3, 30)]:
        r = await call(client, "GET", "/books", params={"limit": limit, "offset": offset})
        assert r.status_code == 200, (
            f"GET /books?limit={limit}&offset={offset} returned {r.status_code} {r.text}"
        )
        got = [b.get("id") for b in r.json()]
        expected = ids[offset : offset + limit]
        assert got == expected, (
            f"GET /books?limit={limit}&offset={offset} (25 books) returned ids {got}; expected "
            f"{expected}: skip `offset` books ordered by id, then return at most `limit`."
        )


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=ten"])
async def test_list_rejects_bad_paging_with_422(client, query):
    r = await call(client, "GET", f"/books?{query}")
    assert r.status_code == 422, (
        f"GET /books?{query} returned {r.status_code}; expected 422: limit is 1..100, offset >= 0. "
        "Query(ge=..., le=...) makes FastAPI check it."
    )


async def test_list_does_not_lazy_load_authors_one_by_one(client, catalogue, statements):
    counts = {}
    for limit in (3, 20):
        statements.clear()
        r = await call(client, "GET", "/books", params={"limit": limit})
        assert r.status_code == 200, f"GET /books?limit={limit} returned {r.status_code}"
        counts[limit] = len(statements)
    assert counts[20] <= 2, (
        f"GET /books?limit=20 sent {counts[20]} SQL statements (limit=3 sent {counts[3]}): one "
        "for the page, then one per distinct author that lazy loading fetched (authors already "
        "in the session are not queried again). That is the N+1 problem. Load the authors with "
        "the books: "
        ".options(selectinload(Book.author)) (2 statements) or joinedload (1)."
    )


# --- sessions and the schema -------------------------------------------------------------------


async def test_every_connection_goes_back_to_the_pool_after_each_request(client, engine):
    pool = PoolWatch(engine)
    author = await create_author(client)
    book = await create_book(client, author["id"])
    requests = [
        ("GET", f"/authors/{author['id']}", {}),
        ("GET", f"/books/{book['id']}", {}),
        ("GET", f"/books/{book['id'] + 1000}", {}),  # 404: the session must close on errors too
        ("POST", "/authors", {"json": {"name": author["name"]}}),  # 409
        ("GET", "/books", {}),
        ("DELETE", f"/books/{book['id']}", {}),
    ]
    for method, url, kwargs in requests:
        before = pool.checked_out
        # The garbage collector could return a leaked session's connection at any moment; with
        # it paused, what the app closed (or did not) is all that counts.
        gc.disable()
        try:
            r = await call(client, method, url, **kwargs)
            leaked = pool.checked_out != before
        finally:
            gc.enable()
        assert not leaked, (
            f"after {method} {url} ({r.status_code}) a connection was still checked out of the "
            "pool: the request's session was not closed. Open one session per request in a "
            "`yield` dependency (`with Session(engine) as session: yield session`)."
        )


async def test_the_tables_are_created_by_the_lifespan(kata_module, engine):
    # Work at import runs whenever anything imports the module (tests, tools, workers); the
    # lifespan runs once when the server starts, which is where start-up work belongs.
    from asgi_lifespan import LifespanManager

    at_import = set(inspect(engine).get_table_names())
    assert not at_import & {"authors", "books"}, (
        f"the tables {sorted(at_import)} already exist right after importing app.py: create them "
        "in the lifespan (Base.metadata.create_all(engine) before its `yield`), not at import."
    )
    async with LifespanManager(kata_module.app):
        started = set(inspect(engine).get_table_names())
    assert {"authors", "books"} <= started, (
        f"once the lifespan started, the database had the tables {sorted(started)}; expected "
        "`authors` and `books`. Is the lifespan passed to FastAPI(lifespan=...)?"
    )


def unique_columns(engine: Engine, table: str) -> set[str]:
    inspector = inspect(engine)
    found = {
        c["column_names"][0]
        for c in inspector.get_unique_constraints(table)
        if len(c["column_names"]) == 1
    }
    found |= {
        i["column_names"][0]
        for i in inspector.get_indexes(table)
        if i.get("unique") and len(i["column_names"]) == 1
    }
    return found


async def test_the_database_enforces_unique_names_and_isbns(client, engine):
    tables = set(inspect(engine).get_table_names())
    assert {"authors", "books"} <= tables, (
        f"the database has the tables {sorted(tables)}; expected `authors` and `books`, created "
        "by the lifespan (Base.metadata.create_all(engine))."
    )
    for table, column in (("authors", "name"), ("books", "isbn")):
        assert column in unique_columns(engine, table), (
            f"{table}.{column} has no UNIQUE constraint: checking with a SELECT first races with "
            "another request. Declare mapped_column(unique=True) and let the database say no."
        )
