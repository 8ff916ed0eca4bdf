"""Specs for kata 02: query parameters. They reach the app only through fixtures."""

import random

import pytest

TAGS = ("fiction", "history", "science", "poetry", "travel", "kids")
WORDS = ("Harbor", "Lantern", "Orchard", "Meadow", "Compass", "Ember", "Willow", "Quarry")
SORT_FIELDS = ("title", "price", "year")


@pytest.fixture
def books(kata_module):
    """23 random books written into the module's BOOKS, with unique titles, prices and years.

    Unique sort keys mean every correct sort gives one order, whatever it does with ties.
    Titles are "Word N": an upper-case letter then lower case, so plain and case-insensitive
    string order agree.
    """
    rng = random.Random()
    count = 23
    ids = rng.sample(range(1, 100_000), count)
    numbers = rng.sample(range(1, 1000), count)
    prices = rng.sample(range(300, 6000), count)
    years = rng.sample(range(1900, 2026), count)
    records = [
        {
            "id": ids[i],
            "title": f"{rng.choice(WORDS)} {numbers[i]}",
            "price": prices[i],
            "year": years[i],
            "tags": sorted(rng.sample(TAGS, rng.randint(1, 3))),
            "in_stock": rng.random() < 0.5,
        }
        for i in range(count)
    ]
    kata_module.BOOKS[:] = records
    return records


def expected(books, *, q=None, tags=(), in_stock=None, max_price=None, sort="title", order="asc"):
    """Every matching book, sorted: what the README says the full result is before paging."""
    found = [
        b
        for b in books
        if (q is None or q.lower() in b["title"].lower())
        and all(t in b["tags"] for t in tags)
        and (in_stock is None or b["in_stock"] == in_stock)
        and (max_price is None or b["price"] <= max_price)
    ]
    return sorted(found, key=lambda b: b[sort], reverse=order == "desc")


def titles(items):
    return [b["title"] for b in items]


async def get_books(client, params, what):
    """GET /books with `params`; asserts a 200 and returns the JSON body."""
    r = await client.get("/books", params=params)
    assert r.status_code == 200, (
        f"GET {r.request.url.path}?{r.request.url.query.decode()} ({what}) returned "
        f"{r.status_code} {r.text[:300]}; expected 200"
    )
    return r.json()


def error_locs(r):
    """The `loc` of every error in a FastAPI 422 body, as tuples."""
    detail = r.json().get("detail")
    if not isinstance(detail, list):
        return []
    return [tuple(e.get("loc", ())) for e in detail if isinstance(e, dict)]


async def assert_422(client, query, param, why):
    r = await client.get(f"/books?{query}")
    assert r.status_code == 422, f"GET /books?{query} returned {r.status_code}; expected 422: {why}"
    assert ("query", param) in error_locs(r), (
        f"GET /books?{query} returned 422 but its errors are {r.json().get('detail')}; expected "
        f"one with loc ['query', '{param}']. Let FastAPI validate the parameter (no hand-made "
        "HTTPException), so the standard error body names it."
    )
    return r


# --- defaults and the response shape ----------------------------------------------------------


async def test_no_parameters_gives_first_ten_books_by_title(client, books):
    body = await get_books(client, {}, "no parameters")
    want = expected(books)[:10]
    assert set(body) >= {"total", "limit", "offset", "items"}, (
        f"GET /books returned {body}; expected an object with total, limit, offset and items"
    )
    assert (body["total"], body["limit"], body["offset"]) == (len(books), 10, 0), (
        f"GET /books returned total={body['total']}, limit={body['limit']}, "
        f"offset={body['offset']}; expected total={len(books)} (every book in BOOKS), and the "
        "defaults limit=10, offset=0"
    )
    assert body["items"] == want, (
        f"GET /books returned titles {titles(body['items'])}; expected the first 10 books sorted "
        f"by title: {titles(want)}. Read BOOKS inside the handler and sort before slicing."
    )


# --- q: optional, with length bounds ------------------------------------------------------------


async def test_q_matches_titles_case_insensitively(client, books):
    word = random.choice([b["title"].split()[0] for b in books])
    q = "".join(c.upper() if random.random() < 0.5 else c.lower() for c in word[1:])
    body = await get_books(client, {"q": q, "limit": 50}, "search")
    want = expected(books, q=q)
    assert titles(body["items"]) == titles(want) and body["total"] == len(want), (
        f"GET /books?q={q} returned {titles(body['items'])} (total {body['total']}); expected the "
        f"books whose title contains {q!r} ignoring case: {titles(want)} (total {len(want)})"
    )


async def test_q_shorter_than_2_or_longer_than_40_is_422(client, books):
    for q in ("a", "x" * 41):
        await assert_422(
            client,
            f"q={q}",
            "q",
            f"q must be 2 to 40 characters long (this one has {len(q)}). "
            "Query(min_length=2, max_length=40) enforces it.",
        )


