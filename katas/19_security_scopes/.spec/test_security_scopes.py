"""Specs for kata 19: OAuth2 scopes with Security() and SecurityScopes.

They reach the app only through fixtures. Each test writes its own SECRET_KEY, users and issues
into the module and mints its own tokens, so every scope combination can be tried directly.
"""

import secrets
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

ALL_SCOPES = ("issues:read", "issues:write", "admin")
# Cheap argon2id parameters: the cost is stored in the hash, so the app verifies it quickly.
FAST_ARGON2 = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))


@pytest.fixture
def tracker(kata_module):
    """A fresh secret, one user holding every scope, and a few random issues."""
    username = f"dev{secrets.randbelow(10**6)}"
    password = secrets.token_urlsafe(10)
    kata_module.SECRET_KEY = secrets.token_hex(32)
    kata_module.USERS.clear()
    kata_module.USERS[username] = {
        "username": username,
        "hashed_password": FAST_ARGON2.hash(password),
        "scopes": list(ALL_SCOPES),
    }
    ids = sorted(secrets.SystemRandom().sample(range(10, 10_000), 4))
    kata_module.ISSUES.clear()
    for issue_id in reversed(ids):  # inserted out of order: the list must sort by id
        kata_module.ISSUES[issue_id] = {
            "id": issue_id,
            "title": f"Bug {secrets.token_hex(3)}",
            "reporter": username,
        }
    return kata_module, username, password


def token_for(module, username: str, scopes: list[str] | None, **extra) -> str:
    claims = {"sub": username, "exp": datetime.now(UTC) + timedelta(minutes=10), **extra}
    if scopes is not None:
        claims["scopes"] = scopes
    return jwt.encode(claims, module.SECRET_KEY, algorithm=getattr(module, "ALGORITHM", "HS256"))


async def call(client, method: str, url: str, token: str | None, what: str, **kwargs):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    try:
        return await client.request(method, url, headers=headers, **kwargs)
    except Exception as exc:
        pytest.fail(
            f"{method} {url} with {what} crashed inside the app with {type(exc).__name__}: {exc} "
            "(a 500). A token's `scopes` claim may be missing: read it with payload.get('scopes', "
            "[]), and catch jwt.InvalidTokenError for bad tokens."
        )


def assert_missing_scope(r, what: str, allowed: set[str]) -> None:
    expected = " or ".join(f"'Missing scope: {s}'" for s in sorted(allowed))
    assert r.status_code == 403, (
        f"{what} returned {r.status_code} {r.text}; expected 403 {{'detail': {expected}}}. The "
        "token is valid (so not 401) but lacks a scope the route declares in "
        "Security(get_current_user, scopes=[...]): check security_scopes.scopes against the "
        "token's scopes."
    )
    assert r.json() in [{"detail": f"Missing scope: {s}"} for s in allowed], (
        f"{what} returned 403 {r.json()}; expected {{'detail': {expected}}}, naming the scope "
        "the token lacks."
    )


async def login(client, username: str, password: str, scope: str):
    data = {"grant_type": "password", "username": username, "password": password, "scope": scope}
    try:
        return await client.post("/token", data=data)
    except Exception as exc:
        pytest.fail(f"POST /token crashed inside the app with {type(exc).__name__}: {exc}")


def scopes_in(module, token: str) -> list:
    try:
        claims = jwt.decode(token, module.SECRET_KEY, algorithms=[module.ALGORITHM])
    except jwt.InvalidTokenError as exc:
        pytest.fail(
            f"the access_token from POST /token is not a JWT signed with SECRET_KEY "
            f"({type(exc).__name__}: {exc}): sign it as in kata 18, reading SECRET_KEY at request time"
        )
    return claims.get("scopes")


# --- POST /token: the server decides what to grant ----------------------------------------------


async def test_login_grants_the_requested_scopes_the_user_holds(client, tracker):
    module, username, password = tracker
    module.USERS[username]["scopes"] = ["issues:read", "issues:write"]
    r = await login(client, username, password, "issues:read issues:write")
    assert r.status_code == 200, f"POST /token with the right password returned {r.status_code}"
    scopes = scopes_in(module, r.json()["access_token"])
    assert isinstance(scopes, list) and set(scopes) == {"issues:read", "issues:write"}, (
        f"after asking for scope='issues:read issues:write' the token's `scopes` claim is "
        f"{scopes!r}; expected the list ['issues:read', 'issues:write']. "
        "OAuth2PasswordRequestForm splits the form's `scope` field into form_data.scopes."
    )


async def test_login_drops_requested_scopes_the_user_does_not_hold(client, tracker):
    module, username, password = tracker
    module.USERS[username]["scopes"] = ["issues:read"]
    r = await login(client, username, password, "issues:read admin")
    assert r.status_code == 200, f"POST /token with the right password returned {r.status_code}"
    scopes = scopes_in(module, r.json()["access_token"])
    assert scopes == ["issues:read"], (
        f"a user holding only issues:read asked for 'issues:read admin' and got a token with "
        f"scopes {scopes!r}; expected ['issues:read']. The client asks, the server grants: keep "
        "only the requested scopes that are in USERS[username]['scopes']."
    )


