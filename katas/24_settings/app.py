"""Kata 24: settings. Edit this file until `python -m checker check 24` passes.

The README next to this file is the contract. The specs set LEDGER_* environment variables (and
sometimes write a .env file in the current directory) before importing this module, replace
ENTRIES with their own records, and override get_settings through app.dependency_overrides.
"""

import hashlib
import logging
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from pydantic_settings import BaseSettings, SettingsConfigDict

logger = logging.getLogger("ledger")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEDGER_")

    app_name: str = "Ledger"
    environment: str = "dev"
    database_url: str = "sqlite:///./ledger.db"
    payments_api_key: str = ""
    page_size: int = 20
    debug: bool = False


def get_settings() -> Settings:
    return Settings()


settings = get_settings()

ENTRIES: list[dict] = [
    {"id": 1, "amount_cents": 12_500, "memo": "Invoice 2024-001"},
    {"id": 2, "amount_cents": -3_000, "memo": "Refund"},
]


@asynccontextmanager
async def lifespan(app: FastAPI):
    # Operations want to see the configuration a process started with. Keep this line.
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
    secret = settings.payments_api_key
    return {"fingerprint": hashlib.sha256(secret.encode()).hexdigest()[:12]}
