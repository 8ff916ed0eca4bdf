"""Specs for kata 09: routers. They reach the app only through fixtures.

Books and authors are generated and written into the lists app.py re-exports from store.py, so
every route must read them at request time.
"""

import inspect
import random
from pathlib import Path

import httpx
import pytest

PARTNER = {"X-Partner-Key": "partner-secret"}
VERSIONS = ("v1", "v2")


def got(url, r, headers=None):
    """What came back, and the likely cause when no route matched at all."""
    sent = f" with headers {headers}" if headers is not None else ""
    text = f"GET {url}{sent} returned {r.status_code} {r.text[:300]}"
    if r.status_code == 404 and r.text == '{"detail":"Not Found"}':
        version = url.split("/")[1]
        text += (
            f" (no route matched: is the router included under /{version}, with its prefix "
            "set once, on the router or on include_router, not twice?)"
        )
    return text


@pytest.fixture
def catalogue(kata_module):
    rng = random.Random()
    author_ids = rng.sample(range(100, 1000), 3)
    authors = [
        {"id": i, "name": f"Author {i}", "email": f"author{i}@example.org"} for i in author_ids
    ]
    books = [
        {
            "id": book_id,
            "title": f"Volume {book_id}",
            "author_id": rng.choice(author_ids),
            "year": rng.randrange(1900, 2025),
        }
        for book_id in rng.sample(range(1000, 10_000), rng.randrange(4, 9))
    ]
    kata_module.BOOKS[:] = books
    kata_module.AUTHORS[:] = authors
    return books, authors


# --- the code lives in router modules ----------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "module"),
    [
        ("/v1/books/{book}", "routers/books.py"),
        ("/v2/books/{book}", "routers/books.py"),
        ("/v1/authors", "routers/authors.py"),
        ("/v2/authors/{author}", "routers/authors.py"),
    ],
)
async def test_routes_are_defined_in_their_router_module(app, impl_dir, catalogue, url, module):
    books, authors = catalogue
    url = url.format(book=books[0]["id"], author=authors[0]["id"])
    # Routing records the handler it chose in the ASGI scope; a thin wrapper reads it back.
    scope_seen = {}

    async def recorder(scope, receive, send):
        await app(scope, receive, send)
        scope_seen.update(scope)

    transport = httpx.ASGITransport(app=recorder)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        r = await client.get(url, headers=PARTNER)
    endpoint = scope_seen.get("endpoint")
    assert r.status_code == 200 and endpoint is not None, (
        f"{got(url, r)}; expected 200 from a handler in {module}."
    )
    source = inspect.getsourcefile(endpoint)
    where = Path(source).resolve() if source else None
    assert where == (impl_dir / module).resolve(), (
        f"GET {url} was answered by {endpoint.__name__} in "
        f"{where.name if where else 'an unknown file'}; it belongs in {module}, on that "
        "module's `router` (an APIRouter) which app.py includes."
    )


# --- books: public, the same in both versions except the list ----------------------------------


async def test_v1_lists_the_books(client, catalogue):
    books, _ = catalogue
    r = await client.get("/v1/books")
    assert r.status_code == 200, f"{got('/v1/books', r)}; expected 200"
    assert r.json() == books, (
        f"GET /v1/books returned {r.json()}; expected the list BOOKS itself: {books}"
    )


async def test_v2_lists_the_books_in_an_envelope(client, catalogue):
    books, _ = catalogue
    r = await client.get("/v2/books")
    assert r.status_code == 200, f"{got('/v2/books', r)}; expected 200"
    expected = {"items": books, "total": len(books)}
    assert r.json() == expected, (
        f"GET /v2/books returned {r.json()}; expected {expected}. v2 changed the list: it wraps "
        "the books in {'items': [...], 'total': n}. v1 keeps the bare list."
    )


@pytest.mark.parametrize("version", VERSIONS)
async def test_a_book_by_id(client, catalogue, version):
    books, _ = catalogue
    book = random.choice(books)
    url = f"/{version}/books/{book['id']}"
    r = await client.get(url)
    assert r.status_code == 200 and r.json() == book, f"{got(url, r)}; expected 200 {book}"


@pytest.mark.parametrize("version", VERSIONS)
async def test_an_unknown_book_is_404(client, catalogue, version):
    url = f"/{version}/books/7"
    r = await client.get(url)
    assert r.status_code == 404 and r.json() == {"detail": "Book not found"}, (
        f"{got(url, r)}; book 7 does not exist: expected 404 {{'detail': 'Book not found'}}"
    )