# --- tag: a list parameter ----------------------------------------------------------------------


async def test_repeated_tag_keeps_books_with_every_tag(client, books):
    # Two tags that at least one book carries together, so the answer is never empty.
    pair = random.choice([b["tags"][:2] for b in books if len(b["tags"]) >= 2] or [list(TAGS[:2])])
    params = [("tag", t) for t in pair] + [("limit", "50")]
    body = await get_books(client, params, "two tags")
    want = expected(books, tags=pair)
    assert titles(body["items"]) == titles(want), (
        f"GET /books?tag={pair[0]}&tag={pair[-1]} returned {titles(body['items'])}; expected only "
        f"the books tagged with every given tag: {titles(want)}. A list parameter needs Query(): "
        "`tag: list[str] = Query(default=[])`. Without it FastAPI reads `tag` from the body and "
        "the query string is ignored."
    )


async def test_single_tag_filters(client, books):
    tag = random.choice([t for b in books for t in b["tags"]])
    body = await get_books(client, {"tag": tag, "limit": 50}, "one tag")
    want = expected(books, tags=[tag])
    assert titles(body["items"]) == titles(want), (
        f"GET /books?tag={tag} returned {titles(body['items'])}; expected the books tagged "
        f"{tag!r}: {titles(want)}. Is `tag` declared with Query()?"
    )


# --- in_stock: bool parsing ---------------------------------------------------------------------


# Every spelling Pydantic accepts for a bool, with the value it means.
BOOL_SPELLINGS = {"yes": True, "true": True, "1": True, "on": True}
BOOL_SPELLINGS |= {"no": False, "false": False, "0": False, "off": False}


async def test_in_stock_accepts_the_usual_spellings_of_a_bool(client, books):
    for text, value in BOOL_SPELLINGS.items():
        body = await get_books(client, {"in_stock": text, "limit": 50}, "in_stock filter")
        want = expected(books, in_stock=value)
        assert titles(body["items"]) == titles(want), (
            f"GET /books?in_stock={text} returned {titles(body['items'])}; expected the books "
            f"with in_stock == {value}: {titles(want)}. Annotate it `in_stock: bool | None = None` "
            "and FastAPI turns yes/no, true/false, 1/0, on/off into a bool for you."
        )


async def test_in_stock_omitted_returns_books_in_and_out_of_stock(client, books):
    body = await get_books(client, {"limit": 50}, "no in_stock")
    assert body["total"] == len(books), (
        f"GET /books?limit=50 returned total {body['total']}, expected {len(books)}: without "
        "in_stock, books in stock and out of stock are both listed"
    )


async def test_in_stock_that_is_not_a_bool_is_422(client, books):
    await assert_422(
        client, "in_stock=maybe", "in_stock", "'maybe' is not a bool. Type in_stock as bool."
    )


# --- max_price: an optional int -----------------------------------------------------------------


async def test_max_price_keeps_books_at_or_under_it(client, books):
    # A real price, so the <= edge is tested, and never the highest, so that ignoring the filter
    # (returning every book) cannot pass by chance.
    cap = random.choice(sorted({book["price"] for book in books})[:-1])
    body = await get_books(client, {"max_price": cap, "limit": 50}, "max_price filter")
    want = expected(books, max_price=cap)
    assert titles(body["items"]) == titles(want), (
        f"GET /books?max_price={cap} returned {titles(body['items'])}; expected the books with "
        f"price <= {cap}: {titles(want)}"
    )


async def test_empty_max_price_is_422_not_missing(client, books):
    # ?max_price= sends an empty string. For `int | None` that is an invalid int, not None.
    await assert_422(
        client,
        "max_price=",
        "max_price",
        "an empty value is present but empty, and '' is not an int. Declare max_price as "
        "`int | None` and let FastAPI reject it instead of treating it as missing.",
    )


async def test_max_price_that_is_not_a_whole_number_from_0_is_422(client, books):
    for value in ("cheap", "9.99", "-1"):
        await assert_422(
            client, f"max_price={value}", "max_price", "max_price is an int >= 0 (Query(ge=0))."
        )


# --- sort and order -----------------------------------------------------------------------------


@pytest.mark.parametrize("sort", SORT_FIELDS)
async def test_sort_and_order(client, books, sort):
    for order in ("asc", "desc"):
        body = await get_books(client, {"sort": sort, "order": order, "limit": 50}, "sorted")
        want = expected(books, sort=sort, order=order)
        got = [b[sort] for b in body["items"]]
        assert got == [b[sort] for b in want], (
            f"GET /books?sort={sort}&order={order}&limit=50 returned {sort} values {got}; "
            f"expected {[b[sort] for b in want]}"
        )


