"""Specs for kata 18: OAuth2 password flow, hashed passwords and signed JWTs.

They reach the app only through fixtures. Every test writes its own SECRET_KEY, token lifetime and
users (with argon2 hashes made here, cheaply) into the module, so nothing can be hard-coded.
"""

import secrets
import time
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

# Cheap argon2id parameters: the cost is stored in each hash, so the app verifies these quickly
# whatever hasher it was configured with.
FAST_ARGON2 = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),))
BEARER = "Bearer"


class Account:
    def __init__(self, username: str, password: str, full_name: str, email: str) -> None:
        self.username = username
        self.password = password
        self.full_name = full_name
        self.email = email
        self.hashed_password = FAST_ARGON2.hash(password)

    def record(self) -> dict:
        return {
            "username": self.username,
            "full_name": self.full_name,
            "email": self.email,
            "hashed_password": self.hashed_password,
        }

    def profile(self) -> dict:
        return {"username": self.username, "full_name": self.full_name, "email": self.email}


@pytest.fixture
def shop(kata_module):
    """Two random staff accounts, a fresh secret and a random token lifetime, set on the module."""
    accounts = []
    for _ in range(2):
        name = f"clerk{secrets.randbelow(10**6)}"
        accounts.append(
            Account(name, secrets.token_urlsafe(12), f"Clerk {name[5:]}", f"{name}@shop.example")
        )
    kata_module.USERS.clear()
    kata_module.USERS.update({a.username: a.record() for a in accounts})
    kata_module.SECRET_KEY = secrets.token_hex(32)
    kata_module.ACCESS_TOKEN_EXPIRE_MINUTES = 5 + secrets.randbelow(100)
    return kata_module, accounts


def mint(module, claims: dict, *, key: str | None = None, algorithm: str | None = None) -> str:
    """A token made here, with the module's secret unless told otherwise."""
    return jwt.encode(
        claims,
        key or module.SECRET_KEY,
        algorithm=algorithm or getattr(module, "ALGORITHM", "HS256"),
    )


async def login(client, username: str, password: str):
    try:
        data = {"grant_type": "password", "username": username, "password": password}
        return await client.post("/token", data=data)
    except Exception as exc:
        pytest.fail(
            f"POST /token crashed inside the app with {type(exc).__name__}: {exc} (a 500). "
            "Look up the user, then verify the password with pwdlib's PasswordHash.verify."
        )


async def get_me(client, token: str | None, what: str):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    try:
        return await client.get("/users/me", headers=headers)
    except Exception as exc:
        pytest.fail(
            f"GET /users/me with {what} crashed inside the app with {type(exc).__name__}: {exc} "
            "(a 500). Catch jwt.InvalidTokenError (the base class of every PyJWT decoding error) "
            "and answer 401."
        )


def assert_bearer_challenge(r, what: str) -> None:
    challenge = r.headers.get("www-authenticate", "")
    assert challenge.split(" ")[0] == BEARER, (
        f"{what} returned {r.status_code} with WWW-Authenticate {challenge!r}; a 401 must carry "
        "`WWW-Authenticate: Bearer` so the client knows which scheme to use. Pass "
        "headers={'WWW-Authenticate': 'Bearer'} to the HTTPException."
    )


# --- POST /token ------------------------------------------------------------------------------


async def test_login_with_the_right_password_returns_a_bearer_token(client, shop):
    _, (user, _) = shop
    r = await login(client, user.username, user.password)
    assert r.status_code == 200, (
        f"POST /token with {user.username}'s right password returned {r.status_code} {r.text}. "
        "USERS holds an argon2 hash, not the password: check the password with "
        "PasswordHash.verify(password, user['hashed_password'])."
    )
    body = r.json()
    assert isinstance(body.get("access_token"), str) and body["access_token"], (
        f"POST /token returned {body}; expected an `access_token` string"
    )
    assert body.get("token_type", "").lower() == "bearer", (
        f"POST /token returned token_type {body.get('token_type')!r}; expected 'bearer'"
    )


