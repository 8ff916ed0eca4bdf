"""Specs for kata 31: the capstone task tracker. They reach the app only through fixtures.

Every test runs with its own random TASKS_SECRET_KEY in the environment, so tokens must be signed
with the configured key, and the specs can check and forge tokens with it.
"""

import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest

ALL_SCOPES = "tasks:read tasks:write"


@pytest.fixture(autouse=True)
def secret(monkeypatch) -> str:
    """Set before the app module is imported and before its lifespan starts."""
    value = f"test-secret-{uuid.uuid4().hex}"
    monkeypatch.setenv("TASKS_SECRET_KEY", value)
    monkeypatch.delenv("TASKS_ACCESS_TOKEN_MINUTES", raising=False)
    monkeypatch.delenv("TASKS_DATABASE_URL", raising=False)
    return value


def new_username(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


async def sign_up(client, prefix: str) -> dict:
    username, password = new_username(prefix), f"pw-{uuid.uuid4().hex[:12]}"
    r = await client.post("/users", json={"username": username, "password": password})
    assert r.status_code == 201, (
        f"POST /users {{'username': {username!r}, 'password': ...}} returned {r.status_code} "
        f"{r.text}; expected 201 {{'id': <int>, 'username': {username!r}}}."
    )
    return {**r.json(), "password": password}


async def log_in(client, user: dict, scope: str = ALL_SCOPES) -> str:
    form = {"username": user["username"], "password": user["password"]}
    if scope:
        form["scope"] = scope
    r = await client.post("/token", data=form)
    assert r.status_code == 200, (
        f"POST /token (form: username, password, scope={scope!r}) for a user who just signed up "
        f"returned {r.status_code} {r.text}; expected 200 {{'access_token': ..., "
        "'token_type': 'bearer'}. The OAuth2 password flow sends a form, not JSON: "
        "OAuth2PasswordRequestForm reads it."
    )
    body = r.json()
    assert body.get("token_type") == "bearer" and body.get("access_token"), (
        f"POST /token returned {body}; expected {{'access_token': <jwt>, 'token_type': 'bearer'}}"
    )
    return body["access_token"]


def claims_of(token: str, secret: str) -> dict:
    """The token's claims, verified with the configured key; a failure says what to fix."""
    try:
        return jwt.decode(token, secret, algorithms=["HS256"])
    except jwt.InvalidTokenError as exc:
        problem = f"{type(exc).__name__}: {exc}"
    pytest.fail(
        f"the access token does not verify as HS256 with TASKS_SECRET_KEY ({problem}): sign it "
        "with get_settings().secret_key, not a constant, and give it an `exp`.",
        pytrace=False,
    )


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


async def create_task(client, token: str, title: str) -> dict:
    r = await client.post("/tasks", json={"title": title}, headers=bearer(token))
    assert r.status_code == 201, (
        f"POST /tasks {{'title': {title!r}}} with a tasks:write token returned {r.status_code} "
        f"{r.text}; expected 201 with the task."
    )
    return r.json()


# --- the journey --------------------------------------------------------------------------------


async def test_a_user_journey_from_sign_up_to_delete(client, secret):
    # Alice signs up; her username is then taken.
    alice = await sign_up(client, "alice")
    assert set(alice) == {"id", "username", "password"} and isinstance(alice["id"], int), (
        f"POST /users returned { ({k: v for k, v in alice.items() if k != 'password'}) }; expected "
        "exactly {'id': <int>, 'username': ...}: never return the password or its hash."
    )
    r = await client.post("/users", json={"username": alice["username"], "password": "x" * 12})
    assert r.status_code == 409 and r.json() == {"detail": "Username already taken"}, (
        f"signing up a taken username returned {r.status_code} {r.text}; expected 409 "
        "{'detail': 'Username already taken'}"
    )

    # A wrong password is refused; the right one gets a token signed with TASKS_SECRET_KEY.
    r = await client.post("/token", data={"username": alice["username"], "password": "wrong-pw-1"})
    assert r.status_code == 401, (
        f"POST /token with a wrong password returned {r.status_code} {r.text}; expected 401. "
        "Look the user up, check password_hash.verify(form.password, user.password_hash), and "
        "answer 401 when either fails."
    )
    token = await log_in(client, alice)
    claims = claims_of(token, secret)
    assert claims.get("sub") == str(alice["id"]) and sorted(claims.get("scopes", [])) == [
        "tasks:read",
        "tasks:write",
    ], (
        f"the token's claims are {claims}; expected sub={str(alice['id'])!r} (the user id as a "
        "string) and scopes ['tasks:read', 'tasks:write'] (the scopes asked for at log-in)."
    )
    assert "exp" in claims, f"the token has no `exp` claim: {claims}"

    r = await client.get("/users/me", headers=bearer(token))
    assert r.status_code == 200 and r.json() == {
        "id": alice["id"],
        "username": alice["username"],
    }, f"GET /users/me with Alice's token returned {r.status_code} {r.text}"

    # Alice creates two tasks and lists them.
    first = await create_task(client, token, "Write the quarterly report")
    second = await create_task(client, token, "Book the team offsite")
    assert first == {
        "id": first["id"],
        "title": "Write the quarterly report",
        "done": False,
        "owner_id": alice["id"],
    }, (
        f"POST /tasks returned {first}; expected {{'id': <int>, 'title': ..., 'done': False, "
        f"'owner_id': {alice['id']}}}"
    )
    r = await client.get("/tasks", headers=bearer(token))
    assert r.status_code == 200 and r.json() == [first, second], (
        f"GET /tasks for Alice returned {r.status_code} {r.text}; expected her two tasks by id: "
        f"{[first, second]}"
    )

    # Bob sees none of it, and cannot read or delete Alice's task.
    bob = await sign_up(client, "bob")
    bob_token = await log_in(client, bob)
    r = await client.get("/tasks", headers=bearer(bob_token))
    assert r.status_code == 200 and r.json() == [], (
        f"GET /tasks for Bob (who has no tasks) returned {r.status_code} {r.text}; expected []: "
        "filter every query by the current user (Task.owner_id == user.id)."
    )
    for method in ("GET", "DELETE"):
        r = await client.request(method, f"/tasks/{first['id']}", headers=bearer(bob_token))
        assert r.status_code == 404 and r.json() == {"detail": "Task not found"}, (
            f"{method} /tasks/{first['id']} (Alice's task) with Bob's token returned "
            f"{r.status_code} {r.text}; expected 404 {{'detail': 'Task not found'}}: someone "
            "else's task does not exist for you (a 403 would confirm that it does)."
        )

    # Alice deletes her first task.
    r = await client.delete(f"/tasks/{first['id']}", headers=bearer(token))
    assert r.status_code == 204 and not r.content, (
        f"DELETE /tasks/{first['id']} by its owner returned {r.status_code} {r.text!r}; expected 204"
    )
    r = await client.get(f"/tasks/{first['id']}", headers=bearer(token))
    assert r.status_code == 404, f"GET of a deleted task returned {r.status_code}; expected 404"
    r = await client.get("/tasks", headers=bearer(token))
    assert r.json() == [second], (
        f"after the delete GET /tasks returned {r.text}; expected [{second}]"
    )

    # The background tasks recorded what happened, after each response.
    r = await client.get("/activity", headers=bearer(token))
    expected = [
        {"task_id": first["id"], "action": "created"},
        {"task_id": second["id"], "action": "created"},
        {"task_id": first["id"], "action": "deleted"},
    ]
    assert r.status_code == 200 and r.json() == expected, (
        f"GET /activity for Alice returned {r.status_code} {r.text}; expected {expected}: a "
        "background task records each create and delete."
    )
    r = await client.get("/activity", headers=bearer(bob_token))
    assert r.json() == [], f"GET /activity for Bob returned {r.text}; expected [] (only his own)"


# --- authentication and scopes ------------------------------------------------------------------


def forged(secret: str, sub: str, minutes: int, scopes: list[str]) -> str:
    claims = {"sub": sub, "scopes": scopes, "exp": datetime.now(UTC) + timedelta(minutes=minutes)}
    return jwt.encode(claims, secret, algorithm="HS256")


async def test_requests_without_a_valid_token_are_401(client, secret):
    alice = await sign_up(client, "alice")
    sub = str(alice["id"])
    bad = {
        "no token": {},
        "a token that is not a JWT": bearer("not-a-jwt"),
        "a token signed with another key": bearer(
            forged("another-key-" + "k" * 32, sub, 30, ["tasks:read"])
        ),
        "an expired token": bearer(forged(secret, sub, -5, ["tasks:read"])),
        "a token for a user who does not exist": bearer(
            forged(secret, str(alice["id"] + 1000), 30, ["tasks:read"])
        ),
    }
    for what, headers in bad.items():
        r = await client.get("/tasks", headers=headers)
        assert r.status_code == 401, (
            f"GET /tasks with {what} returned {r.status_code} {r.text}; expected 401"
        )
        assert r.headers.get("www-authenticate", "").startswith("Bearer"), (
            f"the 401 for {what} has WWW-Authenticate {r.headers.get('www-authenticate')!r}; "
            "expected it to start with 'Bearer'"
        )


async def test_scopes_limit_what_a_token_can_do(client, secret):
    # One user and several log-ins: hashing passwords is slow on purpose, so the specs sign up once.
    alice = await sign_up(client, "alice")
    task = await create_task(client, await log_in(client, alice), "Water the plants")

    reader = await log_in(client, alice, scope="tasks:read")
    r = await client.get("/tasks", headers=bearer(reader))
    assert r.status_code == 200 and r.json() == [task], (
        f"GET /tasks with a tasks:read token returned {r.status_code} {r.text}; expected [{task}]"
    )
    for method, url, body in (
        ("POST", "/tasks", {"title": "Nope"}),
        ("DELETE", f"/tasks/{task['id']}", None),
    ):
        r = await client.request(method, url, json=body, headers=bearer(reader))
        assert r.status_code == 403 and r.json() == {"detail": "Not enough permissions"}, (
            f"{method} {url} with a token that has only tasks:read returned {r.status_code} "
            f"{r.text}; expected 403 {{'detail': 'Not enough permissions'}}. Declare the scope "
            "the route needs: Security(get_current_user, scopes=['tasks:write'])."
        )
        assert "tasks:write" in r.headers.get("www-authenticate", ""), (
            f"the 403 for {method} {url} has WWW-Authenticate "
            f"{r.headers.get('www-authenticate')!r}; expected 'Bearer scope=\"tasks:write\"'"
        )

    no_scopes = await log_in(client, alice, scope="")
    r = await client.get("/users/me", headers=bearer(no_scopes))
    assert r.status_code == 200, (
        f"GET /users/me needs no scope, yet a token without scopes got {r.status_code} {r.text}"
    )
    r = await client.get("/tasks", headers=bearer(no_scopes))
    assert r.status_code == 403, (
        f"GET /tasks with a token without scopes returned {r.status_code}; expected 403 "
        "(it needs tasks:read)"
    )

    greedy = await log_in(client, alice, scope="tasks:read admin")
    claims = claims_of(greedy, secret)
    assert claims.get("scopes") == ["tasks:read"], (
        f"logging in with scope='tasks:read admin' gave a token with scopes "
        f"{claims.get('scopes')}; expected ['tasks:read']: grant only the scopes the API knows."
    )


@pytest.mark.parametrize(
    "body",
    [
        {"username": "ab", "password": "long-enough-1"},
        {"username": "Alice!", "password": "long-enough-1"},
        {"username": "carol_1", "password": "short"},
    ],
)
async def test_sign_up_validates_username_and_password(client, body):
    r = await client.post("/users", json=body)
    assert r.status_code == 422, (
        f"POST /users {body} returned {r.status_code}; expected 422: usernames are 3-50 of "
        "a-z, 0-9 and _, passwords at least 8 characters."
    )


# --- structure: settings, lifespan, routers -----------------------------------------------------


async def test_settings_come_from_the_environment_and_are_cached(kata_module, monkeypatch, secret):
    for name in ("Settings", "get_settings"):
        assert hasattr(kata_module, name), (
            f"app.py has no module-level `{name}`: import it there from settings.py"
        )
    monkeypatch.setenv("TASKS_ACCESS_TOKEN_MINUTES", "7")
    settings = kata_module.Settings()
    fields = ("secret_key", "access_token_minutes")
    read = {name: getattr(settings, name, "<no such field>") for name in fields}
    assert read == {"secret_key": secret, "access_token_minutes": 7}, (
        f"Settings() read {read} with TASKS_SECRET_KEY={secret!r} and "
        "TASKS_ACCESS_TOKEN_MINUTES=7 in the environment; declare the fields secret_key: str and "
        "access_token_minutes: int = 30 with model_config = SettingsConfigDict(env_prefix='TASKS_')."
    )
    assert kata_module.get_settings() is kata_module.get_settings(), (
        "get_settings() built a new Settings on each call; cache it (@lru_cache)"
    )


async def test_the_app_does_not_start_without_a_secret_key(app, monkeypatch):
    from asgi_lifespan import LifespanManager

    monkeypatch.delenv("TASKS_SECRET_KEY")
    try:
        async with LifespanManager(app):
            started = True
    except Exception:
        started = False
    assert not started, (
        "the app started without TASKS_SECRET_KEY: give secret_key no default and call "
        "get_settings() in the lifespan, so a misconfigured deployment fails at start-up."
    )


async def test_each_resource_has_its_own_router_and_tag(client):
    r = await client.get("/openapi.json")
    paths = r.json().get("paths", {})
    expected = {
        ("/users", "post"): "users",
        ("/token", "post"): "users",
        ("/users/me", "get"): "users",
        ("/tasks", "get"): "tasks",
        ("/tasks", "post"): "tasks",
        ("/tasks/{task_id}", "get"): "tasks",
        ("/tasks/{task_id}", "delete"): "tasks",
        ("/activity", "get"): "activity",
    }
    for (path, method), tag in expected.items():
        operation = paths.get(path, {}).get(method)
        assert operation is not None, f"OpenAPI has no {method.upper()} {path}"
        assert operation.get("tags") == [tag], (
            f"{method.upper()} {path} has tags {operation.get('tags')}; expected [{tag!r}]: "
            f"declare it on the {tag} router, APIRouter(tags=[{tag!r}])."
        )
