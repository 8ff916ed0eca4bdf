"""Configuration from the environment (prefix TASKS_), read once and cached."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TASKS_")

    secret_key: str  # no default: a service must not start with a guessable signing key
    access_token_minutes: int = 30
    database_url: str = "sqlite://"


@lru_cache
def get_settings() -> Settings:
    return Settings()