async def test_issued_token_is_a_jwt_signed_with_the_secret_carrying_sub_and_exp(client, shop):
    module, (user, _) = shop
    before = time.time()
    r = await login(client, user.username, user.password)
    after = time.time()
    assert r.status_code == 200, f"POST /token returned {r.status_code} {r.text}"
    token = r.json().get("access_token", "")
    try:
        claims = jwt.decode(token, module.SECRET_KEY, algorithms=[module.ALGORITHM])
    except jwt.InvalidTokenError as exc:
        pytest.fail(
            f"the access_token {token[:40]!r}... is not a JWT signed with SECRET_KEY and "
            f"ALGORITHM ({type(exc).__name__}: {exc}). The specs set SECRET_KEY before the "
            "request: read it when you sign, not at import (no default arguments)."
        )
    assert claims.get("sub") == user.username, (
        f"the token's claims are {claims}; `sub` must be the username {user.username!r}"
    )
    lifetime = module.ACCESS_TOKEN_EXPIRE_MINUTES * 60
    assert isinstance(claims.get("exp"), int | float), (
        f"the token's claims are {claims}; it needs an `exp` (expiry) claim, or it never expires"
    )
    assert before + lifetime - 5 <= claims["exp"] <= after + lifetime + 5, (
        f"the token expires {claims['exp'] - before:.0f}s after login; expected "
        f"ACCESS_TOKEN_EXPIRE_MINUTES ({module.ACCESS_TOKEN_EXPIRE_MINUTES}) minutes = "
        f"{lifetime}s. Read ACCESS_TOKEN_EXPIRE_MINUTES when the token is made, and use "
        "datetime.now(UTC) (a naive local time is off by your UTC offset)."
    )


async def test_wrong_password_is_401_with_a_bearer_challenge(client, shop):
    _, (user, _) = shop
    r = await login(client, user.username, user.password + "!")
    assert r.status_code == 401, (
        f"POST /token with a wrong password returned {r.status_code} {r.text}; expected 401"
    )
    assert r.json() == {"detail": "Incorrect username or password"}, (
        f"POST /token with a wrong password returned {r.json()}; expected "
        "{'detail': 'Incorrect username or password'}"
    )
    assert_bearer_challenge(r, "POST /token with a wrong password")


async def test_unknown_username_gets_the_same_401_as_a_wrong_password(client, shop):
    r = await login(client, f"ghost{secrets.randbelow(10**6)}", "whatever")
    assert r.status_code == 401 and r.json() == {"detail": "Incorrect username or password"}, (
        f"POST /token for a user who does not exist returned {r.status_code} {r.text}; expected "
        "the same 401 {'detail': 'Incorrect username or password'} as a wrong password, so "
        "that nobody can probe which usernames exist."
    )
    assert_bearer_challenge(r, "POST /token for an unknown user")


async def test_the_stored_hash_is_not_accepted_as_a_password(client, shop):
    # Comparing the submitted password with the stored string lets anyone who saw the hash
    # (a backup, a log, a leaked dump) log in with it.
    _, (user, _) = shop
    r = await login(client, user.username, user.hashed_password)
    assert r.status_code == 401, (
        f"POST /token with the stored argon2 hash as the password returned {r.status_code}; "
        "expected 401. Never compare passwords as text: verify them with PasswordHash.verify."
    )


async def test_login_needs_username_and_password_form_fields(client, shop):
    _, (user, _) = shop
    r = await client.post("/token", data={"username": user.username})
    assert r.status_code == 422, (
        f"POST /token without a password returned {r.status_code}; expected 422. Take the form "
        "with `form_data: OAuth2PasswordRequestForm = Depends()`."
    )


# --- GET /users/me ------------------------------------------------------------------------------


async def test_users_me_with_the_issued_token_returns_the_profile_without_the_hash(client, shop):
    _, (_, user) = shop
    r = await login(client, user.username, user.password)
    assert r.status_code == 200, f"POST /token for {user.username} returned {r.status_code}"
    r = await get_me(client, r.json()["access_token"], "the token /token just issued")
    assert r.status_code == 200, (
        f"GET /users/me with the token /token just issued returned {r.status_code} {r.text}"
    )
    assert "hashed_password" not in r.text, (
        "GET /users/me sent the password hash to the client: return only username, full_name "
        "and email."
    )
    assert r.json() == user.profile(), (
        f"GET /users/me returned {r.json()}; expected {user.profile()}"
    )


