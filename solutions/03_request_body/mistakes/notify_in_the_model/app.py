"""notify is a field of the body model, so ?notify=true in the query string is ignored."""

from fastapi import Body, FastAPI, HTTPException
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


class IssueIn(BaseModel):
    title: str
    description: str | None = None
    priority: int = 3
    labels: list[str] = []
    notify: bool = False


class Assignee(BaseModel):
    username: str
    email: str


def find_issue(issue_id: int) -> dict:
    issue = ISSUES.get(issue_id)
    if issue is None:
        raise HTTPException(status_code=404, detail="Issue not found")
    return issue


# project_id is in the path, notify is a simple type (query), issue is a model (body).
@app.post("/projects/{project_id}/issues", status_code=201)
def create_issue(project_id: int, issue: IssueIn):
    issue_id = max(ISSUES, default=0) + 1
    fields = issue.model_dump(exclude={"notify"})
    record = {"id": issue_id, "project_id": project_id, **fields, "assignee": None}
    ISSUES[issue_id] = record
    if issue.notify:
        NOTIFICATIONS.append(issue_id)
    return record


# Two model parameters: FastAPI expects {"issue": {...}, "assignee": {...}}.
@app.put("/issues/{issue_id}")
def replace_issue(issue_id: int, issue: IssueIn, assignee: Assignee):
    record = find_issue(issue_id)
    record.update(issue.model_dump(exclude={"notify"}), assignee=assignee.model_dump())
    return record


# A single simple value in the body: embed=True makes it {"priority": 2} instead of a bare 2.
@app.patch("/issues/{issue_id}/priority")
def set_priority(issue_id: int, priority: int = Body(embed=True)):
    record = find_issue(issue_id)
    record["priority"] = priority
    return record
