"""Kata 21 reference solution: an HTTP middleware for request ids and timing, and CORS.

Middleware order matters: the middleware added last is the outermost. CORSMiddleware is added
after the @app.middleware function, so it wraps it and its headers reach every response,
including the 503 that the middleware returns during maintenance.
"""

import asyncio
import re
import time
import uuid

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

app = FastAPI(title="Issue tracker")

ISSUES: dict[int, dict] = {
    1: {"id": 1, "title": "Login page is slow", "state": "open"},
    2: {"id": 2, "title": "Typo on the pricing page", "state": "closed"},
}
MAINTENANCE = False
REPORT_DELAY_S = 0.05

ALLOWED_ORIGINS = ["https://tracker.example.com", "http://localhost:5173"]
# Only ids that are safe to copy into logs and headers are echoed back.
REQUEST_ID_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")


@app.middleware("http")
async def request_context(request: Request, call_next):
    started = time.perf_counter()
    incoming = request.headers.get("x-request-id")
    if incoming is not None and REQUEST_ID_PATTERN.fullmatch(incoming):
        request_id = incoming
    else:
        request_id = str(uuid.uuid4())
    request.state.request_id = request_id

    if MAINTENANCE and request.url.path != "/health":
        # Exception handlers live inside the middleware stack: an HTTPException raised here
        # would reach no handler and become a 500. Return the response instead.
        response = JSONResponse(
            {"detail": "Down for maintenance"}, status_code=503, headers={"Retry-After": "120"}
        )
    else:
        response = await call_next(request)

    response.headers["X-Request-ID"] = request_id
    response.headers["X-Process-Time"] = f"{time.perf_counter() - started:.6f}"
    return response


# Added after the middleware above, so it is the outermost layer.
app.add_middleware(
    CORSMiddleware,
    allow_origins=ALLOWED_ORIGINS,
    allow_credentials=True,
    allow_methods=["GET", "POST", "PATCH", "DELETE"],
    allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
    expose_headers=["X-Request-ID", "X-Process-Time"],
    max_age=600,
)


@app.get("/health")
async def health():
    return {"status": "ok"}


@app.get("/issues")
async def list_issues():
    return list(ISSUES.values())


@app.get("/issues/{issue_id}")
async def read_issue(issue_id: int):
    issue = ISSUES.get(issue_id)
    if issue is None:
        raise HTTPException(status_code=404, detail="Issue not found")
    return issue


@app.get("/reports/weekly")
async def weekly_report():
    await asyncio.sleep(REPORT_DELAY_S)  # stands in for a slow aggregate query
    return {"open_issues": sum(1 for issue in ISSUES.values() if issue["state"] == "open")}


@app.get("/debug/request-id")
async def show_request_id(request: Request):
    return {"request_id": request.state.request_id}
