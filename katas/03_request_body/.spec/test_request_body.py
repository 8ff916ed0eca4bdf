"""Specs for kata 03: request bodies. They reach the app only through fixtures."""

import copy
import json
import random

import pytest

LABELS = ("bug", "ui", "backend", "docs", "security", "performance")
TITLES = ("Export fails on large files", "Typo on pricing page", "Slow search", "Broken avatar")


@pytest.fixture
def seeded(kata_module):
    """A few issues with random, non-consecutive ids written into the module's ISSUES."""
    rng = random.Random()
    ids = sorted(rng.sample(range(10, 5000), 4))
    issues = {
        i: {
            "id": i,
            "project_id": rng.randrange(1, 100),
            "title": rng.choice(TITLES),
            "description": None,
            "priority": rng.randint(1, 5),
            "labels": [rng.choice(LABELS)],
            "assignee": None,
        }
        for i in ids
    }
    kata_module.ISSUES.clear()
    kata_module.ISSUES.update(copy.deepcopy(issues))  # the app may change its copy in place
    kata_module.NOTIFICATIONS.clear()
    return issues


def new_issue():
    """A full, valid issue body with random content."""
    return {
        "title": f"{random.choice(TITLES)} #{random.randrange(1000)}",
        "description": f"Seen by {random.randrange(2, 90)} customers",
        "priority": random.randint(1, 5),
        "labels": random.sample(LABELS, 2),
    }


def error_locs(r):
    detail = r.json().get("detail")
    if not isinstance(detail, list):
        return []
    return [list(e.get("loc", ())) for e in detail if isinstance(e, dict)]


# --- POST /projects/{project_id}/issues: a model body with path and query parameters --------------


async def test_create_with_only_a_title_fills_the_model_defaults(client, kata_module, seeded):
    project_id = random.randrange(1, 500)
    title = f"Crash on save #{random.randrange(1000)}"
    r = await client.post(f"/projects/{project_id}/issues", json={"title": title})
    assert r.status_code == 201, (
        f"POST /projects/{project_id}/issues with {{'title': ...}} returned {r.status_code} "
        f"{r.text[:300]}; expected 201"
    )
    new_id = max(seeded) + 1
    want = {
        "id": new_id,
        "project_id": project_id,
        "title": title,
        "description": None,
        "priority": 3,
        "labels": [],
        "assignee": None,
    }
    assert r.json() == want, (
        "POST with only a title must fill in the model defaults (description None, priority 3, "
        "labels []) and use id = largest id in ISSUES + 1. A Pydantic model with defaults does "
        f"the filling. Got {r.json()}, expected {want}"
    )
    assert kata_module.ISSUES.get(new_id) == want, (
        f"after the POST, ISSUES[{new_id}] is {kata_module.ISSUES.get(new_id)}; expected the "
        "created issue to be stored there"
    )


async def test_create_with_a_full_body(client, kata_module, seeded):
    project_id = random.randrange(1, 500)
    body = new_issue()
    r = await client.post(f"/projects/{project_id}/issues", json=body)
    assert r.status_code == 201, f"POST /projects/{project_id}/issues returned {r.status_code}"
    want = {"id": max(seeded) + 1, "project_id": project_id, **body, "assignee": None}
    assert r.json() == want, f"POST with {body} returned {r.json()}; expected {want}"


async def test_notify_comes_from_the_query_string(client, kata_module, seeded):
    r = await client.post("/projects/3/issues?notify=true", json=new_issue())
    assert r.status_code == 201, f"POST /projects/3/issues?notify=true returned {r.status_code}"
    issue_id = r.json().get("id")
    queued = kata_module.NOTIFICATIONS
    assert queued == [issue_id], (
        f"after POST ...?notify=true, NOTIFICATIONS is {queued}; expected "
        f"[{issue_id}]. `notify: bool = False` beside the model parameter is read from the query."
    )
    r = await client.post("/projects/3/issues", json=new_issue())
    assert r.status_code == 201, f"POST /projects/3/issues returned {r.status_code}"
    queued = kata_module.NOTIFICATIONS
    assert queued == [issue_id], (
        f"a POST without notify changed NOTIFICATIONS to {queued}; notify defaults to false"
    )


INVALID_ISSUES = [
    ({"description": "no title"}, ["body", "title"], "title is required"),
    ({"title": "Slow", "priority": "urgent"}, ["body", "priority"], "priority is an int"),
    ({"title": "Slow", "labels": "bug"}, ["body", "labels"], "labels is a list of strings"),
    ({"title": ["Slow"]}, ["body", "title"], "title is a string"),
]