async def test_login_with_a_wrong_password_is_401(client, tracker):
    _, username, password = tracker
    r = await login(client, username, password + "x", "issues:read")
    assert r.status_code == 401, (
        f"POST /token with a wrong password returned {r.status_code}; expected 401"
    )


# --- one scope per route ---------------------------------------------------------------------------


async def test_users_me_needs_no_scope(client, tracker):
    module, username, _ = tracker
    r = await call(client, "GET", "/users/me", token_for(module, username, []), "no scopes")
    assert r.status_code == 200, (
        f"GET /users/me with a valid token holding no scopes returned {r.status_code} {r.text}; "
        "expected 200: this route requires no scope."
    )
    assert r.json() == {"username": username, "scopes": []}, (
        f"GET /users/me returned {r.json()}; expected {{'username': {username!r}, 'scopes': []}}"
    )


async def test_users_me_reports_the_tokens_scopes(client, tracker):
    module, username, _ = tracker
    token = token_for(module, username, ["issues:read", "admin"])
    r = await call(client, "GET", "/users/me", token, "scopes issues:read and admin")
    assert r.status_code == 200, f"GET /users/me returned {r.status_code} {r.text}"
    body = r.json()
    assert body.get("username") == username and sorted(body.get("scopes", [])) == [
        "admin",
        "issues:read",
    ], f"GET /users/me returned {body}; expected the token's scopes ['issues:read', 'admin']"


async def test_reading_issues_with_the_read_scope(client, tracker):
    module, username, _ = tracker
    token = token_for(module, username, ["issues:read"])
    r = await call(client, "GET", "/issues", token, "scope issues:read")
    expected = [module.ISSUES[i] for i in sorted(module.ISSUES)]
    assert r.status_code == 200, (
        f"GET /issues with scope issues:read returned {r.status_code} {r.text}"
    )
    assert r.json() == expected, (
        f"GET /issues returned {r.json()}; expected every issue in ISSUES, sorted by id: {expected}"
    )


async def test_reading_issues_without_the_read_scope_is_403(client, tracker):
    module, username, _ = tracker
    token = token_for(module, username, ["issues:write"])
    r = await call(client, "GET", "/issues", token, "only issues:write")
    assert_missing_scope(r, "GET /issues with a token holding only issues:write", {"issues:read"})


async def test_creating_an_issue_with_the_write_scope(client, tracker):
    module, username, _ = tracker
    title = f"Crash on save {secrets.token_hex(3)}"
    token = token_for(module, username, ["issues:write"])
    r = await call(client, "POST", "/issues", token, "scope issues:write", json={"title": title})
    assert r.status_code == 201, (
        f"POST /issues with scope issues:write returned {r.status_code} {r.text}"
    )
    body = r.json()
    assert body.get("title") == title and body.get("reporter") == username, (
        f"POST /issues returned {body}; expected the new issue with title {title!r} and "
        f"reporter {username!r} (the token's sub)"
    )
    assert body.get("id") in module.ISSUES and module.ISSUES[body["id"]]["title"] == title, (
        f"POST /issues returned {body} but ISSUES has no such issue: store it in ISSUES"
    )


async def test_creating_an_issue_with_only_the_read_scope_is_403(client, tracker):
    module, username, _ = tracker
    token = token_for(module, username, ["issues:read"])
    before = dict(module.ISSUES)
    r = await call(client, "POST", "/issues", token, "only issues:read", json={"title": "Nope"})
    assert_missing_scope(r, "POST /issues with a token holding only issues:read", {"issues:write"})
    assert before == module.ISSUES, "POST /issues was refused but an issue was stored anyway"


async def test_the_tokens_scopes_decide_not_what_the_user_could_have(client, tracker):
    # The user holds every scope, but this client was only delegated issues:read.
    module, username, _ = tracker
    token = token_for(module, username, ["issues:read"])
    r = await call(client, "POST", "/issues", token, "only issues:read", json={"title": "Nope"})
    assert_missing_scope(
        r,
        "POST /issues by a user who holds issues:write, with a token granting only issues:read",
        {"issues:write"},
    )


async def test_a_token_without_a_scopes_claim_has_no_scopes(client, tracker):
    module, username, _ = tracker
    token = token_for(module, username, None)
    r = await call(client, "GET", "/issues", token, "a token without a `scopes` claim")
    assert_missing_scope(r, "GET /issues with a token that has no `scopes` claim", {"issues:read"})


