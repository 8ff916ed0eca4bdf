"""Configuration. TODO: read it from the environment (prefix TASKS_) and build it once."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    database_url: str = "sqlite://"


def get_settings() -> Settings:
    return Settings()
