"""Claims of kata 14 (background tasks): when they run, in which order, and when they are lost."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from fastapi import BackgroundTasks, Depends, FastAPI, HTTPException
from fastapi.responses import JSONResponse
from starlette.background import BackgroundTask

from tests.claims.live_server import live_server
from tests.claims.quote import quoted

KATA = "14_background_tasks"


def client_for(app: FastAPI, raise_app_exceptions: bool = True) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
    return httpx.AsyncClient(transport=transport, base_url="http://claims")


async def call_asgi(app: FastAPI, path: str, events: list) -> None:
    """Calls the app as a server would and records when the response body is complete."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"claims")],
        "client": ("127.0.0.1", 1),
        "server": ("claims", 80),
    }

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        if message["type"] == "http.response.body" and not message.get("more_body"):
            events.append("body sent")

    await app(scope, receive, send)


async def test_tasks_run_after_the_body_in_order_sync_ones_in_a_thread():
    quoted(
        KATA,
        "kata.toml",
        "Starlette sends the whole body first and then awaits each task in order (sync functions in the threadpool)",
    )
    quoted(
        KATA,
        "kata.toml",
        "A route and its dependencies share one BackgroundTasks object, so audit_actor's task ran first.",
    )
    events: list = []
    loop_thread = threading.get_ident()

    def sync_task(name):
        events.append((name, threading.get_ident() != loop_thread))

    async def async_task(name):
        events.append((name, False))

    def actor(background_tasks: BackgroundTasks):
        background_tasks.add_task(sync_task, "actor")
        return background_tasks

    app = FastAPI()

    @app.post("/issues", status_code=201)
    def create(background_tasks: BackgroundTasks, from_dep: BackgroundTasks = Depends(actor)):
        events.append(("same object", from_dep is background_tasks))
        background_tasks.add_task(async_task, "created")
        background_tasks.add_task(sync_task, "email")
        return {}

    await call_asgi(app, "/issues", events)
    assert events == [
        ("same object", True),
        "body sent",
        ("actor", True),
        ("created", False),
        ("email", True),
    ]


async def test_asgi_transport_returns_after_the_tasks():
    quoted(
        KATA,
        "README.md",
        "The test client (httpx's ASGITransport) returns only once the background tasks have run",
    )
    done = []

    async def slow():
        await asyncio.sleep(0.05)
        done.append(True)

    app = FastAPI()

    @app.post("/issues")
    def create(background_tasks: BackgroundTasks):
        background_tasks.add_task(slow)

    async with client_for(app) as client:
        await client.post("/issues")
        assert done == [True]


def failing_app(ran: list) -> FastAPI:
    def boom():
        raise RuntimeError("mail gateway down")

    app = FastAPI()

    @app.post("/issues", status_code=201)
    def create(background_tasks: BackgroundTasks):
        background_tasks.add_task(ran.append, "before")
        background_tasks.add_task(boom)
        background_tasks.add_task(ran.append, "after")
        return {"id": 1}

    return app


async def test_failing_task_keeps_the_response_and_drops_the_rest():
    quoted(KATA, "README.md", "the tasks queued after it **do not run**")
    quoted(KATA, "kata.toml", "Starlette stops running the tasks queued after the failing one")
    quoted(KATA, "kata.toml", "the test transport re-raises it")
    ran: list = []
    async with client_for(failing_app(ran)) as client:
        with pytest.raises(RuntimeError, match="mail gateway down"):
            await client.post("/issues")
    assert ran == ["before"]
    ran.clear()
    async with client_for(failing_app(ran), raise_app_exceptions=False) as client:
        r = await client.post("/issues")
    assert r.status_code == 201 and ran == ["before"]


def test_uvicorn_logs_a_failing_task_and_the_client_still_gets_201():
    quoted(KATA, "README.md", "and the error only reaches the server's log")
    quoted(KATA, "kata.toml", "the exception reaches only the server (uvicorn logs it")
    ran: list = []
    with live_server(failing_app(ran), lifespan="off") as server:
        r = httpx.post(f"{server.url}/issues", timeout=5)
        errors = server.wait_for(
            lambda rec: rec.exc_info and "mail gateway down" in str(rec.exc_info[1])
        )
        said = server.messages()
    assert r.status_code == 201 and r.json() == {"id": 1}
    assert errors, said
    assert ran == ["before"]


async def test_tasks_added_after_yield_are_lost_only_with_request_scope():
    quoted(
        KATA,
        "kata.toml",
        "Tasks added after `yield` in a dependency with the default scope='request'",
    )
    quoted(
        KATA,
        "kata.toml",
        "with Depends(dep, scope='function') the exit code runs before the response is sent, and tasks it adds do run",
    )
    ran: list = []

    async def dep(background_tasks: BackgroundTasks):
        yield
        background_tasks.add_task(ran.append, "after yield")

    app = FastAPI()

    @app.get("/request")
    def request_scope(x=Depends(dep)):
        return {}

    @app.get("/function")
    def function_scope(x=Depends(dep, scope="function")):
        return {}

    async with client_for(app) as client:
        await client.get("/request")
        assert ran == []
        await client.get("/function")
        assert ran == ["after yield"]


async def test_http_exception_and_own_background_drop_injected_tasks():
    quoted(
        KATA,
        "kata.toml",
        "tasks of a request that ends with an HTTPException (the error response carries none",
    )
    quoted(KATA, "kata.toml", "FastAPI attaches them only when response.background is None")
    ran: list = []
    app = FastAPI()

    @app.get("/missing")
    def missing(background_tasks: BackgroundTasks):
        background_tasks.add_task(ran.append, "queued before 404")
        raise HTTPException(404, "Issue not found")

    @app.get("/own")
    def own(background_tasks: BackgroundTasks):
        background_tasks.add_task(ran.append, "injected")
        return JSONResponse({}, background=BackgroundTask(ran.append, "own"))

    async with client_for(app) as client:
        assert (await client.get("/missing")).status_code == 404
        await client.get("/own")
    assert ran == ["own"]
