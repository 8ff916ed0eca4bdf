"""Kata 21: middleware and CORS. Edit this file until `python -m checker check 21` passes.

The README next to this file is the contract. ISSUES stands in for a database, MAINTENANCE is an
operations switch, REPORT_DELAY_S is how long the weekly report takes: the specs change all three,
so read them at request time.
"""

import asyncio

from fastapi import FastAPI, HTTPException, Request

app = FastAPI(title="Issue tracker")

ISSUES: dict[int, dict] = {
    1: {"id": 1, "title": "Login page is slow", "state": "open"},
    2: {"id": 2, "title": "Typo on the pricing page", "state": "closed"},
}
MAINTENANCE = False
REPORT_DELAY_S = 0.05

# The two front ends that call this API from a browser.
ALLOWED_ORIGINS = ["https://tracker.example.com", "http://localhost:5173"]


@app.middleware("http")
async def maintenance_gate(request: Request, call_next):
    if MAINTENANCE and request.url.path != "/health":
        # Looks reasonable, but watch what the client receives.
        raise HTTPException(status_code=503, detail="Down for maintenance")
    return await call_next(request)


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
    return {"request_id": getattr(request.state, "request_id", None)}
