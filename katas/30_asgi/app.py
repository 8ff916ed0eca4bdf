"""Kata 30: ASGI below FastAPI. Edit this file until `python -m checker check 30` passes.

The README next to this file is the contract. Keep the names `beacon_app`, `RequestCounter` and
`app`: the specs call the first two directly, with ASGI messages, as a server would.
"""

import json
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request


async def beacon_app(scope, receive, send):
    """The raw ASGI beacon collector. Not written yet: it answers everything with a placeholder."""
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"text/plain")],
        }
    )
    await send({"type": "http.response.body", "body": b"not implemented yet"})


class RequestCounter:
    """Pure ASGI middleware that numbers the HTTP requests. For now it only passes them on."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        await self.app(scope, receive, send)


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.ready = True
    yield


app = FastAPI(title="Beacon collector", lifespan=lifespan)
request_count = 0


# The request counter as the tutorials first show it: BaseHTTPMiddleware under the hood. Replace
# it with RequestCounter, added with app.add_middleware(RequestCounter).
@app.middleware("http")
async def count_requests(request: Request, call_next):
    global request_count
    request_count += 1
    response = await call_next(request)
    response.headers["X-Request-Count"] = str(request_count)
    return response


@app.get("/status")
def status(request: Request):
    return {"status": "ok", "ready": request.app.state.ready}


app.mount("/beacon", beacon_app)