async def test_any_token_signed_with_the_secret_works_not_only_remembered_ones(client, shop):
    # A JWT is self-contained: the server checks the signature, it does not keep a list.
    module, (user, _) = shop
    exp = datetime.now(UTC) + timedelta(minutes=10)
    token = mint(module, {"sub": user.username, "exp": exp})
    r = await get_me(client, token, "a valid token")
    assert r.status_code == 200 and r.json() == user.profile(), (
        f"GET /users/me with a valid HS256 token (sub={user.username!r}, signed with SECRET_KEY) "
        f"returned {r.status_code} {r.text}; expected 200 {user.profile()}. Decode the token with "
        "jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM]) and look up USERS[sub]."
    )


async def test_users_me_without_a_token_is_401(client, shop):
    r = await get_me(client, None, "no Authorization header")
    assert r.status_code == 401, (
        f"GET /users/me without a token returned {r.status_code}; expected 401. Depend on an "
        "OAuth2PasswordBearer(tokenUrl='token') instance."
    )
    assert_bearer_challenge(r, "GET /users/me without a token")


def bad_tokens(module, user: Account) -> dict[str, str]:
    """One token per entry of BAD_TOKEN_CASES, each wrong in its own way."""
    soon = datetime.now(UTC) + timedelta(minutes=10)
    return {
        "a token that is not a JWT": "not-a-jwt",
        "a token with three garbage segments": "abc.def.ghi",
        "a token signed with another key": mint(
            module, {"sub": user.username, "exp": soon}, key=secrets.token_hex(32)
        ),
        "a token that expired ten minutes ago": mint(
            module, {"sub": user.username, "exp": datetime.now(UTC) - timedelta(minutes=10)}
        ),
        "an unsigned token (alg=none)": jwt.encode(
            {"sub": user.username, "exp": soon}, None, algorithm="none"
        ),
        "a token without a sub claim": mint(module, {"exp": soon}),
        "a token for a user who no longer exists": mint(
            module, {"sub": f"gone{secrets.randbelow(10**6)}", "exp": soon}
        ),
    }


BAD_TOKEN_CASES = [
    "a token that is not a JWT",
    "a token with three garbage segments",
    "a token signed with another key",
    "a token that expired ten minutes ago",
    "an unsigned token (alg=none)",
    "a token without a sub claim",
    "a token for a user who no longer exists",
]


@pytest.mark.parametrize("case", BAD_TOKEN_CASES)
async def test_bad_token_is_401_could_not_validate_credentials(client, shop, case):
    module, (user, _) = shop
    token = bad_tokens(module, user)[case]
    r = await get_me(client, token, case)
    assert r.status_code == 401, (
        f"GET /users/me with {case} returned {r.status_code} {r.text}; expected 401. "
        "jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM]) checks the signature and `exp`; "
        "never turn verification off, and reject a missing or unknown `sub`."
    )
    assert r.json() == {"detail": "Could not validate credentials"}, (
        f"GET /users/me with {case} returned {r.json()}; expected "
        "{'detail': 'Could not validate credentials'}"
    )
    assert_bearer_challenge(r, f"GET /users/me with {case}")


# --- OpenAPI --------------------------------------------------------------------------------------


async def test_openapi_declares_the_password_flow_on_users_me(client):
    document = (await client.get("/openapi.json")).json()
    schemes = document.get("components", {}).get("securitySchemes", {})
    password_flows = {
        name: s["flows"]["password"]
        for name, s in schemes.items()
        if s.get("type") == "oauth2" and "password" in s.get("flows", {})
    }
    assert password_flows, (
        f"the OpenAPI securitySchemes are {schemes}; expected an oauth2 scheme with a password "
        "flow. Use OAuth2PasswordBearer(tokenUrl='token') as the dependency that reads the token."
    )
    token_urls = {flow.get("tokenUrl") for flow in password_flows.values()}
    assert token_urls & {"token", "/token"}, (
        f"the password flow's tokenUrl is {token_urls}; it must point at the login route: "
        "tokenUrl='token'"
    )
    operation = document.get("paths", {}).get("/users/me", {}).get("get", {})
    used = {name for requirement in operation.get("security", []) for name in requirement}
    assert used & set(password_flows), (
        f"GET /users/me lists security {operation.get('security')}; it should require the "
        "oauth2 scheme: make it depend (through get_current_user) on the OAuth2PasswordBearer."
    )