# --- authors: a router-level dependency guards every route -------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
async def test_every_authors_route_needs_the_partner_key(client, catalogue, version):
    _, authors = catalogue
    for url in (f"/{version}/authors", f"/{version}/authors/{authors[0]['id']}"):
        for headers in ({}, {"X-Partner-Key": "guess"}):
            r = await client.get(url, headers=headers)
            assert r.status_code == 403 and r.json() == {"detail": "Partner key required"}, (
                f"{got(url, r, headers)}; expected 403 {{'detail': 'Partner key required'}}. "
                "Put the check on the authors router itself, APIRouter(..., "
                "dependencies=[Depends(require_partner_key)]), so every route of it, in every "
                "version, is guarded."
            )


@pytest.mark.parametrize("version", VERSIONS)
async def test_partners_read_the_authors(client, catalogue, version):
    _, authors = catalogue
    url = f"/{version}/authors"
    r = await client.get(url, headers=PARTNER)
    assert r.status_code == 200 and r.json() == authors, (
        f"{got(url, r, PARTNER)}; expected 200 {authors}"
    )
    author = random.choice(authors)
    url = f"/{version}/authors/{author['id']}"
    r = await client.get(url, headers=PARTNER)
    assert r.status_code == 200 and r.json() == author, (
        f"{got(url, r, PARTNER)}; expected 200 {author}"
    )


@pytest.mark.parametrize("version", VERSIONS)
async def test_an_unknown_author_is_404_for_partners(client, catalogue, version):
    url = f"/{version}/authors/7"
    r = await client.get(url, headers=PARTNER)
    assert r.status_code == 404 and r.json() == {"detail": "Author not found"}, (
        f"{got(url, r, PARTNER)}; author 7 does not exist: expected 404 "
        "{'detail': 'Author not found'}"
    )


@pytest.mark.parametrize("version", VERSIONS)
async def test_books_need_no_partner_key(client, catalogue, version):
    books, _ = catalogue
    url = f"/{version}/books/{books[0]['id']}"
    r = await client.get(url)
    assert r.status_code == 200, (
        f"{got(url, r)}; expected 200 without a partner key: books are public, the partner "
        "check belongs to the authors router only."
    )


# --- v1 is deprecated, v2 is not ---------------------------------------------------------------

# 2026-01-01T00:00:00Z in RFC 9745's form: '@' and the Unix time in seconds.
V1_DEPRECATION = "@1767225600"


async def test_every_v1_response_is_marked_deprecated(client, catalogue):
    books, authors = catalogue
    for url, headers in [
        ("/v1/books", {}),
        (f"/v1/books/{books[0]['id']}", {}),
        ("/v1/authors", PARTNER),
        (f"/v1/authors/{authors[0]['id']}", PARTNER),
    ]:
        r = await client.get(url, headers=headers)
        assert r.status_code == 200, f"{got(url, r, headers)}; expected 200"
        value = r.headers.get("deprecation")
        assert value is not None, (
            f"GET {url} came back without a Deprecation header (headers: {dict(r.headers)}). "
            "Every v1 response needs it: give the v1 include a dependency that sets it, not each "
            "route (include_router(..., dependencies=[...]) or APIRouter(prefix='/v1', "
            "dependencies=[...]))."
        )
        assert value == V1_DEPRECATION, (
            f"GET {url} carries `Deprecation: {value}`; expected `Deprecation: {V1_DEPRECATION}`. "
            "RFC 9745 makes the value a date, '@' followed by Unix seconds (not 'true', not an "
            "HTTP date): the README gives the date v1 was deprecated."
        )


async def test_v2_responses_are_not_deprecated(client, catalogue):
    books, authors = catalogue
    for url, headers in [
        ("/v2/books", {}),
        (f"/v2/books/{books[0]['id']}", {}),
        ("/v2/authors", PARTNER),
        (f"/v2/authors/{authors[0]['id']}", PARTNER),
    ]:
        r = await client.get(url, headers=headers)
        assert r.status_code == 200, f"{got(url, r, headers)}; expected 200"
        assert "deprecation" not in r.headers, (
            f"GET {url} carries `Deprecation: {r.headers.get('deprecation')}`: only v1 is "
            "deprecated. Attach the dependency to the v1 include, not to the routers."
        )


# --- the OpenAPI document groups the operations by tag ------------------------------------------


async def test_openapi_tags_each_operation_with_its_router(client):
    r = await client.get("/openapi.json")
    assert r.status_code == 200, f"GET /openapi.json returned {r.status_code}"
    paths = r.json().get("paths", {})
    for version in VERSIONS:
        for resource in ("books", "authors"):
            operations = [
                (path, op)
                for path, item in paths.items()
                if path.startswith(f"/{version}/{resource}")
                for op in item.values()
                if isinstance(op, dict)
            ]
            assert operations, f"OpenAPI lists no operation under /{version}/{resource}"
            for path, op in operations:
                tags = op.get("tags", [])
                assert resource in tags, (
                    f"OpenAPI shows GET {path} with tags {tags}; expected '{resource}' among "
                    f"them. Give the router its tag: APIRouter(prefix='/{resource}', "
                    f"tags=['{resource}'])."
                )
