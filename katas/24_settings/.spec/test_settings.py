"""Specs for kata 24: settings from the environment and .env, validated at start, cached, injected.

Every test starts from a clean slate: no LEDGER_* variable from outside, and the current directory
an empty temporary folder (where a spec may write a .env). The app module is imported only after
the spec has set the environment, because the README says settings are read at import.
"""

import hashlib
import logging
import os
import random
import secrets
from contextlib import asynccontextmanager

import httpx
import pytest

from checker.spec_tools import lifespan_client


@pytest.fixture
def ledger_env(monkeypatch, tmp_path) -> dict[str, str]:
    """The two required variables with random values, set in the environment."""
    for name in list(os.environ):
        if name.upper().startswith("LEDGER_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    values = {
        "LEDGER_DATABASE_URL": f"postgresql://ledger@db-{secrets.token_hex(3)}.internal/ledger",
        "LEDGER_PAYMENTS_API_KEY": f"sk_live_{secrets.token_hex(16)}",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    return values


@pytest.fixture
def kata_module(load_module, ledger_env):
    """Overrides the plugin's fixture: import app.py only once the environment is in place."""
    return load_module("app")


def write_dotenv(tmp_path, values: dict[str, str]) -> None:
    lines = [f"{name}={value}" for name, value in values.items()]
    (tmp_path / ".env").write_text("\n".join(lines) + "\n", encoding="utf-8")


def fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:12]


def import_fails(load_module, what: str) -> str:
    """Import app.py expecting it to fail; returns the error text for the spec to inspect."""
    try:
        load_module("app")
    except Exception as exc:  # the checker wraps it: "importing app.py raised ValidationError..."
        return str(exc)
    pytest.fail(
        f"app.py imported fine {what}. A bad configuration must stop the app at start: make "
        "the value typed (and required, with no default), and call get_settings() at import."
    )


# --- where values come from ---------------------------------------------------------------------


async def test_settings_come_from_the_environment(load_module, ledger_env, monkeypatch):
    app_name = f"Ledger {secrets.token_hex(3)}"
    page_size = random.randrange(2, 100)
    monkeypatch.setenv("LEDGER_APP_NAME", app_name)
    monkeypatch.setenv("LEDGER_ENVIRONMENT", "staging")
    monkeypatch.setenv("LEDGER_PAGE_SIZE", str(page_size))
    monkeypatch.setenv("LEDGER_DEBUG", "true")
    module = load_module("app")
    async with lifespan_client(module.app) as client:
        r = await client.get("/config")
    expected = {
        "app_name": app_name,
        "environment": "staging",
        "page_size": page_size,
        "debug": True,
    }
    assert r.status_code == 200 and r.json() == expected, (
        f"with LEDGER_APP_NAME={app_name}, LEDGER_ENVIRONMENT=staging, LEDGER_PAGE_SIZE="
        f"{page_size}, LEDGER_DEBUG=true, GET /config returned {r.status_code} {r.text}; expected "
        f"{expected}. Settings fields are read from LEDGER_<FIELD> (env_prefix='LEDGER_')."
    )


async def test_app_title_is_read_at_import(load_module, ledger_env, monkeypatch):
    app_name = f"Ledger {secrets.token_hex(3)}"
    monkeypatch.setenv("LEDGER_APP_NAME", app_name)
    module = load_module("app")
    async with lifespan_client(module.app) as client:
        title = (await client.get("/openapi.json")).json().get("info", {}).get("title")
    assert title == app_name, (
        f"with LEDGER_APP_NAME={app_name} the OpenAPI title is {title!r}: create the app as "
        "FastAPI(title=settings.app_name) with settings = get_settings() read at import."
    )


async def test_settings_come_from_a_dotenv_file(load_module, ledger_env, monkeypatch, tmp_path):
    for name in ledger_env:
        monkeypatch.delenv(name)
    key = f"sk_test_{secrets.token_hex(16)}"
    app_name = f"Ledger {secrets.token_hex(3)}"
    write_dotenv(
        tmp_path,
        {
            "LEDGER_DATABASE_URL": "postgresql://ledger@localhost/ledger",
            "LEDGER_PAYMENTS_API_KEY": key,
            "LEDGER_APP_NAME": app_name,
        },
    )
    try:
        module = load_module("app")
    except Exception as exc:
        pytest.fail(
            f"with the required values only in ./.env, importing app.py failed: {exc}. Read the "
            ".env of the current directory: model_config = SettingsConfigDict(env_file='.env')."
        )
    async with lifespan_client(module.app) as client:
        config = (await client.get("/config")).json()
        found = (await client.get("/payments/key-fingerprint")).json()
    assert config.get("app_name") == app_name, (
        f"./.env sets LEDGER_APP_NAME={app_name} but GET /config says {config}: is the .env "
        "of the current directory read? model_config = SettingsConfigDict(env_file='.env', ...)"
    )
    assert found == {"fingerprint": fingerprint(key)}, (
        f"the payments key comes from ./.env; GET /payments/key-fingerprint returned {found}, "
        f"expected {{'fingerprint': '{fingerprint(key)}'}}. Hash the real key: "
        "payments_api_key.get_secret_value(), since str() of a SecretStr is '**********'."
    )


