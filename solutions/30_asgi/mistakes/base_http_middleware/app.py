"""RequestCounter is a BaseHTTPMiddleware subclass, not the pure ASGI middleware the kata asks for."""

import json
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from starlette.middleware.base import BaseHTTPMiddleware

JSON_HEADERS = [(b"content-type", b"application/json")]


async def beacon_app(scope, receive, send):
    """Counts the newline-delimited events POSTed to it, without FastAPI in the way."""
    if scope["type"] != "http":
        # How an ASGI app declines lifespan (and anything else it does not speak): raise before
        # sending anything. A server then carries on without lifespan events.
        raise RuntimeError(f"beacon_app does not support {scope['type']!r} scopes")

    if scope["method"] != "POST":
        body = json.dumps({"detail": "Method Not Allowed"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 405,
                "headers": [*JSON_HEADERS, (b"allow", b"POST")],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return

    # The body may arrive in any number of http.request messages: read until more_body is false.
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return  # the client is gone: nobody to answer
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    events = sum(1 for line in body.splitlines() if line.strip())

    payload = json.dumps({"events": events, "bytes": len(body)}).encode()
    await send({"type": "http.response.start", "status": 202, "headers": JSON_HEADERS})
    await send({"type": "http.response.body", "body": payload})


class RequestCounter(BaseHTTPMiddleware):
    """Numbers each HTTP request, the way most tutorials write middleware."""

    def __init__(self, app):
        super().__init__(app)
        self.count = 0

    async def dispatch(self, request, call_next):
        self.count += 1
        response = await call_next(request)
        response.headers["X-Request-Count"] = str(self.count)
        return response


@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.ready = True
    yield


app = FastAPI(title="Beacon collector", lifespan=lifespan)


@app.get("/status")
def status(request: Request):
    return {"status": "ok", "ready": request.app.state.ready}


app.mount("/beacon", beacon_app)
# Outermost: it sees every HTTP request, FastAPI routes, 404s and the mounted raw app alike.
app.add_middleware(RequestCounter)
