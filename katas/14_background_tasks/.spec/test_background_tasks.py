"""Specs for kata 14: background tasks.

The specs replace write_audit and send_email with fakes that write to the module's lists, as the
originals do, and also note each call on a shared timeline.

httpx's ASGITransport (the `client` fixture) returns only after the background tasks ran
(shared FASTAPI_NOTES), so it cannot tell "after the response" from "before it". The spec that
checks this calls the ASGI app directly and notes on the same timeline the moment the app sends
the last chunk of the response body: every task must start after that moment.
"""

import asyncio
import json
import random
import string
import time

import pytest

MAIL_DELAY = 0.4  # how long the fake mail gateway takes in the timing spec


def audit_log(module) -> list[str]:
    return list(module.AUDIT_LOG)


def outbox(module) -> list[dict]:
    return list(module.OUTBOX)


def failed_tasks(module) -> list[dict]:
    return list(module.FAILED_TASKS)


def random_word(k: int = 6) -> str:
    return "".join(random.choices(string.ascii_lowercase, k=k))


class Timeline:
    """What happened, in order: ("audit", entry), ("email", to), ("response", status)..."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object, float]] = []

    def note(self, kind: str, what: object) -> None:
        self.events.append((kind, what, time.perf_counter()))

    def kinds(self) -> list[tuple[str, object]]:
        return [(kind, what) for kind, what, _ in self.events]


@pytest.fixture
def tracker(kata_module):
    """Seeds ISSUES, empties the lists, and swaps in recording fakes for the two services.

    `mail` controls the fake gateway: `delay` seconds per message, and `failing` addresses for
    which it raises ConnectionError("mail gateway unreachable for <to>").
    """
    timeline = Timeline()
    mail = {"delay": 0.0, "failing": set()}
    first_free = random.randrange(10, 500)
    kata_module.ISSUES.clear()
    for issue_id in [*random.sample(range(1, first_free - 1), 3), first_free - 1]:
        kata_module.ISSUES[issue_id] = {
            "id": issue_id,
            "title": f"seeded {random_word()}",
            "reporter": f"{random_word()}@example.com",
            "status": "open",
        }
    kata_module.AUDIT_LOG.clear()
    kata_module.OUTBOX.clear()
    kata_module.FAILED_TASKS.clear()

    def write_audit(entry):
        timeline.note("audit", entry)
        kata_module.AUDIT_LOG.append(entry)

    async def send_email(to, subject):
        timeline.note("email", to)
        if mail["delay"]:
            await asyncio.sleep(mail["delay"])
        if to in mail["failing"]:
            raise ConnectionError(f"mail gateway unreachable for {to}")
        timeline.note("email sent", to)
        kata_module.OUTBOX.append({"to": to, "subject": subject})

    kata_module.write_audit = write_audit
    kata_module.send_email = send_email
    return timeline, mail, first_free


def new_issue() -> tuple[dict, str]:
    body = {
        "title": f"{random_word()} fails on {random_word()}",
        "reporter": f"{random_word()}@example.com",
    }
    return body, random_word(5)


async def post(client, url, actor, body=None):
    """client.post with X-Actor; an exception the app raised becomes a message for the learner."""
    try:
        return await client.post(url, json=body, headers={"X-Actor": actor})
    except Exception as exc:
        raise AssertionError(
            f"POST {url} raised {type(exc).__name__}: {exc}. If that came from a background "
            "task, the client already had its response: Starlette stops the tasks queued after "
            "the failing one, and the error reaches only the server log. Catch it in the task "
            "and record it in FAILED_TASKS."
        ) from None


# --- what the routes answer ----------------------------------------------------------------------


async def test_create_issue_answers_201_with_the_new_issue(client, kata_module, tracker):
    _, _, next_id = tracker
    body, actor = new_issue()
    r = await post(client, "/issues", actor, body)
    assert r.status_code == 201, f"POST /issues returned {r.status_code} {r.text}; expected 201"
    expected = {"id": next_id, **body, "status": "open"}
    assert r.json() == expected, (
        f"POST /issues returned {r.json()}; expected {expected} (the id is one more than the "
        f"largest id in ISSUES, here {next_id - 1})"
    )
    assert kata_module.ISSUES.get(next_id) == expected, (
        f"after POST /issues, ISSUES[{next_id}] is {kata_module.ISSUES.get(next_id)}; expected "
        "the new issue to be stored"
    )


# --- after the response --------------------------------------------------------------------------


async def call_asgi(app, timeline, method, path, body, headers):
    """Runs one request through the ASGI app itself, noting on the timeline when the response
    body is complete. Returns (status, response body). Returns only when the app does, that is
    after the background tasks ran."""
    payload = json.dumps(body).encode() if body is not None else b""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    response_done = asyncio.Event()
    requested = False
    status, chunks = None, []

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": payload, "more_body": False}
        await response_done.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                timeline.note("response sent", status)
                response_done.set()

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def test_the_response_is_sent_before_any_task_runs(app, kata_module, tracker):
    timeline, mail, _ = tracker
    mail["delay"] = MAIL_DELAY
    body, actor = new_issue()
    started = time.perf_counter()
    status, content = await asyncio.wait_for(
        call_asgi(app, timeline, "POST", "/issues", body, {"X-Actor": actor}), 10
    )
    assert status == 201, f"POST /issues returned {status} {content!r}"
    kinds = timeline.kinds()
    sent_at = next((i for i, (kind, _) in enumerate(kinds) if kind == "response sent"), None)
    assert sent_at is not None, f"POST /issues never finished its response body: {kinds}"
    early = kinds[:sent_at]
    assert not early, (
        f"POST /issues called the services before sending its response, so the client waited "
        f"for them (each email takes {MAIL_DELAY} s here). Queue them with "
        "background_tasks.add_task(func, *args) instead of calling them in the route or the "
        f"dependency: FastAPI runs them after the response. Ran before the response: {early}"
    )
    answered_in = timeline.events[sent_at][2] - started
    assert answered_in < MAIL_DELAY / 2, (
        f"POST /issues took {answered_in:.2f} s to send its response while the mail gateway "
        f"takes {MAIL_DELAY} s per email: the response should not wait for the emails"
    )
    assert len(kata_module.OUTBOX) == 2, (
        f"after the app finished, OUTBOX holds {kata_module.OUTBOX}; expected the two emails to "
        "have been sent in the background"
    )


# --- which tasks run, in which order --------------------------------------------------------------


async def test_create_issue_runs_its_tasks_in_order(client, kata_module, tracker):
    timeline, _, next_id = tracker
    body, actor = new_issue()
    r = await post(client, "/issues", actor, body)
    assert r.status_code == 201, f"POST /issues returned {r.status_code} {r.text}"
    expected_audit = [f"{actor} POST /issues", f"issue {next_id} created"]
    assert audit_log(kata_module) == expected_audit, (
        f"after POST /issues by {actor}, AUDIT_LOG is {kata_module.AUDIT_LOG}; expected "
        f"{expected_audit}: the actor entry (added by the audit_actor dependency) first, then "
        "the route's own entry. A task added after `yield` in a dependency is silently dropped."
    )
    expected_mail = [
        {"to": body["reporter"], "subject": f"Issue #{next_id} opened: {body['title']}"},
        {"to": kata_module.TRIAGE_ADDRESS, "subject": f"New issue #{next_id}: {body['title']}"},
    ]
    assert outbox(kata_module) == expected_mail, (
        f"after POST /issues, OUTBOX is {kata_module.OUTBOX}; expected {expected_mail}"
    )
    order = [kind for kind, _ in timeline.kinds() if kind in ("audit", "email")]
    assert order == ["audit", "audit", "email", "email"], (
        f"the services were called in the order {timeline.kinds()}; expected both audit "
        "entries, then the reporter's email, then the triage email"
    )


async def test_close_issue_answers_with_the_closed_issue_and_runs_its_tasks(
    client, kata_module, tracker
):
    _, _, next_id = tracker
    issue_id = next_id - 1
    issue = dict(kata_module.ISSUES[issue_id])
    actor = random_word(5)
    r = await post(client, f"/issues/{issue_id}/close", actor)
    assert r.status_code == 200, f"POST /issues/{issue_id}/close returned {r.status_code} {r.text}"
    expected = {**issue, "status": "closed"}
    assert r.json() == expected, (
        f"POST /issues/{issue_id}/close returned {r.json()}, expected {expected}"
    )
    expected_audit = [f"{actor} POST /issues/{issue_id}/close", f"issue {issue_id} closed"]
    assert audit_log(kata_module) == expected_audit, (
        f"after POST /issues/{issue_id}/close by {actor}, AUDIT_LOG is {kata_module.AUDIT_LOG}; "
        f"expected {expected_audit}. Does this route depend on audit_actor too?"
    )
    expected_mail = [
        {"to": issue["reporter"], "subject": f"Issue #{issue_id} closed: {issue['title']}"}
    ]
    assert outbox(kata_module) == expected_mail, (
        f"after POST /issues/{issue_id}/close, OUTBOX is {kata_module.OUTBOX}; expected {expected_mail}"
    )


async def test_closing_an_unknown_issue_is_404_and_runs_no_task(client, kata_module, tracker):
    _, _, next_id = tracker
    missing = next_id + random.randrange(1, 100)
    r = await post(client, f"/issues/{missing}/close", random_word(5))
    assert r.status_code == 404 and r.json() == {"detail": "Issue not found"}, (
        f"POST /issues/{missing}/close (no such issue) returned {r.status_code} {r.text}; "
        "expected 404 {'detail': 'Issue not found'}"
    )
    assert audit_log(kata_module) == [] and outbox(kata_module) == [], (
        f"the 404 left AUDIT_LOG = {kata_module.AUDIT_LOG} and OUTBOX = {kata_module.OUTBOX}; "
        "expected both empty. Background tasks travel with the response they were added to, and "
        "the error response of an HTTPException carries none: so audit with add_task, not by "
        "calling write_audit inside the dependency."
    )


async def test_the_actor_entry_is_added_by_the_audit_actor_dependency(
    client, app, kata_module, tracker
):
    # Replacing the dependency must replace the actor entry: proof that the dependency adds it.
    from fastapi import BackgroundTasks

    def fake_audit_actor(background_tasks: BackgroundTasks) -> str:
        background_tasks.add_task(kata_module.write_audit, "overridden actor")
        return "overridden"

    app.dependency_overrides[kata_module.audit_actor] = fake_audit_actor
    _, _, next_id = tracker
    body, actor = new_issue()
    r = await post(client, "/issues", actor, body)
    assert r.status_code == 201, f"POST /issues returned {r.status_code} {r.text}"
    expected = ["overridden actor", f"issue {next_id} created"]
    assert audit_log(kata_module) == expected, (
        f"with audit_actor overridden by a dependency that adds the task 'overridden actor', "
        f"AUDIT_LOG is {kata_module.AUDIT_LOG}; expected {expected}. Both routes must take the "
        "actor with Depends(audit_actor), and audit_actor must add the actor entry as a "
        "background task (declare a `background_tasks: BackgroundTasks` parameter in it)."
    )


async def test_a_failing_email_is_recorded_and_the_next_tasks_still_run(
    client, kata_module, tracker
):
    _, mail, next_id = tracker
    body, actor = new_issue()
    mail["failing"].add(body["reporter"])
    r = await post(client, "/issues", actor, body)
    assert r.status_code == 201, (
        f"POST /issues with a failing mail gateway returned {r.status_code} {r.text}; the "
        "response goes out before the tasks run, so it is still 201"
    )
    failure = {
        "task": "send_email",
        "to": body["reporter"],
        "error": f"mail gateway unreachable for {body['reporter']}",
    }
    assert failed_tasks(kata_module) == [failure], (
        f"send_email to the reporter raised ConnectionError; FAILED_TASKS is "
        f"{kata_module.FAILED_TASKS}, expected [{failure}]. Wrap the email in a function that "
        "catches the exception and appends that record: nobody else will ever see the error."
    )
    triage = {"to": kata_module.TRIAGE_ADDRESS, "subject": f"New issue #{next_id}: {body['title']}"}
    assert outbox(kata_module) == [triage], (
        f"after the reporter's email failed, OUTBOX is {kata_module.OUTBOX}; expected the "
        f"triage email still sent: {[triage]}. An exception escaping one background task stops "
        "every task queued after it."
    )
    assert audit_log(kata_module) == [f"{actor} POST /issues", f"issue {next_id} created"], (
        f"AUDIT_LOG is {kata_module.AUDIT_LOG}; the audit entries should be kept"
    )
