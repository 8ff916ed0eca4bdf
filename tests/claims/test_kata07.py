"""Claims of kata 07 (dependencies): how often a dependency runs, and what its cache key is."""

from __future__ import annotations

import httpx
from fastapi import BackgroundTasks, Depends, FastAPI, Header, HTTPException, Query, Security

from tests.claims.quote import quoted

KATA = "07_dependencies"


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://claims")


async def test_shared_dependency_runs_once_per_request_never_across():
    quoted(KATA, "kata.toml", "How many times does get_db run per request?")
    quoted(KATA, "kata.toml", "so the second site gets the same Database object")
    quoted(KATA, "kata.toml", "Nothing is cached across requests.")
    runs = []

    def get_db():
        runs.append(object())
        return runs[-1]

    def get_user(db=Depends(get_db)):
        return db

    app = FastAPI()

    @app.get("/me")
    def me(user=Depends(get_user), db=Depends(get_db)):
        return {"same": user is db}

    async with client_for(app) as client:
        assert (await client.get("/me")).json() == {"same": True}
        assert (await client.get("/me")).json() == {"same": True}
    assert len(runs) == 2, "one run per request, none shared between the two requests"


async def test_use_cache_false_runs_again():
    quoted(KATA, "kata.toml", "`use_cache=False` opts a site out")
    quoted(KATA, "kata.toml", "without it they are equal")
    counter = iter(range(100))

    def new_nonce():
        return next(counter)

    app = FastAPI()

    @app.get("/cached")
    def cached(a=Depends(new_nonce), b=Depends(new_nonce)):
        return [a, b]

    @app.get("/fresh")
    def fresh(a=Depends(new_nonce, use_cache=False), b=Depends(new_nonce, use_cache=False)):
        return [a, b]

    async with client_for(app) as client:
        a, b = (await client.get("/cached")).json()
        assert a == b
        a, b = (await client.get("/fresh")).json()
        assert a != b


async def test_cache_key_includes_security_scopes_and_yield_scope():
    quoted(
        KATA,
        "kata.toml",
        "The cache key is not the callable alone but (callable, security scopes, yield scope)",
    )
    quoted(
        KATA,
        "kata.toml",
        "Security(f, scopes=['read']) and Depends(f) are two entries and run f twice",
    )
    quoted(
        KATA, "kata.toml", "Depends(g) and Depends(g, scope='function') for a dependency with yield"
    )
    runs = []

    def f():
        runs.append("f")

    def g():
        runs.append("g")
        yield

    app = FastAPI()

    @app.get("/scopes")
    def scopes(a=Security(f, scopes=["read"]), b=Depends(f)):
        return {}

    @app.get("/yield")
    def yield_scope(a=Depends(g), b=Depends(g, scope="function")):
        return {}

    @app.get("/same")
    def same(a=Depends(g), b=Depends(g, scope="request")):
        return {}

    async with client_for(app) as client:
        for path, expected in [("/scopes", ["f", "f"]), ("/yield", ["g", "g"]), ("/same", ["g"])]:
            runs.clear()
            await client.get(path)
            assert runs == expected, path


class Pagination:
    def __init__(self, skip: int = Query(0, ge=0), limit: int = Query(10, ge=1, le=50)):
        self.skip, self.limit = skip, limit


async def test_class_dependency_reads_query_and_rejects_out_of_range():
    quoted(KATA, "kata.toml", "A class is a callable whose signature is its __init__.")
    quoted(KATA, "kata.toml", "out-of-range values are a 422 before your code runs")
    handled = []
    app = FastAPI()

    @app.get("/items")
    def items(page: Pagination = Depends()):
        handled.append(page)
        return {"skip": page.skip, "limit": page.limit}

    async with client_for(app) as client:
        assert (await client.get("/items?skip=3")).json() == {"skip": 3, "limit": 10}
        assert (await client.get("/items?limit=51")).status_code == 422
    assert len(handled) == 1
    params = app.openapi()["paths"]["/items"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("maximum") for p in params} == {"skip": None, "limit": 50}


async def test_sub_dependency_401_stops_before_the_handler():
    quoted(
        KATA,
        "kata.toml",
        "a 401 raised inside get_current_user stops the request before the handler runs",
    )
    quoted(KATA, "kata.toml", "runs require_admin before the handler and rejects with 403")
    handled = []

    def get_current_user(x_user: str | None = Header(default=None)):
        if x_user != "ada":
            raise HTTPException(401, "Unknown user")
        return x_user

    def require_admin(x_admin_key: str | None = Header(default=None)):
        if x_admin_key != "k":
            raise HTTPException(403, "Admin key required")

    app = FastAPI()

    @app.get("/me")
    def me(user=Depends(get_current_user)):
        handled.append(user)

    @app.post("/admin/reindex", dependencies=[Depends(require_admin)])
    def reindex():
        handled.append("reindex")

    async with client_for(app) as client:
        assert (await client.get("/me")).status_code == 401
        assert (await client.post("/admin/reindex")).status_code == 403
    assert handled == []


async def test_dependency_overrides_replace_by_callable():
    quoted(KATA, "kata.toml", "Swapping one is app.dependency_overrides[get_db] = fake")

    def get_db():
        return "real"

    app = FastAPI()

    @app.get("/db")
    def db(value=Depends(get_db)):
        return value

    app.dependency_overrides[get_db] = lambda: "fake"
    async with client_for(app) as client:
        assert (await client.get("/db")).json() == "fake"


async def test_yield_scope_chooses_when_clean_up_runs():
    quoted(
        KATA,
        "kata.toml",
        "a dependency with yield chooses when its clean-up runs with Depends(scope='function' or 'request')",
    )
    events: list[str] = []

    def session():
        yield
        events.append("clean-up")

    app = FastAPI()

    @app.get("/function")
    def function_scope(background_tasks: BackgroundTasks, s=Depends(session, scope="function")):
        background_tasks.add_task(events.append, "after the response")

    @app.get("/request")
    def request_scope(background_tasks: BackgroundTasks, s=Depends(session)):
        background_tasks.add_task(events.append, "after the response")

    async with client_for(app) as client:
        await client.get("/function")
        assert events == ["clean-up", "after the response"]
        events.clear()
        await client.get("/request")
        assert events == ["after the response", "clean-up"]