async def test_environment_wins_over_dotenv(load_module, ledger_env, monkeypatch, tmp_path):
    from_env = f"Ledger env {secrets.token_hex(3)}"
    page_size = random.randrange(2, 100)
    write_dotenv(
        tmp_path,
        {
            "LEDGER_APP_NAME": f"Ledger dotenv {secrets.token_hex(3)}",
            "LEDGER_PAGE_SIZE": str(page_size),
        },
    )
    monkeypatch.setenv("LEDGER_APP_NAME", from_env)
    module = load_module("app")
    async with lifespan_client(module.app) as client:
        config = (await client.get("/config")).json()
    assert config.get("app_name") == from_env, (
        f"LEDGER_APP_NAME is {from_env!r} in the environment and something else in ./.env; "
        f"GET /config says {config.get('app_name')!r}. The environment must win (the deploy "
        "platform sets it; .env is the developer's fallback). Do not load .env with override."
    )
    assert config.get("page_size") == page_size, (
        f"LEDGER_PAGE_SIZE={page_size} is only in ./.env, but GET /config says "
        f"{config.get('page_size')!r}: values missing from the environment come from .env."
    )


async def test_unknown_dotenv_lines_are_ignored(load_module, ledger_env, tmp_path):
    # A developer's .env also holds other tools' variables, and names from older releases.
    write_dotenv(
        tmp_path,
        {
            f"LEDGER_RETIRED_{secrets.token_hex(2).upper()}": "1",
            f"OTHER_TOOL_{secrets.token_hex(2).upper()}": "x",
        },
    )
    try:
        module = load_module("app")
    except Exception as exc:
        pytest.fail(
            f"a .env with an unknown LEDGER_* line and another tool's line stopped the app: {exc}. "
            "BaseSettings rejects extra inputs by default, .env lines included: set "
            "extra='ignore' in model_config."
        )
    async with lifespan_client(module.app) as client:
        r = await client.get("/config")
    assert r.status_code == 200, f"GET /config returned {r.status_code} with extra .env lines"


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("off", False)])
async def test_debug_is_parsed_as_a_boolean(load_module, ledger_env, monkeypatch, raw, expected):
    monkeypatch.setenv("LEDGER_DEBUG", raw)
    module = load_module("app")
    async with lifespan_client(module.app) as client:
        debug = (await client.get("/config")).json().get("debug")
    assert debug is expected, (
        f"LEDGER_DEBUG={raw} gave debug {debug!r}, expected {expected}: type the field as bool "
        "and let pydantic parse it, rather than comparing strings."
    )


# --- validated at start -------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["database_url", "payments_api_key"])
def test_missing_required_value_stops_the_start(load_module, ledger_env, monkeypatch, field):
    monkeypatch.delenv(f"LEDGER_{field.upper()}")
    error = import_fails(load_module, f"with LEDGER_{field.upper()} unset")
    assert field in error.lower(), (
        f"importing app.py with LEDGER_{field.upper()} unset failed, but the error does not name "
        f"{field}: {error[:300]}. Let pydantic's validation error reach the top."
    )


@pytest.mark.parametrize(
    ("name", "value", "field"),
    [
        ("LEDGER_PAGE_SIZE", "0", "page_size"),
        ("LEDGER_PAGE_SIZE", "101", "page_size"),
        ("LEDGER_PAGE_SIZE", "twenty", "page_size"),
        ("LEDGER_ENVIRONMENT", "production", "environment"),
    ],
)
def test_invalid_value_stops_the_start(load_module, ledger_env, monkeypatch, name, value, field):
    monkeypatch.setenv(name, value)
    error = import_fails(load_module, f"with {name}={value}")
    assert field in error.lower(), (
        f"importing app.py with {name}={value} failed, but the error does not name {field}: "
        f"{error[:300]}"
    )


# --- one Settings, injected ---------------------------------------------------------------------