async def test_unknown_sort_field_is_422(client, books):
    await assert_422(
        client,
        "sort=rating",
        "sort",
        "sort is one of title, price, year. An Enum-typed parameter rejects the rest.",
    )


async def test_openapi_lists_the_sort_fields(client):
    r = await client.get("/openapi.json")
    assert r.status_code == 200, f"GET /openapi.json returned {r.status_code}"
    document = r.json()
    operation = document.get("paths", {}).get("/books", {}).get("get", {})
    params = [p for p in operation.get("parameters", []) if p.get("name") == "sort"]
    assert params, "OpenAPI shows no `sort` query parameter for GET /books"
    schema = params[0].get("schema", {})
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document.get("components", {}).get("schemas", {}).get(name, {})
    assert sorted(schema.get("enum", [])) == sorted(SORT_FIELDS), (
        f"the `sort` parameter's schema is {schema}; it should be an enum of {list(SORT_FIELDS)} "
        "so clients can see the choices. Type it with a str Enum instead of checking by hand."
    )


async def test_order_must_match_its_pattern(client, books):
    for order in ("up", "ascending", "DESC"):
        r = await assert_422(
            client,
            f"order={order}",
            "order",
            "order is exactly 'asc' or 'desc'. Query(pattern='^(asc|desc)$') enforces it.",
        )
        types = [e.get("type") for e in r.json()["detail"]]
        assert "string_pattern_mismatch" in types, (
            f"GET /books?order={order} gave errors of types {types}; the README asks for a "
            "pattern check (type string_pattern_mismatch): declare `order: str = "
            "Query(default='asc', pattern='^(asc|desc)$')`"
        )


# --- pagination ---------------------------------------------------------------------------------


async def test_limit_and_offset_cut_a_page_from_the_sorted_result(client, books):
    # An early page (offset < total - offset - limit), so a page cut from the ascending order and
    # reversed can never equal the right one by symmetry.
    limit, offset = random.randint(3, 6), random.randint(2, 6)
    params = {"sort": "price", "order": "desc", "limit": limit, "offset": offset}
    body = await get_books(client, params, "a page")
    want = expected(books, sort="price", order="desc")
    page = want[offset : offset + limit]
    assert (body["total"], body["limit"], body["offset"]) == (len(books), limit, offset), (
        f"GET /books?limit={limit}&offset={offset} returned total={body['total']}, "
        f"limit={body['limit']}, offset={body['offset']}; expected {len(books)}, {limit}, "
        f"{offset}: total counts every match, not just the page"
    )
    assert [b["price"] for b in body["items"]] == [b["price"] for b in page], (
        f"GET /books?sort=price&order=desc&limit={limit}&offset={offset} returned prices "
        f"{[b['price'] for b in body['items']]}; expected {[b['price'] for b in page]}: sort the "
        "whole result (in the requested order) first, then take items [offset:offset+limit]"
    )


async def test_offset_past_the_end_is_an_empty_page(client, books):
    body = await get_books(client, {"offset": len(books) + 5}, "offset past the end")
    assert body["items"] == [] and body["total"] == len(books), (
        f"GET /books?offset={len(books) + 5} returned {body}; expected an empty items list and "
        f"total {len(books)}"
    )


async def test_limit_of_50_is_allowed(client, books):
    body = await get_books(client, {"limit": 50}, "limit at its maximum")
    assert len(body["items"]) == len(books), (
        f"GET /books?limit=50 returned {len(body['items'])} items, expected all {len(books)}"
    )


OUT_OF_BOUNDS = [
    ("limit=0", "limit", "limit is at least 1 (Query(ge=1))."),
    ("limit=51", "limit", "limit is at most 50 (Query(le=50)), so no client can ask for all."),
    ("offset=-1", "offset", "offset is at least 0 (Query(ge=0)): -1 would slice from the end."),
    ("limit=ten", "limit", "limit is an integer."),
]


async def test_limit_and_offset_out_of_bounds_are_422(client, books):
    for query, param, why in OUT_OF_BOUNDS:
        await assert_422(client, query, param, why)


# --- everything together ------------------------------------------------------------------------


async def test_filters_combine(client, books):
    target = random.choice(books)
    tag = target["tags"][0]
    params = {"tag": tag, "max_price": target["price"], "sort": "year", "limit": 50}
    body = await get_books(client, params, "several filters")
    want = expected(books, tags=[tag], max_price=target["price"], sort="year")
    assert titles(body["items"]) == titles(want), (
        f"GET /books?tag={tag}&max_price={target['price']}&sort=year returned "
        f"{titles(body['items'])}; expected {titles(want)}: every given filter applies at once"
    )