async def test_invalid_issue_body_is_422_and_names_the_field(client, kata_module, seeded):
    for body, loc, why in INVALID_ISSUES:
        r = await client.post("/projects/3/issues", json=body)
        assert r.status_code == 422, (
            f"POST /projects/3/issues with {body} returned {r.status_code}; expected 422 ({why}). "
            "Declare the body as a Pydantic model parameter so FastAPI validates it."
        )
        assert loc in error_locs(r), (
            f"the 422 for {body} has errors at {error_locs(r)}; expected one at {loc}"
        )
        assert set(kata_module.ISSUES) == set(seeded), "an invalid body must not store an issue"


async def test_project_id_must_be_an_integer(client, seeded):
    r = await client.post("/projects/web/issues", json=new_issue())
    assert r.status_code == 422 and ["path", "project_id"] in error_locs(r), (
        f"POST /projects/web/issues returned {r.status_code} {r.text[:300]}; expected 422 with an "
        "error at ['path', 'project_id']"
    )


async def test_json_without_content_type_is_422(client, kata_module, seeded):
    # Valid JSON text, but no Content-Type header: FastAPI (0.132+) does not parse it as JSON.
    text = json.dumps(new_issue())
    r = await client.post("/projects/3/issues", content=text)
    assert "content-type" not in r.request.headers, (
        "spec bug: the request must not set Content-Type"
    )
    assert r.status_code == 422, (
        f"POST /projects/3/issues with a JSON body but no Content-Type returned {r.status_code}; "
        "expected 422. Reading the body yourself with request.json() accepts it; a model "
        "parameter lets FastAPI insist on Content-Type: application/json."
    )
    assert set(kata_module.ISSUES) == set(seeded), "a request without Content-Type stored an issue"


async def test_json_sent_as_text_plain_is_422(client, kata_module, seeded):
    text = json.dumps(new_issue())
    r = await client.post(
        "/projects/3/issues", content=text, headers={"Content-Type": "text/plain"}
    )
    assert r.status_code == 422, (
        f"POST /projects/3/issues with Content-Type: text/plain returned {r.status_code}; "
        "expected 422: only application/json bodies are parsed as JSON"
    )


# --- PUT /issues/{issue_id}: two body models ------------------------------------------------------


async def test_put_takes_two_bodies_under_their_parameter_names(client, kata_module, seeded):
    issue_id = random.choice(list(seeded))
    issue = new_issue()
    assignee = {"username": f"dev{random.randrange(100)}", "email": "dev@example.com"}
    r = await client.put(f"/issues/{issue_id}", json={"issue": issue, "assignee": assignee})
    assert r.status_code == 200, (
        f"PUT /issues/{issue_id} with {{'issue': {{...}}, 'assignee': {{...}}}} returned "
        f"{r.status_code} {r.text[:300]}; expected 200. With two model parameters (issue: "
        "IssueIn, assignee: Assignee), FastAPI expects the body keyed by their names."
    )
    want = {"id": issue_id, "project_id": seeded[issue_id]["project_id"], **issue}
    want["assignee"] = assignee
    assert r.json() == want, (
        f"PUT /issues/{issue_id} returned {r.json()}; expected {want}: id and project_id kept, "
        "title/description/priority/labels replaced from `issue`, assignee set"
    )
    assert kata_module.ISSUES[issue_id] == want, (
        f"after the PUT, ISSUES[{issue_id}] is {kata_module.ISSUES[issue_id]}; expected {want}"
    )


async def test_put_applies_model_defaults_to_left_out_fields(client, seeded):
    issue_id = random.choice(list(seeded))
    assignee = {"username": "mo", "email": "mo@example.com"}
    r = await client.put(
        f"/issues/{issue_id}", json={"issue": {"title": "Retitled"}, "assignee": assignee}
    )
    assert r.status_code == 200, f"PUT /issues/{issue_id} returned {r.status_code} {r.text[:300]}"
    got = {k: r.json().get(k) for k in ("title", "description", "priority", "labels")}
    want = {"title": "Retitled", "description": None, "priority": 3, "labels": []}
    assert got == want, (
        f"PUT /issues/{issue_id} with only a title in `issue` gave {got}; expected {want}: PUT "
        "replaces the issue, so left-out fields take the model's defaults"
    )


