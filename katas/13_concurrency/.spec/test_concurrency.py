"""Specs for kata 13: fan-out, per-call timeouts, bounded concurrency, CPU work off the loop.

The specs replace the module's upstream helpers (fetch_quote, fetch_tracking) with fakes whose
latency and failures they control, and which count the calls in flight at every moment. Counting
is exact, so most specs need no clock; where they do time a request, thresholds keep 2x margins on
both sides (shared FASTAPI_NOTES).
"""

import asyncio
import random
import string
import sys
from pathlib import Path

import pytest

from checker.spec_tools import timed

REQUEST_BOUND = 3.0  # seconds any one request may take before a spec gives up on it


def random_name(prefix: str) -> str:
    return prefix + "".join(random.choices(string.ascii_lowercase, k=6))


class InFlight:
    """Counts calls of a fake upstream: total, in flight now, the peak, and the cancelled ones."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.now = 0
        self.peak = 0
        self.cancelled: list[str] = []

    def enter(self, key: str) -> None:
        self.calls.append(key)
        self.now += 1
        self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        self.now -= 1


async def get(client, url, **kwargs):
    """A request, with a hang or an exception raised by the app turned into a message for the learner."""
    method = kwargs.pop("method", "GET")
    try:
        # A bound, so that a request stuck on a hanging upstream fails this spec, not the run.
        return await asyncio.wait_for(client.request(method, url, **kwargs), REQUEST_BOUND)
    except TimeoutError:
        raise AssertionError(
            f"{method} {url} did not answer within {REQUEST_BOUND} s: is it waiting forever for "
            "an upstream that never answers? Give each upstream call a timeout "
            "(asyncio.wait_for(..., QUOTE_TIMEOUT))."
        ) from None
    except Exception as exc:
        raise AssertionError(
            f"{method} {url} raised {type(exc).__name__}: {exc}. The request failed instead of "
            "answering: was an upstream failure or timeout left to propagate?"
        ) from None


# --- GET /quotes ---------------------------------------------------------------------------------


@pytest.fixture
def carriers(kata_module):
    """Four random carriers; `plan` says how each behaves; the fake replaces fetch_quote.

    plan[carrier] is ("ok", latency, rate), ("error", latency) or ("hang",): a hanging carrier
    never answers, an erroring one raises RuntimeError, an ok one returns round(rate * weight, 2).
    """
    names = [random_name(p) for p in ("swift", "parcel", "cargo", "box")]
    kata_module.CARRIERS = list(names)
    plan: dict[str, tuple] = {}
    upstream = InFlight()

    async def fake_fetch_quote(carrier, weight_kg):
        behaviour = plan[carrier]
        upstream.enter(carrier)
        try:
            if behaviour[0] == "hang":
                await asyncio.Event().wait()  # an upstream that never answers
            await asyncio.sleep(behaviour[1])
            if behaviour[0] == "error":
                raise RuntimeError(f"{carrier} answered 502 Bad Gateway")
            return round(behaviour[2] * weight_kg, 2)
        except asyncio.CancelledError:
            upstream.cancelled.append(carrier)
            raise
        finally:
            upstream.leave()

    kata_module.fetch_quote = fake_fetch_quote
    return names, plan, upstream


def quote_url(weight) -> str:
    return f"/quotes?weight_kg={weight}"


def ok_entry(carrier, behaviour, weight) -> dict:
    return {"carrier": carrier, "status": "ok", "price": round(behaviour[2] * weight, 2)}


async def test_quotes_list_every_carrier_in_order(client, kata_module, carriers):
    names, plan, _ = carriers
    for name in names:
        plan[name] = ("ok", 0.01, round(random.uniform(1, 9), 2))
    weight = round(random.uniform(0.5, 20), 1)
    r = await get(client, quote_url(weight))
    assert r.status_code == 200, f"GET {quote_url(weight)} returned {r.status_code} {r.text}"
    expected = {"quotes": [ok_entry(n, plan[n], weight) for n in names]}
    assert r.json() == expected, (
        f"GET {quote_url(weight)} returned {r.json()}; expected {expected}: one entry per "
        "carrier in CARRIERS order, price = fetch_quote(carrier, weight_kg)."
    )


async def test_quotes_are_fetched_concurrently(client, kata_module, carriers):
    names, plan, upstream = carriers
    latency = 0.2
    kata_module.QUOTE_TIMEOUT = 2.0
    for name in names:
        plan[name] = ("ok", latency, 2.0)
    r, elapsed = await timed(get(client, quote_url(1)))
    assert r.status_code == 200, f"GET /quotes returned {r.status_code} {r.text}"
    assert upstream.peak == len(names), (
        f"GET /quotes had at most {upstream.peak} of {len(names)} fetch_quote calls in flight at "
        "once: awaiting them one by one in a loop waits for each before starting the next. "
        "Start them all and wait once, with asyncio.gather (or a task group)."
    )
    assert elapsed < len(names) * latency / 2, (
        f"GET /quotes took {elapsed:.2f} s for {len(names)} carriers answering in {latency} s "
        f"each; at once they take about {latency} s, one after another "
        f"{len(names) * latency:.1f} s."
    )


async def test_a_hanging_carrier_times_out_and_the_rest_still_answer(client, kata_module, carriers):
    names, plan, _ = carriers
    timeout = round(random.uniform(0.3, 0.4), 2)
    kata_module.QUOTE_TIMEOUT = timeout
    hanging = random.choice(names)
    for name in names:
        plan[name] = ("hang",) if name == hanging else ("ok", 0.01, round(random.uniform(1, 9), 2))
    weight = round(random.uniform(0.5, 20), 1)
    r, elapsed = await timed(get(client, quote_url(weight)))
    assert r.status_code == 200, f"GET /quotes returned {r.status_code} {r.text}"
    expected = {
        "quotes": [
            {"carrier": n, "status": "timeout", "price": None}
            if n == hanging
            else ok_entry(n, plan[n], weight)
            for n in names
        ]
    }
    assert r.json() == expected, (
        f"carrier {hanging} never answers (QUOTE_TIMEOUT = {timeout}); GET /quotes returned "
        f"{r.json()}, expected {expected}: the hanging carrier is marked "
        "{'status': 'timeout', 'price': None} and the others keep their quotes."
    )
    assert timeout / 2 <= elapsed < timeout * 2, (
        f"with QUOTE_TIMEOUT = {timeout} and one carrier hanging, GET /quotes took "
        f"{elapsed:.2f} s; it should give up after about QUOTE_TIMEOUT (read it at request time)."
    )


async def test_a_timed_out_call_is_cancelled(client, kata_module, carriers):
    names, plan, upstream = carriers
    kata_module.QUOTE_TIMEOUT = 0.2
    hanging = random.choice(names)
    for name in names:
        plan[name] = ("hang",) if name == hanging else ("ok", 0.01, 3.0)
    r = await get(client, quote_url(2))
    assert r.status_code == 200, f"GET /quotes returned {r.status_code} {r.text}"
    assert hanging in upstream.cancelled and upstream.now == 0, (
        f"GET /quotes answered, but the call to the hanging carrier {hanging} was not cancelled "
        f"({upstream.now} call(s) still running): a timed-out task left running leaks a "
        "connection and a task on every request. asyncio.wait_for (or anyio.fail_after) cancels "
        "it for you; with asyncio.wait(..., timeout=...) cancel the pending tasks yourself."
    )


async def test_a_failing_carrier_is_marked_and_the_rest_still_answer(client, kata_module, carriers):
    names, plan, _ = carriers
    failing = random.choice(names)
    for name in names:
        rate = round(random.uniform(1, 9), 2)
        plan[name] = ("error", 0.01) if name == failing else ("ok", 0.02, rate)
    weight = round(random.uniform(0.5, 20), 1)
    r = await get(client, quote_url(weight))
    assert r.status_code == 200, (
        f"carrier {failing} raises RuntimeError; GET /quotes returned {r.status_code} {r.text}, "
        "expected 200 with that carrier marked as an error"
    )
    expected = {
        "quotes": [
            {"carrier": n, "status": "error", "price": None}
            if n == failing
            else ok_entry(n, plan[n], weight)
            for n in names
        ]
    }
    assert r.json() == expected, (
        f"carrier {failing} raises RuntimeError; GET /quotes returned {r.json()}, expected "
        f"{expected}. asyncio.gather without return_exceptions=True lets one failure sink the "
        "whole request: catch it per carrier."
    )


# --- POST /tracking/refresh ----------------------------------------------------------------------


@pytest.fixture
def tracking(kata_module):
    """Random parcels with random statuses; the fake replaces fetch_tracking and counts."""
    statuses = {
        f"PX{random.randrange(10**6):06d}-{i}": random.choice(
            ["in_transit", "delivered", "at_depot", "returned"]
        )
        for i in range(12)
    }
    upstream = InFlight()

    async def fake_fetch_tracking(parcel_id):
        upstream.enter(parcel_id)
        try:
            await asyncio.sleep(0.05)
            return statuses[parcel_id]
        finally:
            upstream.leave()

    kata_module.fetch_tracking = fake_fetch_tracking
    return statuses, upstream


async def refresh(client, parcel_ids):
    return await get(
        client, "/tracking/refresh", method="POST", json={"parcel_ids": list(parcel_ids)}
    )


async def test_tracking_refresh_returns_every_status(client, tracking):
    statuses, _ = tracking
    r = await refresh(client, statuses)
    assert r.status_code == 200, f"POST /tracking/refresh returned {r.status_code} {r.text}"
    assert r.json() == {"statuses": statuses}, (
        f"POST /tracking/refresh returned {r.json()}; expected {{'statuses': {statuses}}}, each "
        "status from fetch_tracking(parcel_id)"
    )


@pytest.mark.parametrize("limit", [2, 4, 5])
async def test_tracking_refresh_keeps_max_in_flight_calls_busy(
    client, kata_module, tracking, limit
):
    statuses, upstream = tracking
    kata_module.MAX_IN_FLIGHT = limit
    r = await refresh(client, statuses)
    assert r.status_code == 200, f"POST /tracking/refresh returned {r.status_code} {r.text}"
    assert len(upstream.calls) == len(statuses), (
        f"{len(statuses)} parcels gave {len(upstream.calls)} fetch_tracking calls; expected one "
        "per parcel"
    )
    assert upstream.peak <= limit, (
        f"with MAX_IN_FLIGHT = {limit}, POST /tracking/refresh had {upstream.peak} "
        "fetch_tracking calls in flight at once: the carrier rejects that. Let calls through an "
        "asyncio.Semaphore(MAX_IN_FLIGHT) created at request time, one shared by all the calls "
        "of the request (a new semaphore per call limits nothing)."
    )
    assert upstream.peak == limit, (
        f"with MAX_IN_FLIGHT = {limit}, POST /tracking/refresh never had more than "
        f"{upstream.peak} call(s) in flight: the limit is {limit}, so use it. Start every call "
        "with asyncio.gather and let a semaphore hold back the extra ones."
    )


# --- POST /routes/plan ---------------------------------------------------------------------------


@pytest.fixture
def route_probe(kata_module, impl_dir):
    """Wraps plan_route to record, per call, whether it ran on the event loop's thread.

    asyncio.get_running_loop() succeeds only on a thread that runs a loop: it fails in a worker
    thread and in a child process. The wrapper keeps the module-level name and qualified name of
    plan_route so that a process pool can still pickle it by reference.
    """
    original = kata_module.plan_route
    kata_module.ROUTE_ROUNDS = 3_000
    calls = []

    def plan_route(stops):
        try:
            asyncio.get_running_loop()
            on_loop = True
        except RuntimeError:
            on_loop = False
        caller = "app.py"
        frame = sys._getframe(1)
        while frame is not None:
            path = Path(frame.f_code.co_filename).resolve()
            if path.is_relative_to(impl_dir.resolve()) and ".spec" not in path.parts:
                caller = f"{path.name}:{frame.f_lineno} in {frame.f_code.co_name}"
                break
            frame = frame.f_back
        calls.append({"on_loop": on_loop, "caller": caller})
        return original(stops)

    plan_route.__module__ = kata_module.__name__
    plan_route.__qualname__ = "plan_route"
    kata_module.plan_route = plan_route
    return calls, original


def random_stops() -> list[str]:
    return [random_name("depot-") for _ in range(6)]


async def test_route_plan_returns_the_optimised_order(client, route_probe):
    _, original = route_probe
    stops = random_stops()
    expected = await asyncio.to_thread(original, stops)
    r = await get(client, "/routes/plan", method="POST", json={"stops": stops})
    assert r.status_code == 200, f"POST /routes/plan returned {r.status_code} {r.text}"
    assert r.json() == {"order": expected}, (
        f"POST /routes/plan with stops {stops} returned {r.json()}; expected "
        f"{{'order': plan_route(stops)}} = {{'order': {expected}}}"
    )


async def test_route_planning_runs_off_the_event_loop(client, route_probe):
    calls, _ = route_probe
    failure = r = None
    try:
        r = await get(client, "/routes/plan", method="POST", json={"stops": random_stops()})
    except AssertionError as exc:
        failure = exc  # reported after the check below, which is this spec's point
    on_loop = [c for c in calls if c["on_loop"]]
    assert not on_loop, (
        f"plan_route() ran on the event loop's thread, called at {on_loop[0]['caller']}: while "
        "it computes, no other request is served. Pass the function itself to a worker: "
        "`await run_in_threadpool(plan_route, body.stops)` (not plan_route(body.stops), which "
        "runs it right here), or use a process pool."
    )
    if failure is not None:
        raise failure
    assert r.status_code == 200, f"POST /routes/plan returned {r.status_code} {r.text}"
