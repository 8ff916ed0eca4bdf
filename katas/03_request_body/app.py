"""Kata 03: request bodies. Edit this file until `python -m checker check 03` passes.

The README next to this file is the contract. ISSUES and NOTIFICATIONS stand in for a database
and a mail queue: the specs replace their contents, so read them inside your handlers.
"""

from fastapi import Body, FastAPI, HTTPException, Request
from pydantic import BaseModel

app = FastAPI(title="Issue tracker")

ISSUES: dict[int, dict] = {
    1: {
        "id": 1,
        "project_id": 7,
        "title": "Login page times out",
        "description": None,
        "priority": 2,
        "labels": ["bug"],
        "assignee": None,
    },
}
NOTIFICATIONS: list[int] = []


# A first draft that reads raw JSON by hand: no models, no defaults, no validation, and it
# accepts any Content-Type.
@app.post("/projects/{project_id}/issues", status_code=201)
async def create_issue(project_id: int, request: Request, notify: bool = False):
    data = await request.json()
    issue_id = max(ISSUES, default=0) + 1
    record = {"id": issue_id, "project_id": project_id, **data, "assignee": None}
    ISSUES[issue_id] = record
    if notify:
        NOTIFICATIONS.append(issue_id)
    return record


@app.put("/issues/{issue_id}")
async def replace_issue(issue_id: int, request: Request):
    data = await request.json()
    record = ISSUES.get(issue_id)
    if record is None:
        raise HTTPException(status_code=404, detail="Issue not found")
    record.update(data.get("issue") or {}, assignee=data.get("assignee"))
    return record


@app.patch("/issues/{issue_id}/priority")
async def set_priority(issue_id: int, request: Request):
    data = await request.json()
    record = ISSUES.get(issue_id)
    if record is None:
        raise HTTPException(status_code=404, detail="Issue not found")
    record["priority"] = data.get("priority") if isinstance(data, dict) else data
    return record
