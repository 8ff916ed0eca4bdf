"""Specs for kata 27: response classes, status codes, redirects, files, and what OpenAPI shows."""

import random
import secrets

import httpx
import pytest


async def send(client, method, url, **kwargs) -> httpx.Response:
    """The response, or a failure that explains an exception escaping the app."""
    try:
        return await client.request(method, url, **kwargs)
    except Exception as exc:  # ASGITransport re-raises what the app did not handle
        pytest.fail(
            f"{method} {url} made the app raise {type(exc).__name__}: {exc}. A server would have "
            "answered 500. FileResponse opens the file only while sending: check that it exists "
            "first and answer 404."
        )


@pytest.fixture
def shop(kata_module, tmp_path):
    """Random books written into BOOKS; their files under a fresh FILES_DIR."""
    rng = random.Random()
    ids = rng.sample(range(10, 100_000), 4)
    available, withdrawn, replacement, no_file = ids
    contents = f"Chapter 1\nIt was a dark and stormy night ({secrets.token_hex(4)}).\n"
    (tmp_path / f"{available}.txt").write_text(contents, encoding="utf-8")
    kata_module.FILES_DIR = tmp_path
    kata_module.BOOKS.clear()
    kata_module.BOOKS.update(
        {
            available: {
                "id": available,
                "title": f"Stormy nights {rng.randrange(100)}",
                "file": f"{available}.txt",
                "withdrawn": False,
                "replaced_by": None,
            },
            withdrawn: {
                "id": withdrawn,
                "title": "Atlas 1990",
                "file": None,
                "withdrawn": True,
                "replaced_by": replacement,
            },
            replacement: {
                "id": replacement,
                "title": "Atlas 2024",
                "file": f"{replacement}.txt",
                "withdrawn": False,
                "replaced_by": None,
            },
            no_file: {
                "id": no_file,
                "title": "Lost scroll",
                "file": None,
                "withdrawn": False,
                "replaced_by": None,
            },
        }
    )
    return {
        "available": available,
        "withdrawn": withdrawn,
        "replacement": replacement,
        "no_file": no_file,
        "contents": contents,
    }


def media_type(r: httpx.Response) -> str:
    return r.headers.get("content-type", "").split(";")[0].strip()


def openapi_media_types(document: dict, path: str, status: str = "200") -> list[str]:
    operation = document.get("paths", {}).get(path, {}).get("get", {})
    return list(operation.get("responses", {}).get(status, {}).get("content", {}))


# --- plain text and JSON with a custom status ---------------------------------------------------


async def test_health_is_plain_text(client, shop):
    r = await send(client, "GET", "/health")
    assert r.status_code == 200, f"GET /health returned {r.status_code}"
    assert media_type(r) == "text/plain" and r.text == "ok", (
        f"GET /health answered {r.headers.get('content-type')!r} with body {r.text!r}; expected "
        "text/plain with the body ok. Returning a str from a JSON route sends the JSON string "
        '"ok", quotes included: use PlainTextResponse.'
    )


async def test_book_is_json(client, kata_module, shop):
    book_id = shop["available"]
    r = await send(client, "GET", f"/books/{book_id}")
    expected = {"id": book_id, "title": kata_module.BOOKS[book_id]["title"]}
    assert r.status_code == 200 and r.json() == expected, (
        f"GET /books/{book_id} returned {r.status_code} {r.text}; expected 200 {expected}"
    )


async def test_withdrawn_book_is_410_with_its_replacement(client, shop):
    book_id = shop["withdrawn"]
    r = await send(client, "GET", f"/books/{book_id}")
    expected = {"detail": "Book withdrawn", "replaced_by": shop["replacement"]}
    assert r.status_code == 410, (
        f"GET /books/{book_id} (withdrawn) returned {r.status_code}; expected 410 Gone"
    )
    assert r.json() == expected, (
        f"GET /books/{book_id} (withdrawn) answered {r.json()}; expected {expected}. An "
        "HTTPException body is only {'detail': ...}: return JSONResponse(status_code=410, "
        "content={...}) to choose the whole body."
    )


async def test_withdrawn_book_without_replacement_says_null(client, kata_module, shop):
    book_id = shop["no_file"]
    kata_module.BOOKS[book_id]["withdrawn"] = True
    r = await send(client, "GET", f"/books/{book_id}")
    expected = {"detail": "Book withdrawn", "replaced_by": None}
    assert r.status_code == 410 and r.json() == expected, (
        f"GET /books/{book_id} (withdrawn, no replacement) returned {r.status_code} {r.text}; "
        f"expected 410 {expected}"
    )


async def test_unknown_book_is_404(client, shop):
    missing = max(shop[k] for k in ("available", "withdrawn", "replacement", "no_file")) + 1
    r = await send(client, "GET", f"/books/{missing}")
    assert r.status_code == 404 and r.json() == {"detail": "Book not found"}, (
        f"GET /books/{missing} returned {r.status_code} {r.text}; expected 404 "
        "{'detail': 'Book not found'}"
    )


# --- HTML ---------------------------------------------------------------------------------------


