"""beacon_app returns quietly for a lifespan scope instead of raising, so a server waits for a startup that never completes."""

import json
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request

JSON_HEADERS = [(b"content-type", b"application/json")]


async def beacon_app(scope, receive, send):
    """Counts the newline-delimited events POSTed to it, without FastAPI in the way."""
    if scope["type"] != "http":
        # How an ASGI app declines lifespan (and anything else it does not speak): raise before
        # sending anything. A server then carries on without lifespan events.
        return  # "not for us"

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


class RequestCounter:
    """Pure ASGI middleware: numbers each HTTP request and says so in X-Request-Count."""

    def __init__(self, app):
        self.app = app
        self.count = 0

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            # lifespan and websocket pass through untouched, or the app never starts.
            await self.app(scope, receive, send)
            return

        self.count += 1
        number = str(self.count).encode()

        async def send_with_count(message):
            if message["type"] == "http.response.start":
                # Headers are (bytes, bytes) pairs; keep the app's own and add ours.
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-request-count", number)],
                }
            await send(message)

        await self.app(scope, receive, send_with_count)


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