async def test_settings_are_read_once_and_cached(client, kata_module, monkeypatch):
    before = (await client.get("/config")).json().get("app_name")
    changed = f"Ledger {secrets.token_hex(3)}"
    monkeypatch.setenv("LEDGER_APP_NAME", changed)
    after = (await client.get("/config")).json().get("app_name")
    assert after == before, (
        f"GET /config said app_name {before!r}, then {after!r} after the environment changed: "
        "get_settings() builds Settings on every request. Decorate it with @lru_cache so the "
        "environment and .env are read once."
    )
    cache_clear = getattr(kata_module.get_settings, "cache_clear", None)
    assert cache_clear is not None, "get_settings has no cache_clear(): decorate it with @lru_cache"
    cache_clear()
    refreshed = (await client.get("/config")).json().get("app_name")
    assert refreshed == changed, (
        f"after get_settings.cache_clear(), GET /config said {refreshed!r}, expected {changed!r}: "
        "routes must take settings from Depends(get_settings) on each request, not from a "
        "module-level variable."
    )


async def test_routes_take_settings_from_the_dependency(app, client, kata_module, ledger_env):
    page_size = random.randrange(3, 40)
    app_name = f"Ledger test {secrets.token_hex(3)}"
    kata_module.ENTRIES[:] = [
        {"id": i, "amount_cents": random.randrange(-(10**5), 10**5), "memo": f"entry {i}"}
        for i in range(1, 121)
    ]
    try:
        override = kata_module.Settings(
            app_name=app_name,
            database_url="sqlite://",
            payments_api_key="sk_test_override",
            page_size=page_size,
        )
    except Exception as exc:
        pytest.fail(
            f"Settings(app_name=..., database_url=..., payments_api_key=..., "
            f"page_size=...) failed: {exc}. Settings should be a BaseSettings class."
        )
    app.dependency_overrides[kata_module.get_settings] = lambda: override
    config = (await client.get("/config")).json()
    assert config.get("app_name") == app_name and config.get("page_size") == page_size, (
        f"with app.dependency_overrides[get_settings] returning app_name={app_name!r}, "
        f"page_size={page_size}, GET /config returned {config}. Routes must take settings "
        "from Depends(get_settings), not from a module-level variable."
    )
    entries = (await client.get("/entries")).json()
    assert entries == kata_module.ENTRIES[:page_size], (
        f"GET /entries returned {len(entries)} entries; expected the first {page_size} of ENTRIES "
        "(page_size from the overridden settings)."
    )
    found = (await client.get("/payments/key-fingerprint")).json()
    assert found == {"fingerprint": fingerprint("sk_test_override")}, (
        f"GET /payments/key-fingerprint returned {found} with the overridden key 'sk_test_override'; "
        f"expected {{'fingerprint': '{fingerprint('sk_test_override')}'}}"
    )


# --- secrets stay secret ------------------------------------------------------------------------


async def test_fingerprint_is_of_the_real_key(client, ledger_env):
    key = ledger_env["LEDGER_PAYMENTS_API_KEY"]
    r = await client.get("/payments/key-fingerprint")
    assert r.status_code == 200 and r.json() == {"fingerprint": fingerprint(key)}, (
        f"GET /payments/key-fingerprint returned {r.status_code} {r.text}; expected "
        f"{{'fingerprint': '{fingerprint(key)}'}}, the first 12 hex digits of sha256 of the key. "
        "str(SecretStr) is '**********': hash payments_api_key.get_secret_value()."
    )


async def test_secret_is_not_in_any_response(client, ledger_env):
    key = ledger_env["LEDGER_PAYMENTS_API_KEY"]
    for url in ("/config", "/entries", "/payments/key-fingerprint", "/openapi.json"):
        r = await client.get(url)
        assert key not in r.text, f"GET {url} shows the payments API key in its body"


async def test_secret_is_not_in_the_logs(load_module, ledger_env, caplog):
    key = ledger_env["LEDGER_PAYMENTS_API_KEY"]
    caplog.set_level(logging.INFO)
    module = load_module("app")
    async with lifespan_client(module.app) as client:
        await client.get("/config")
    startup = [rec.getMessage() for rec in caplog.records if rec.name == "ledger"]
    assert startup, (
        "nothing was logged on the 'ledger' logger: keep the lifespan's "
        "logger.info('starting with %r', get_settings()) line, the specs check what it shows."
    )
    assert key not in caplog.text, (
        f"the logs show the payments API key: {startup[0][:200]}. Type the field as SecretStr: "
        "its repr and str are '**********'."
    )