async def test_put_errors_are_located_inside_each_body(client, seeded):
    issue_id = random.choice(list(seeded))
    body = {"issue": {"title": "Ok", "priority": "high"}, "assignee": {"username": "mo"}}
    r = await client.put(f"/issues/{issue_id}", json=body)
    assert r.status_code == 422, f"PUT /issues/{issue_id} with {body} returned {r.status_code}"
    locs = error_locs(r)
    for loc in (["body", "issue", "priority"], ["body", "assignee", "email"]):
        assert loc in locs, (
            f"PUT /issues/{issue_id} with {body} gave errors at {locs}; expected one at {loc}: "
            "each model's errors are nested under its parameter name"
        )


async def test_put_with_the_fields_at_the_top_level_is_422(client, seeded):
    # A common client mistake: sending the issue itself instead of {"issue": ..., "assignee": ...}.
    issue_id = random.choice(list(seeded))
    r = await client.put(f"/issues/{issue_id}", json=new_issue())
    assert r.status_code == 422, (
        f"PUT /issues/{issue_id} with a bare issue (no 'issue'/'assignee' keys) returned "
        f"{r.status_code}; expected 422"
    )
    locs = error_locs(r)
    assert ["body", "issue"] in locs and ["body", "assignee"] in locs, (
        f"the errors are at {locs}; expected ['body', 'issue'] and ['body', 'assignee'] (missing). "
        "Declare two separate model parameters named issue and assignee."
    )


async def test_put_unknown_issue_is_404(client, seeded):
    missing = max(seeded) + random.randrange(1, 100)
    body = {"issue": new_issue(), "assignee": {"username": "mo", "email": "mo@example.com"}}
    r = await client.put(f"/issues/{missing}", json=body)
    assert r.status_code == 404 and r.json() == {"detail": "Issue not found"}, (
        f"PUT /issues/{missing} (no such issue) returned {r.status_code} {r.text[:200]}; expected "
        "404 {'detail': 'Issue not found'}"
    )


# --- PATCH /issues/{issue_id}/priority: a single embedded value ----------------------------------


async def test_patch_priority_reads_an_embedded_value(client, kata_module, seeded):
    issue_id = random.choice(list(seeded))
    before = dict(seeded[issue_id])
    priority = random.choice([p for p in range(1, 6) if p != before["priority"]])
    r = await client.patch(f"/issues/{issue_id}/priority", json={"priority": priority})
    assert r.status_code == 200, (
        f"PATCH /issues/{issue_id}/priority with {{'priority': {priority}}} returned "
        f"{r.status_code} {r.text[:300]}; expected 200. A lone `priority: int = Body()` expects "
        "a bare number; Body(embed=True) expects it inside an object under its name."
    )
    want = {**before, "priority": priority}
    assert r.json() == want, (
        f"PATCH /issues/{issue_id}/priority returned {r.json()}; expected {want}: only priority "
        "changes"
    )
    assert kata_module.ISSUES[issue_id]["priority"] == priority, "the new priority was not stored"


async def test_patch_priority_rejects_a_bare_number(client, seeded):
    issue_id = random.choice(list(seeded))
    r = await client.patch(f"/issues/{issue_id}/priority", json=2)
    assert r.status_code == 422, (
        f"PATCH /issues/{issue_id}/priority with the bare JSON body 2 returned {r.status_code}; "
        "expected 422: the contract is {'priority': 2}. Use Body(embed=True)."
    )


async def test_patch_priority_that_is_not_an_int_is_422(client, seeded):
    issue_id = random.choice(list(seeded))
    r = await client.patch(f"/issues/{issue_id}/priority", json={"priority": "asap"})
    assert r.status_code == 422 and ["body", "priority"] in error_locs(r), (
        f"PATCH /issues/{issue_id}/priority with {{'priority': 'asap'}} returned {r.status_code} "
        f"{r.text[:300]}; expected 422 with an error at ['body', 'priority']"
    )


async def test_patch_unknown_issue_is_404(client, seeded):
    missing = max(seeded) + random.randrange(1, 100)
    r = await client.patch(f"/issues/{missing}/priority", json={"priority": 1})
    assert r.status_code == 404 and r.json() == {"detail": "Issue not found"}, (
        f"PATCH /issues/{missing}/priority (no such issue) returned {r.status_code} "
        f"{r.text[:200]}; expected 404 {{'detail': 'Issue not found'}}"
    )