# --- a route that needs two scopes ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "missing"),
    [
        (["issues:write"], {"admin"}),
        (["admin"], {"issues:write"}),
        (["issues:read"], {"issues:write", "admin"}),
        ([], {"issues:write", "admin"}),
    ],
    ids=["only-write", "only-admin", "only-read", "no-scopes"],
)
async def test_deleting_needs_both_write_and_admin(client, tracker, held, missing):
    module, username, _ = tracker
    issue_id = next(iter(module.ISSUES))
    token = token_for(module, username, held)
    r = await call(client, "DELETE", f"/issues/{issue_id}", token, f"scopes {held}")
    assert_missing_scope(
        r, f"DELETE /issues/{issue_id} with scopes {held} (needs issues:write AND admin)", missing
    )
    assert issue_id in module.ISSUES, (
        f"DELETE /issues/{issue_id} was refused but the issue was deleted anyway"
    )


async def test_deleting_with_both_scopes(client, tracker):
    module, username, _ = tracker
    issue_id = secrets.choice(list(module.ISSUES))
    token = token_for(module, username, ["issues:write", "admin"])
    r = await call(client, "DELETE", f"/issues/{issue_id}", token, "issues:write and admin")
    assert r.status_code == 204, (
        f"DELETE /issues/{issue_id} with scopes issues:write and admin returned {r.status_code} "
        f"{r.text}; expected 204"
    )
    assert issue_id not in module.ISSUES, (
        f"DELETE /issues/{issue_id} answered 204 but it is still in ISSUES"
    )


async def test_deleting_a_missing_issue_is_404(client, tracker):
    module, username, _ = tracker
    missing = max(module.ISSUES) + 1 + secrets.randbelow(1000)
    token = token_for(module, username, ["issues:write", "admin"])
    r = await call(client, "DELETE", f"/issues/{missing}", token, "issues:write and admin")
    assert r.status_code == 404 and r.json() == {"detail": "Issue not found"}, (
        f"DELETE /issues/{missing} (no such issue) returned {r.status_code} {r.text}; expected "
        "404 {'detail': 'Issue not found'}"
    )


# --- authentication still comes first -------------------------------------------------------------


@pytest.mark.parametrize(
    "case", ["no token", "a token signed with another key", "an expired token"]
)
async def test_a_missing_or_invalid_token_is_401_even_on_a_scoped_route(client, tracker, case):
    module, username, _ = tracker
    scopes = list(ALL_SCOPES)
    token = {
        "no token": None,
        "a token signed with another key": jwt.encode(
            {"sub": username, "scopes": scopes, "exp": datetime.now(UTC) + timedelta(minutes=5)},
            secrets.token_hex(32),
            algorithm="HS256",
        ),
        "an expired token": token_for(
            module, username, scopes, exp=datetime.now(UTC) - timedelta(minutes=10)
        ),
    }[case]
    r = await call(client, "GET", "/issues", token, case)
    assert r.status_code == 401, (
        f"GET /issues with {case} returned {r.status_code} {r.text}; expected 401: who you are "
        "is checked before what you may do (403)."
    )
    challenge = r.headers.get("www-authenticate", "")
    assert challenge.startswith("Bearer"), (
        f"GET /issues with {case} returned 401 with WWW-Authenticate {challenge!r}; it must start "
        "with 'Bearer' (for example 'Bearer scope=\"issues:read\"')."
    )


# --- OpenAPI ----------------------------------------------------------------------------------------


def password_flows(document: dict) -> dict:
    schemes = document.get("components", {}).get("securitySchemes", {})
    return {
        name: s["flows"]["password"]
        for name, s in schemes.items()
        if s.get("type") == "oauth2" and "password" in s.get("flows", {})
    }


async def test_openapi_lists_every_scope(client):
    document = (await client.get("/openapi.json")).json()
    flows = password_flows(document)
    assert flows, (
        "the OpenAPI document has no oauth2 password flow: use OAuth2PasswordBearer(tokenUrl="
        "'token', scopes=...)"
    )
    listed = {scope for flow in flows.values() for scope in flow.get("scopes", {})}
    assert listed == set(ALL_SCOPES), (
        f"the password flow lists the scopes {sorted(listed)}; expected {sorted(ALL_SCOPES)}. "
        "Pass scopes={name: description} to OAuth2PasswordBearer so clients can discover them."
    )


@pytest.mark.parametrize(
    ("path", "method", "expected"),
    [
        ("/issues", "get", {"issues:read"}),
        ("/issues", "post", {"issues:write"}),
        ("/issues/{issue_id}", "delete", {"issues:write", "admin"}),
    ],
    ids=["GET-issues", "POST-issues", "DELETE-issue"],
)
async def test_openapi_shows_the_scopes_each_route_requires(client, path, method, expected):
    document = (await client.get("/openapi.json")).json()
    operation = document.get("paths", {}).get(path, {}).get(method)
    assert operation, f"OpenAPI has no {method.upper()} {path}"
    required = {
        scope
        for requirement in operation.get("security", [])
        for name, scopes in requirement.items()
        if name in password_flows(document)
        for scope in scopes
    }
    assert required == expected, (
        f"OpenAPI says {method.upper()} {path} requires the scopes {sorted(required)}; expected "
        f"{sorted(expected)}. Declare them with Security(get_current_user, scopes=[...]) on the "
        "route, so FastAPI both enforces and documents them."
    )
