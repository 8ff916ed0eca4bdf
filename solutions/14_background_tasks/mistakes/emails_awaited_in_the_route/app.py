"""The emails are awaited inside the route: the client waits for the mail gateway before its 201."""

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


def audit_actor(
    request: Request, background_tasks: BackgroundTasks, x_actor: str = Header()
) -> str:
    """Who is calling: every write route depends on this, and it audits the call."""
    background_tasks.add_task(write_audit, f"{x_actor} {request.method} {request.url.path}")
    return x_actor


async def send_email_safely(to: str, subject: str) -> None:
    """send_email, with a failure recorded instead of raised (nobody is waiting to hear it)."""
    try:
        await send_email(to, subject)
    except Exception as exc:
        FAILED_TASKS.append({"task": "send_email", "to": to, "error": str(exc)})


@app.post("/issues", status_code=201)
async def create_issue(
    body: NewIssue, background_tasks: BackgroundTasks, actor: str = Depends(audit_actor)
):
    issue_id = max(ISSUES, default=0) + 1
    issue = {"id": issue_id, "title": body.title, "reporter": body.reporter, "status": "open"}
    ISSUES[issue_id] = issue
    background_tasks.add_task(write_audit, f"issue {issue_id} created")
    # "send_email is async, so awaiting it here does not block anything"
    await send_email_safely(body.reporter, f"Issue #{issue_id} opened: {body.title}")
    await send_email_safely(TRIAGE_ADDRESS, f"New issue #{issue_id}: {body.title}")
    return issue


@app.post("/issues/{issue_id}/close")
async def close_issue(
    issue_id: int, background_tasks: BackgroundTasks, actor: str = Depends(audit_actor)
):
    issue = ISSUES.get(issue_id)
    if issue is None:
        # The error response carries no background tasks: the actor's audit entry never runs.
        raise HTTPException(status_code=404, detail="Issue not found")
    issue["status"] = "closed"
    background_tasks.add_task(write_audit, f"issue {issue_id} closed")
    background_tasks.add_task(
        send_email_safely, issue["reporter"], f"Issue #{issue_id} closed: {issue['title']}"
    )
    return issue
