"""Kata 24 reference solution: typed settings from the environment and .env, cached, injected."""

import hashlib
import logging
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Literal

from fastapi import Depends, FastAPI
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger("ledger")


class Settings(BaseSettings):
    # Environment variables LEDGER_<FIELD> win over the same names in ./.env; both beat defaults.
    model_config = SettingsConfigDict(env_prefix="LEDGER_", env_file=".env", extra="ignore")

    app_name: str = "Ledger"
    environment: Literal["dev", "staging", "prod"] = "dev"
    database_url: str  # required: no default, so a missing value stops the start
    payments_api_key: SecretStr  # required, and masked in repr, str and logs
    page_size: int = Field(default=20, ge=1, le=100)
    debug: bool = False


@lru_cache
def get_settings() -> Settings:
    """Read once per process; tests replace it with app.dependency_overrides[get_settings]."""
    return Settings()


# Read at import: a broken configuration fails here, at start, not on the first request.
settings = get_settings()

ENTRIES: list[dict] = [
    {"id": 1, "amount_cents": 12_500, "memo": "Invoice 2024-001"},
    {"id": 2, "amount_cents": -3_000, "memo": "Refund"},
]


@asynccontextmanager
async def lifespan(app: FastAPI):
    logger.info("starting with %r", get_settings())
    yield


app = FastAPI(title=settings.app_name, lifespan=lifespan)


@app.get("/config")
async def read_config(settings: Settings = Depends(get_settings)):
    return {
        "app_name": settings.app_name,
        "environment": settings.environment,
        "page_size": settings.page_size,
        "debug": settings.debug,
    }


@app.get("/entries")
async def list_entries(settings: Settings = Depends(get_settings)):
    return ENTRIES[: settings.page_size]


@app.get("/payments/key-fingerprint")
async def key_fingerprint(settings: Settings = Depends(get_settings)):
    secret = settings.payments_api_key.get_secret_value()
    return {"fingerprint": hashlib.sha256(secret.encode()).hexdigest()[:12]}
