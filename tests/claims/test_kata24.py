"""Kata 24: how pydantic-settings 2.16 reads the environment and .env, and masks secrets."""

from __future__ import annotations

import re
from typing import Literal

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from tests.claims.quote import quoted

KATA = "24_settings"


class Strict(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGER_", env_file=".env")
    page_size: int = 20


class Lenient(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGER_", env_file=".env", extra="ignore")
    app_name: str = "Ledger"
    page_size: int = 20
    environment: Literal["dev", "staging", "prod"] = "dev"
    debug: bool = False
    database_url: str
    payments_api_key: SecretStr


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("LEDGER_PAGE_SIZE", "LEDGER_APP_NAME", "LEDGER_DATABASE_URL", "LEDGER_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LEDGER_PAYMENTS_API_KEY", "pk-live-123")
    return tmp_path


@pytest.mark.parametrize("line", ["LEDGER_COLOUR=red", "OTHER_TOOL_TOKEN=x"])
def test_unknown_dotenv_lines_fail_unless_extra_is_ignore(workdir, line):
    quoted(
        KATA, "kata.toml", "BaseSettings forbids extra inputs by default, and every line of .env"
    )
    quoted(KATA, "README.md", "BaseSettings forbids extra inputs by default")
    (workdir / ".env").write_text(f"LEDGER_PAGE_SIZE=50\n{line}\n")
    with pytest.raises(ValidationError) as refused:
        Strict()
    assert refused.value.errors()[0]["type"] == "extra_forbidden"
    assert Lenient(database_url="sqlite://").page_size == 50


def test_unknown_environment_variables_are_skipped_anyway(workdir, monkeypatch):
    quoted(KATA, "kata.toml", "unknown environment variables are skipped either way")
    monkeypatch.setenv("LEDGER_COLOUR", "red")
    assert Strict().page_size == 20


def test_priority_is_init_then_environment_then_dotenv_then_default(workdir, monkeypatch):
    quoted(KATA, "kata.toml", "(init arguments, then environment variables, then the .env file")
    (workdir / ".env").write_text("LEDGER_PAGE_SIZE=50\nLEDGER_APP_NAME=FromDotenv\n")
    monkeypatch.setenv("LEDGER_APP_NAME", "FromEnv")
    settings = Lenient(database_url="sqlite://")
    assert (settings.app_name, settings.page_size, settings.debug) == ("FromEnv", 50, False)
    assert Lenient(database_url="sqlite://", app_name="FromInit").app_name == "FromInit"


def test_a_missing_required_field_is_named_in_the_error(workdir):
    quoted(KATA, "README.md", "`database_url  Field required`")
    with pytest.raises(ValidationError) as refused:
        Lenient()
    assert re.search(r"database_url\s+Field required", str(refused.value))


def test_bad_values_fail_and_booleans_parse(workdir, monkeypatch):
    quoted(
        KATA, "kata.toml", "LEDGER_ENVIRONMENT='production' is a ValidationError naming the field"
    )
    monkeypatch.setenv("LEDGER_ENVIRONMENT", "production")
    with pytest.raises(ValidationError) as refused:
        Lenient(database_url="sqlite://")
    assert refused.value.errors()[0]["loc"] == ("environment",)
    monkeypatch.delenv("LEDGER_ENVIRONMENT")
    for raw, parsed in [("1", True), ("on", True), ("true", True), ("off", False), ("0", False)]:
        monkeypatch.setenv("LEDGER_DEBUG", raw)
        assert Lenient(database_url="sqlite://").debug is parsed


def test_secret_str_is_masked_in_repr_str_and_json(workdir):
    quoted(KATA, "README.md", "`SecretStr` shows `**********` in `repr()` and `str()`")
    quoted(KATA, "kata.toml", "model_dump_json() masks it too")
    settings = Lenient(database_url="sqlite://")
    for shown in (repr(settings), str(settings.payments_api_key), settings.model_dump_json()):
        assert "pk-live-123" not in shown and "**********" in shown
    assert settings.payments_api_key.get_secret_value() == "pk-live-123"
