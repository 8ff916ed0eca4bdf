"""Kata 31: PyJWT's key-length warning, the 401 challenge, and the threadpool size."""

from __future__ import annotations

import secrets
import subprocess
import sys
import warnings

import anyio.to_thread
import jwt
import pytest
from fastapi import Depends, FastAPI
from fastapi.security import OAuth2PasswordBearer
from fastapi.testclient import TestClient

from tests.claims.quote import quoted

KATA = "31_capstone"


def test_a_15_byte_hs256_key_warns_a_32_byte_one_does_not():
    quoted(KATA, "README.md", "such as `dev-only-secret` (15 bytes)")
    quoted(KATA, "README.md", "PyJWT warns\n(`InsecureKeyLengthWarning`)")
    assert len(b"dev-only-secret") == 15
    with pytest.warns(jwt.InsecureKeyLengthWarning, match="32 bytes"):
        jwt.encode({"sub": "1"}, "dev-only-secret", algorithm="HS256")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jwt.encode({"sub": "1"}, secrets.token_urlsafe(32), algorithm="HS256")


def test_the_readme_command_makes_a_key_of_at_least_32_bytes():
    quoted(KATA, "README.md", 'python -c "import secrets; print(secrets.token_urlsafe(32))"')
    key = subprocess.run(
        [sys.executable, "-c", "import secrets; print(secrets.token_urlsafe(32))"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    assert len(key.encode()) >= 32


def test_missing_token_is_401_with_a_bearer_challenge():
    quoted(KATA, "README.md", "Every 401 has a `WWW-Authenticate` header starting with\n  `Bearer`")
    app = FastAPI()
    scheme = OAuth2PasswordBearer(tokenUrl="token")

    @app.get("/users/me")
    def me(token: str = Depends(scheme)):
        return {}

    with TestClient(app) as client:
        r = client.get("/users/me")
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_the_threadpool_has_40_threads():
    quoted(KATA, "kata.toml", "when the 40-thread pool or the database pool runs dry")

    async def tokens() -> float:
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    assert anyio.run(tokens) == 40
