"""Claims of kata 18 (OAuth2 password flow with JWT): what PyJWT, pwdlib and FastAPI really do."""

from __future__ import annotations

import base64
import importlib.util
import json
import time
import warnings
from datetime import UTC, datetime, timedelta

import httpx
import jwt
import pytest
from fastapi import Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pwdlib import PasswordHash

from tests.claims.quote import REPO, quoted

KATA = "18_oauth2_jwt"
KEY = "k" * 32


def client_for(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://claims")


def test_short_hmac_key_warns():
    quoted(KATA, "README.md", "(at least 32 bytes, or PyJWT warns)")
    with pytest.warns(jwt.InsecureKeyLengthWarning):
        jwt.encode({"sub": "a"}, "dev-only-secret", algorithm="HS256")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jwt.encode({"sub": "a"}, KEY, algorithm="HS256")


def test_datetime_exp_becomes_seconds_and_claims_are_readable():
    quoted(KATA, "README.md", "PyJWT turns a `datetime` into seconds")
    quoted(KATA, "kata.toml", "Three base64url parts")
    quoted(KATA, "kata.toml", "It is not encrypted: anyone can read the claims")
    expire = datetime.now(UTC) + timedelta(minutes=5)
    token = jwt.encode({"sub": "alice", "exp": expire}, KEY, algorithm="HS256")
    header, payload, signature = token.split(".")
    assert json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"] == "HS256"
    assert signature
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims == {"sub": "alice", "exp": int(expire.timestamp())}


def test_every_decoding_error_is_an_invalid_token_error():
    quoted(KATA, "README.md", "every PyJWT decoding error derives from\n`jwt.InvalidTokenError`")
    quoted(
        KATA,
        "kata.toml",
        "the base class of ExpiredSignatureError, InvalidSignatureError and DecodeError",
    )
    expired = jwt.encode({"sub": "a", "exp": int(time.time()) - 10}, KEY, algorithm="HS256")
    forged = jwt.encode({"sub": "a"}, "x" * 32, algorithm="HS256")
    unsigned = jwt.encode({"sub": "a"}, None, algorithm="none")
    cases = [
        (expired, jwt.ExpiredSignatureError),
        (forged, jwt.InvalidSignatureError),
        ("not-a-jwt", jwt.DecodeError),
    ]
    for token, error in cases:
        assert issubclass(error, jwt.InvalidTokenError)
        with pytest.raises(error):
            jwt.decode(token, KEY, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(unsigned, KEY, algorithms=["HS256"])


def test_audience_and_issuer_checks():
    quoted(
        KATA,
        "kata.toml",
        "pass audience= and issuer= to jwt.decode, which then rejects a token minted for another service",
    )
    token = jwt.encode(
        {"sub": "a", "aud": "billing", "iss": "https://id.example"}, KEY, algorithm="HS256"
    )
    claims = jwt.decode(
        token, KEY, algorithms=["HS256"], audience="billing", issuer="https://id.example"
    )
    assert claims["aud"] == "billing"
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(token, KEY, algorithms=["HS256"], audience="bookshop")
    with pytest.raises(jwt.InvalidIssuerError):
        jwt.decode(
            token, KEY, algorithms=["HS256"], audience="billing", issuer="https://other.example"
        )


def test_pwdlib_recommended_is_salted_argon2id_at_64_mib_3_passes():
    quoted(KATA, "kata.toml", "pwdlib's PasswordHash.recommended() is argon2id")
    quoted(KATA, "kata.toml", "the same password hashes differently per user")
    quoted(KATA, "README.md", "64 MiB of memory and 3\npasses, `m=65536,t=3` in the hash")
    password_hash = PasswordHash.recommended()
    started = time.perf_counter()
    first = password_hash.hash("wonderland")
    cost = time.perf_counter() - started
    second = password_hash.hash("wonderland")
    assert first.startswith("$argon2id$v=19$m=65536,t=3,") and first != second
    assert password_hash.verify("wonderland", second) and not password_hash.verify(first, first)
    assert cost > 0.02, f"argon2 at the default cost took only {cost:.3f} s"


async def test_password_bearer_answers_401_and_declares_the_flow():
    quoted(
        KATA, "README.md", '401 `{"detail": "Not authenticated"}` (OAuth2PasswordBearer does this)'
    )
    quoted(
        KATA,
        "README.md",
        "Depending (directly or through your `get_current_user`) on `oauth2_scheme` does both.",
    )
    quoted(
        KATA,
        "kata.toml",
        "FastAPI also adds it to the OpenAPI securitySchemes and to each route that uses it",
    )
    oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")
    app = FastAPI()

    def get_current_user(token: str = Depends(oauth2_scheme)) -> str:
        return token

    @app.post("/token")
    def login(form: OAuth2PasswordRequestForm = Depends()):
        return {"access_token": form.username, "token_type": "bearer"}

    @app.get("/users/me")
    def me(user: str = Depends(get_current_user)):
        return {"token": user}

    async with client_for(app) as client:
        r = await client.get("/users/me")
        assert (r.status_code, r.json(), r.headers["www-authenticate"]) == (
            401,
            {"detail": "Not authenticated"},
            "Bearer",
        )
        r = await client.get("/users/me", headers={"Authorization": "Bearer abc"})
        assert r.json() == {"token": "abc"}
        assert (await client.post("/token", data={"username": "a"})).status_code == 422
    schema = app.openapi()
    [(name, scheme)] = schema["components"]["securitySchemes"].items()
    assert scheme["type"] == "oauth2" and scheme["flows"]["password"]["tokenUrl"] == "token"
    assert schema["paths"]["/users/me"]["get"]["security"] == [{name: []}]


def test_reference_verifies_a_dummy_hash_for_unknown_users():
    quoted(
        KATA,
        "kata.toml",
        "The reference also verifies a dummy hash for unknown users, so both failures take the same time.",
    )
    path = REPO / "solutions" / KATA / "app.py"
    spec = importlib.util.spec_from_file_location("claims_kata18_reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    verified = []
    real_verify = module.password_hash.verify

    def counting(password, hashed):
        verified.append(hashed)
        return real_verify(password, hashed)

    module.password_hash.verify = counting
    assert module.authenticate("nobody", "wonderland") is None
    assert module.authenticate("alice", "not-the-password") is None
    assert len(verified) == 2 and verified[0] == module.DUMMY_HASH