async def test_book_card_is_html(client, kata_module, shop):
    book_id = shop["available"]
    title = kata_module.BOOKS[book_id]["title"]
    r = await send(client, "GET", f"/books/{book_id}/card")
    assert r.status_code == 200, f"GET /books/{book_id}/card returned {r.status_code} {r.text}"
    assert media_type(r) == "text/html", (
        f"GET /books/{book_id}/card answered Content-Type {r.headers.get('content-type')!r}; "
        "expected text/html. Returning a str from a JSON route sends a quoted JSON string: use "
        "HTMLResponse."
    )
    assert f"<h1>{title}</h1>" in r.text, (
        f"the card for {title!r} was {r.text!r}; it should contain <h1>{title}</h1>"
    )


async def test_book_card_escapes_the_title(client, kata_module, shop):
    book_id = shop["available"]
    marker = secrets.token_hex(4)
    title = f"<script>steal('{marker}')</script> & friends"
    kata_module.BOOKS[book_id]["title"] = title
    r = await send(client, "GET", f"/books/{book_id}/card")
    assert "<script>" not in r.text, (
        f"the card for a book titled {title!r} contains a live <script> tag: {r.text!r}. "
        "Titles come from users: put html.escape(title) in the page."
    )
    escaped = "&lt;script&gt;"
    assert escaped in r.text and marker in r.text and "&amp; friends" in r.text, (
        f"the card for {title!r} was {r.text!r}; expected the escaped title (with {escaped} "
        "and &amp;) inside the <h1>."
    )


# --- redirects ----------------------------------------------------------------------------------


async def test_old_catalog_redirects_with_307(client, shop):
    r = await send(client, "GET", "/catalog")
    assert r.status_code == 307 and r.headers.get("location") == "/books", (
        f"GET /catalog returned {r.status_code} with Location {r.headers.get('location')!r}; "
        "expected 307 and Location /books (RedirectResponse's default)."
    )


async def test_form_post_redirects_with_303(client, kata_module, shop):
    title = f"Field notes {secrets.token_hex(3)}"
    before = set(kata_module.BOOKS)
    r = await send(client, "POST", "/books", data={"title": title})
    new_ids = set(kata_module.BOOKS) - before
    assert len(new_ids) == 1, (
        f"POST /books with the form field title={title!r} returned {r.status_code} {r.text} and "
        f"added {len(new_ids)} books to BOOKS; expected exactly one."
    )
    new_id = new_ids.pop()
    assert new_id == max(before) + 1 and kata_module.BOOKS[new_id]["title"] == title, (
        f"the new book is {kata_module.BOOKS[new_id]} under id {new_id}; expected id "
        f"{max(before) + 1} (the largest id plus one) and title {title!r}"
    )
    assert r.status_code == 303, (
        f"POST /books answered {r.status_code}; expected 303 See Other. With 307 the browser "
        "repeats the POST at the new URL (and a reload submits the form again): after a POST, "
        "redirect with status_code=303 so the browser follows with a GET."
    )
    assert r.headers.get("location") == f"/books/{new_id}", (
        f"the 303 points to {r.headers.get('location')!r}; expected /books/{new_id}"
    )
    follow = await send(client, "GET", r.headers["location"])
    assert follow.status_code == 200 and follow.json().get("title") == title, (
        f"following the redirect, GET {r.headers['location']} returned {follow.status_code} "
        f"{follow.text}"
    )


# --- files --------------------------------------------------------------------------------------


async def test_download_is_an_attachment_with_a_name(client, shop):
    book_id = shop["available"]
    r = await send(client, "GET", f"/books/{book_id}/download")
    assert r.status_code == 200, f"GET /books/{book_id}/download returned {r.status_code} {r.text}"
    assert r.text == shop["contents"], (
        f"GET /books/{book_id}/download sent {r.text[:80]!r}; expected the file "
        f"FILES_DIR/{book_id}.txt ({shop['contents'][:40]!r}...). Read FILES_DIR at request time."
    )
    assert media_type(r) == "text/plain", (
        f"the download's Content-Type is {r.headers.get('content-type')!r}; expected text/plain"
    )
    disposition = r.headers.get("content-disposition", "")
    assert (
        disposition.startswith("attachment") and f'filename="book-{book_id}.txt"' in disposition
    ), (
        f"the download's Content-Disposition is {disposition!r}; expected "
        f'attachment; filename="book-{book_id}.txt" so the browser saves it under that name. '
        "FileResponse(path, filename=...) sets it."
    )


async def test_download_of_a_missing_file_is_404(client, shop):
    for book_id, why in (
        (shop["replacement"], "its file is not on disk"),
        (shop["no_file"], "it has no file"),
    ):
        r = await send(client, "GET", f"/books/{book_id}/download")
        assert r.status_code == 404 and r.json() == {"detail": "File not found"}, (
            f"GET /books/{book_id}/download ({why}) returned {r.status_code} {r.text}; expected "
            "404 {'detail': 'File not found'}"
        )


# --- OpenAPI ------------------------------------------------------------------------------------


async def test_openapi_shows_the_real_media_types(client):
    document = (await send(client, "GET", "/openapi.json")).json()
    for path, expected in (("/health", "text/plain"), ("/books/{book_id}/card", "text/html")):
        shown = openapi_media_types(document, path)
        assert shown == [expected], (
            f"OpenAPI documents GET {path} as {shown or 'nothing'}; expected only {expected}. "
            f"Returning a Response object does not tell OpenAPI: declare "
            f"response_class=... on the route decorator."
        )
