"""Kata 31 reference solution: a task tracker assembled from settings, a database, JWT auth with
scopes, ownership checks, background tasks, a router per resource and a lifespan."""

from contextlib import asynccontextmanager

from database import Base, make_engine
from fastapi import FastAPI
from routers import activity, tasks, users
from settings import Settings, get_settings


@asynccontextmanager
async def lifespan(app: FastAPI):
    settings = get_settings()  # fails fast at start-up when TASKS_SECRET_KEY is missing
    engine = make_engine(settings.database_url)
    Base.metadata.create_all(engine)
    app.state.engine = engine
    yield
    engine.dispose()


app = FastAPI(title="Task tracker", lifespan=lifespan)
app.include_router(users.router)
app.include_router(tasks.router)
app.include_router(activity.router)
