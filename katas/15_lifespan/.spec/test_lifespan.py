"""Specs for kata 15: lifespan. They reach the app only through fixtures.

Most specs swap the module's RecommendationModel for a subclass that records every instance, how
often it is closed, and answers with data of its own, so they can tell which model served a request.
"""

import random
import warnings
from contextlib import asynccontextmanager

import httpx
import pytest
from asgi_lifespan import LifespanManager

from checker.spec_tools import concurrently, lifespan_client


@pytest.fixture
def models(kata_module):
    """Every RecommendationModel the app creates from now on, in creation order."""
    created = []
    base = kata_module.RecommendationModel

    class RecordingModel(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            # Distinct answers per instance: a response shows which model produced it.
            self.marker = random.randrange(1, 1000) * 100_000
            self.close_calls = 0
            created.append(self)

        def recommend(self, book_id, limit=3):
            assert self.close_calls == 0, "a request was served by a model that was already closed"
            return [self.marker + book_id * 10 + i for i in range(limit)]

        def close(self):
            self.close_calls += 1
            super().close()

    kata_module.RecommendationModel = RecordingModel
    return created


def expected_answer(model, book_id, limit=3):
    return [model.marker + book_id * 10 + i for i in range(limit)]


def created_message(models, when):
    if not models:
        return (
            f"{when}, no RecommendationModel had been created by the app. Create it inside the "
            "lifespan, before its `yield`: not at import time (the specs could not see that one, "
            "and a restarted app would reuse a closed model), and not on the first request."
        )
    return (
        f"{when}, {len(models)} RecommendationModel instances had been created; expected exactly "
        "1. Load the model once in the lifespan and hand that one instance to every request "
        "(request.state or app.state), instead of creating one per request."
    )


def test_no_deprecated_startup_or_shutdown_events(load_module):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = load_module("app")
    on_event = [w for w in caught if "on_event" in str(w.message)]
    assert not on_event, (
        "importing app.py warned that on_event is deprecated: replace the "
        "@app.on_event('startup') / @app.on_event('shutdown') handlers with one lifespan "
        "function passed as FastAPI(lifespan=...): setup before its `yield`, cleanup after."
    )
    router = module.app.router
    assert not router.on_startup and not router.on_shutdown, (
        f"the app still has startup handlers {router.on_startup} or shutdown handlers "
        f"{router.on_shutdown}; with lifespan= they are silently ignored. Move them into the lifespan."
    )


async def test_model_is_loaded_at_startup_before_any_request(app, models):
    async with lifespan_client(app):
        assert len(models) == 1, created_message(models, "after startup, before any request")


async def test_one_model_serves_every_request(app, models):
    book_ids = random.sample(range(1, 10_000), 12)
    async with lifespan_client(app) as client:
        assert models, created_message(models, "after startup")
        model = models[0]
        for book_id in book_ids:
            r = await client.get(f"/books/{book_id}/recommendations")
            assert r.status_code == 200, (
                f"GET /books/{book_id}/recommendations returned {r.status_code} {r.text}; expected "
                "200. Do handlers find the model the lifespan created (request.state.model with "
                "lifespan state, or app.state.model)?"
            )
            wanted = {"book_id": book_id, "recommendations": expected_answer(model, book_id)}
            assert r.json() == wanted, (
                f"GET /books/{book_id}/recommendations returned {r.json()}, expected {wanted}, the "
                "answer of the model created at startup. Was another model used for this request?"
            )
        # Concurrent requests share the same model too.
        responses, _ = await concurrently(
            8, lambda i: client.get(f"/books/{book_ids[i]}/recommendations")
        )
        for book_id, r in zip(book_ids, responses, strict=False):
            assert r.status_code == 200 and r.json()["recommendations"] == expected_answer(
                model, book_id
            ), f"concurrent GET /books/{book_id}/recommendations returned {r.status_code} {r.text}"
    assert len(models) == 1, created_message(models, "after 20 requests")


async def test_limit_is_passed_to_the_model(app, models):
    book_id = random.randrange(1, 10_000)
    limit = random.randrange(4, 11)
    async with lifespan_client(app) as client:
        assert models, created_message(models, "after startup")
        r = await client.get(f"/books/{book_id}/recommendations", params={"limit": limit})
        assert r.status_code == 200, f"GET ...?limit={limit} returned {r.status_code} {r.text}"
        got = r.json().get("recommendations")
        assert got == expected_answer(models[0], book_id, limit), (
            f"GET /books/{book_id}/recommendations?limit={limit} returned {got}; expected "
            f"model.recommend({book_id}, {limit}), {limit} ids"
        )
        for bad in (0, 11):
            r = await client.get(f"/books/{book_id}/recommendations", params={"limit": bad})
            assert r.status_code == 422, (
                f"GET ...?limit={bad} returned {r.status_code}; expected 422 (limit is 1..10)"
            )


async def test_model_is_closed_once_at_shutdown(app, models):
    async with lifespan_client(app) as client:
        r = await client.get(f"/books/{random.randrange(1, 10_000)}/recommendations")
        assert r.status_code == 200, f"GET /books/.../recommendations returned {r.status_code}"
        calls = [m.close_calls for m in models]
        assert not any(calls), (
            f"the model was closed while the app was still serving (close() calls: {calls}). "
            "Close it after the lifespan's `yield`, at shutdown, not after each request."
        )
    assert len(models) == 1, created_message(models, "after one startup and one request")
    calls = models[0].close_calls
    assert calls == 1, (
        f"after shutdown, the model's close() had been called {calls} times; expected exactly 1. "
        "Code after the lifespan's `yield` runs at shutdown (use `with` or try/finally). "
        "@app.on_event('shutdown') handlers are ignored once FastAPI(lifespan=...) is set"
        + ("; and do not close it twice." if calls > 1 else ".")
    )


async def test_each_startup_loads_a_fresh_model(app, models):
    # The same app started twice (tests, reloads, workers): the second run must not reuse the
    # model the first shutdown closed.
    book_id = random.randrange(1, 10_000)
    async with lifespan_client(app):
        pass
    async with lifespan_client(app) as client:
        assert len(models) == 2, created_message(models[1:], "after the second startup")
        r = await client.get(f"/books/{book_id}/recommendations")
        assert r.status_code == 200, (
            f"after a restart, GET /books/{book_id}/recommendations returned {r.status_code} "
            f"{r.text}: is the app using the model the first shutdown closed?"
        )
        assert r.json()["recommendations"] == expected_answer(models[1], book_id), (
            f"after a restart, the response {r.json()} did not come from the model that startup "
            "created. Keep the model in lifespan state or app.state, set at every startup."
        )
    calls = [m.close_calls for m in models]
    assert calls == [1, 1], (
        f"two startups and two shutdowns gave close() calls {calls}; expected [1, 1]"
    )


async def test_the_real_model_loads_the_co_purchases(kata_module, app):
    # No recording model here: the stub's own class, with data only this run knows.
    book_id = random.randrange(100, 10_000)
    similar = random.sample(range(10_000, 20_000), 5)
    kata_module.CO_PURCHASES.clear()
    kata_module.CO_PURCHASES[book_id] = similar
    async with lifespan_client(app) as client:
        r = await client.get(f"/books/{book_id}/recommendations")
        assert r.status_code == 200 and r.json() == {
            "book_id": book_id,
            "recommendations": similar[:3],
        }, (
            f"GET /books/{book_id}/recommendations returned {r.status_code} {r.text}; expected "
            f"{{'book_id': {book_id}, 'recommendations': {similar[:3]}}} from CO_PURCHASES. "
            "Build the model at startup (so it loads the current CO_PURCHASES)."
        )


def test_lifespan_runs_under_testclient(models, test_client):
    # `with TestClient(app)` runs the lifespan too: the way most test suites start an app.
    assert len(models) == 1, created_message(models, "inside `with TestClient(app)`")
    book_id = random.randrange(1, 10_000)
    r = test_client.get(f"/books/{book_id}/recommendations")
    assert r.status_code == 200, f"GET /books/{book_id}/recommendations returned {r.status_code}"
    assert r.json()["recommendations"] == expected_answer(models[0], book_id), (
        f"under TestClient the response {r.json()} did not come from the model created at startup"
    )
