"""Kata 14: background tasks. Edit this file until `python -m checker check 14` passes.

The README next to this file is the contract. The lists below stand in for an audit store and a
mail outbox; the two helpers stand in for services you do not own. Leave the helpers as they are
and call them through their module-level names: the specs replace them with fakes that record
when they run, and refill the lists before each request.
"""

import asyncio

from fastapi import BackgroundTasks, Depends, FastAPI, Header, HTTPException, Request
from pydantic import BaseModel

app = FastAPI(title="Issue tracker")

TRIAGE_ADDRESS = "triage@tracker.example"
MAIL_DELAY = 0.3  # seconds the mail gateway takes per message

ISSUES: dict[int, dict] = {}  # id -> {"id", "title", "reporter", "status"}
AUDIT_LOG: list[str] = []  # appended by write_audit
OUTBOX: list[dict] = []  # appended by send_email
FAILED_TASKS: list[dict] = []  # your record of background work that raised


# --- services you do not own: do not edit --------------------------------------------------------


def write_audit(entry: str) -> None:
    """The audit store: synchronous."""
    AUDIT_LOG.append(entry)


async def send_email(to: str, subject: str) -> None:
    """The mail gateway: slow, and when it is down it raises."""
    await asyncio.sleep(MAIL_DELAY)
    OUTBOX.append({"to": to, "subject": subject})


# --- your code -----------------------------------------------------------------------------------


class NewIssue(BaseModel):
    title: str
    reporter: str


def audit_actor(request: Request, x_actor: str = Header()) -> str:
    """Who is calling: every write route depends on this, and it audits the call."""
    write_audit(f"{x_actor} {request.method} {request.url.path}")
    return x_actor


@app.post("/issues", status_code=201)
async def create_issue(body: NewIssue, actor: str = Depends(audit_actor)):
    issue_id = max(ISSUES, default=0) + 1
    issue = {"id": issue_id, "title": body.title, "reporter": body.reporter, "status": "open"}
    ISSUES[issue_id] = issue
    write_audit(f"issue {issue_id} created")
    await send_email(body.reporter, f"Issue #{issue_id} opened: {body.title}")
    await send_email(TRIAGE_ADDRESS, f"New issue #{issue_id}: {body.title}")
    return issue


@app.post("/issues/{issue_id}/close")
async def close_issue(issue_id: int, actor: str = Depends(audit_actor)):
    issue = ISSUES.get(issue_id)
    if issue is None:
        raise HTTPException(status_code=404, detail="Issue not found")
    issue["status"] = "closed"
    write_audit(f"issue {issue_id} closed")
    await send_email(issue["reporter"], f"Issue #{issue_id} closed: {issue['title']}")
    return issue
