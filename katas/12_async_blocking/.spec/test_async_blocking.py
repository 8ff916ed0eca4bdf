"""Specs for kata 12: blocking calls in async code.

Blocking is detected three ways, all on the event loop the `client` fixture runs on:
- blockbuster raises BlockingError when time.sleep (or other blocking I/O) is called on the
  loop's thread from app.py; the spec turns it into a message naming the line;
- a probe that replaces `checksum` records whether it was called on the loop's thread;
- timings: concurrent requests must overlap, and a heartbeat on the loop must keep ticking.
Timing thresholds keep 2x margins on both sides (shared FASTAPI_NOTES): N requests of DELAY
seconds take about DELAY when they overlap and N*DELAY when they queue; the line is N*DELAY/2.
"""

import asyncio
import random
import string
import sys
import time
from pathlib import Path

import pytest
from blockbuster import BlockingError, blockbuster_ctx

from checker.spec_tools import Heartbeat, concurrently, timed

OVERLAPPING = 6  # concurrent requests in the overlap specs


async def let_heartbeat_tick(beat):
    """Yield to the loop for a few intervals before leaving `async with Heartbeat()`.

    The heartbeat records a gap only when its task wakes up: if the request blocked the loop
    right up to its return, leaving the block at once would cancel the task before it saw it.
    """
    await asyncio.sleep(beat.interval * 5)


@pytest.fixture
def delay(kata_module):
    """A random DELAY between 0.2 and 0.3 s, so a hard-coded 0.2 cannot pass."""
    value = round(random.uniform(0.2, 0.3), 3)
    kata_module.DELAY = value
    return value


@pytest.fixture
def prices(kata_module):
    """Random symbols and prices written into the module's PRICES."""
    symbols = {
        "".join(random.choices(string.ascii_uppercase, k=4)) + str(i): round(
            random.uniform(1, 500), 2
        )
        for i in range(5)
    }
    kata_module.PRICES.clear()
    kata_module.PRICES.update(symbols)
    return symbols


def app_frames(tb, impl_dir: Path) -> list[str]:
    """`app.py:12 in report` for each traceback frame in the learner's files, outermost first."""
    frames = []
    while tb is not None:
        code = tb.tb_frame.f_code
        path = Path(code.co_filename).resolve()
        if path.is_relative_to(impl_dir.resolve()) and ".spec" not in path.parts:
            frames.append(f"{path.name}:{tb.tb_lineno} in {code.co_name}")
        tb = tb.tb_next
    return frames


async def get_watching_for_blocking(client, kata_module, impl_dir, url):
    """GET url with blockbuster on: a blocking call made from app.py on the loop fails the spec."""
    with blockbuster_ctx([kata_module]):
        try:
            return await client.get(url)
        except BlockingError as exc:
            where = " -> ".join(app_frames(exc.__traceback__, impl_dir)) or "app.py"
            call = str(exc).removeprefix("Blocking call to ")
            raise AssertionError(
                f"GET {url}: {call}() blocked the event loop, called at {where}. While it runs, "
                "no other request is served. Await an async equivalent (asyncio.sleep), make the "
                "route a plain `def` (FastAPI runs it in its threadpool), or call the blocking "
                "function with `await run_in_threadpool(func, ...)`."
            ) from None


async def get(client, url, **kwargs):
    """client.get, with an exception raised by the app turned into a message for the learner."""
    try:
        return await client.get(url, **kwargs)
    except Exception as exc:
        hint = (
            " A coroutine in the error means something async was called without `await`."
            if "coroutine" in str(exc)
            else ""
        )
        raise AssertionError(f"GET {url} raised {type(exc).__name__}: {exc}.{hint}") from None


# --- /ping and /sleep ----------------------------------------------------------------------------


async def test_ping(client):
    r = await client.get("/ping")
    assert r.status_code == 200 and r.json() == {"pong": True}, (
        f"GET /ping returned {r.status_code} {r.text}; expected 200 {{'pong': true}}"
    )


async def test_sleep_waits_delay_and_says_so(client, delay):
    r, elapsed = await timed(get(client, "/sleep"))
    assert r.status_code == 200, f"GET /sleep returned {r.status_code} {r.text}"
    assert r.json() == {"slept": delay}, (
        f"GET /sleep returned {r.json()} with DELAY = {delay}; expected {{'slept': {delay}}}. "
        "Read DELAY at request time: the specs change it."
    )
    assert elapsed >= delay / 2, (
        f"GET /sleep answered in {elapsed:.3f} s but should wait DELAY = {delay} s. "
        "Is asyncio.sleep(DELAY) awaited? Without `await` it only creates a coroutine."
    )


async def test_sleep_does_not_block_the_loop(client, kata_module, impl_dir, delay):
    r = await get_watching_for_blocking(client, kata_module, impl_dir, "/sleep")
    assert r.status_code == 200, f"GET /sleep returned {r.status_code} {r.text}"


async def test_sleep_requests_overlap(client, delay):
    responses, elapsed = await concurrently(OVERLAPPING, lambda i: client.get("/sleep"))
    assert all(r.status_code == 200 for r in responses), (
        f"GET /sleep answered {[r.status_code for r in responses]}; expected all 200"
    )
    assert elapsed < OVERLAPPING * delay / 2, (
        f"{OVERLAPPING} concurrent GET /sleep took {elapsed:.2f} s with DELAY = {delay}: they "
        f"ran one after another (about {OVERLAPPING * delay:.2f} s) instead of overlapping "
        f"(about {delay} s). Something in /sleep holds the event loop while it waits."
    )


async def test_heartbeat_keeps_ticking_during_sleep(client, delay):
    async with Heartbeat() as beat:
        r = await client.get("/sleep")
        await let_heartbeat_tick(beat)
    assert r.status_code == 200, f"GET /sleep returned {r.status_code} {r.text}"
    assert beat.max_gap < delay / 2, (
        f"while GET /sleep ran, the event loop froze for {beat.max_gap:.3f} s (DELAY = {delay}): "
        "no other task, not even GET /ping, could run. time.sleep inside `async def` blocks "
        "the loop; `await asyncio.sleep(...)` gives it back."
    )


# --- /report/{n} ---------------------------------------------------------------------------------


async def test_report_returns_the_legacy_report(client, kata_module, delay):
    n = random.randrange(1, 10_000)
    expected = await asyncio.to_thread(kata_module.legacy_report, n)
    r, elapsed = await timed(get(client, f"/report/{n}"))
    assert r.status_code == 200, f"GET /report/{n} returned {r.status_code} {r.text}"
    assert r.json() == expected, (
        f"GET /report/{n} returned {r.json()}; expected legacy_report({n}) = {expected}"
    )
    assert elapsed >= delay / 2, (
        f"GET /report/{n} answered in {elapsed:.3f} s, but legacy_report takes DELAY = {delay} s: "
        "does the route really call legacy_report(n)?"
    )


async def test_report_does_not_block_the_loop(client, kata_module, impl_dir, delay):
    n = random.randrange(1, 10_000)
    r = await get_watching_for_blocking(client, kata_module, impl_dir, f"/report/{n}")
    assert r.status_code == 200, f"GET /report/{n} returned {r.status_code} {r.text}"


async def test_report_requests_overlap(client, delay):
    ids = random.sample(range(1, 10_000), OVERLAPPING)
    responses, elapsed = await concurrently(OVERLAPPING, lambda i: client.get(f"/report/{ids[i]}"))
    assert [r.status_code for r in responses] == [200] * OVERLAPPING, (
        f"concurrent GET /report/... answered {[r.status_code for r in responses]}"
    )
    assert elapsed < OVERLAPPING * delay / 2, (
        f"{OVERLAPPING} concurrent GET /report/{{n}} took {elapsed:.2f} s with DELAY = {delay}: "
        f"they queued behind each other (about {OVERLAPPING * delay:.2f} s) instead of "
        f"overlapping (about {delay} s). legacy_report is synchronous: called from `async def` "
        "it holds the event loop. Run it in the threadpool."
    )


async def test_heartbeat_keeps_ticking_during_report(client, delay):
    async with Heartbeat() as beat:
        r = await client.get(f"/report/{random.randrange(1, 100)}")
        await let_heartbeat_tick(beat)
    assert r.status_code == 200, f"GET /report returned {r.status_code} {r.text}"
    assert beat.max_gap < delay / 2, (
        f"while GET /report/{{n}} ran, the event loop froze for {beat.max_gap:.3f} s "
        f"(DELAY = {delay}). legacy_report blocks its thread: keep it off the loop's thread."
    )


# --- /prices -------------------------------------------------------------------------------------


@pytest.fixture
def price_calls(kata_module):
    """Wraps fetch_price to count how many calls are in flight at once."""
    original = kata_module.fetch_price
    state = {"now": 0, "peak": 0, "calls": 0}

    async def counted_fetch_price(symbol):
        state["calls"] += 1
        state["now"] += 1
        state["peak"] = max(state["peak"], state["now"])
        try:
            return await original(symbol)
        finally:
            state["now"] -= 1

    kata_module.fetch_price = counted_fetch_price
    return state


def prices_url(symbols) -> str:
    return "/prices?" + "&".join(f"symbols={s}" for s in symbols)


async def test_prices_returns_each_symbol_price(client, delay, prices, price_calls):
    wanted = random.sample(list(prices), 3)
    r = await get(client, prices_url(wanted))
    assert r.status_code == 200, f"GET {prices_url(wanted)} returned {r.status_code} {r.text}"
    expected = {s: prices[s] for s in wanted}
    assert r.json() == expected, (
        f"GET {prices_url(wanted)} returned {r.json()}; expected {expected}, each price from "
        "fetch_price(symbol)."
    )


async def test_prices_are_fetched_concurrently(client, delay, prices, price_calls):
    symbols = list(prices)
    r, elapsed = await timed(client.get(prices_url(symbols)))
    assert r.status_code == 200, f"GET /prices returned {r.status_code} {r.text}"
    assert price_calls["calls"] == len(symbols), (
        f"GET /prices with {len(symbols)} symbols called fetch_price {price_calls['calls']} "
        "times; expected once per symbol, through the module-level name fetch_price."
    )
    assert price_calls["peak"] == len(symbols), (
        f"GET /prices with {len(symbols)} symbols had at most {price_calls['peak']} "
        "fetch_price call(s) in flight at once: awaiting them one by one in a loop waits for "
        "each before starting the next. Start them all, then wait: "
        "`await asyncio.gather(*(fetch_price(s) for s in symbols))`."
    )
    assert delay / 2 <= elapsed < len(symbols) * delay / 2, (
        f"GET /prices with {len(symbols)} symbols took {elapsed:.2f} s with DELAY = {delay}; "
        f"concurrent fetches take about one DELAY ({delay} s), sequential ones "
        f"{len(symbols) * delay:.2f} s."
    )


# --- /checksum -----------------------------------------------------------------------------------


@pytest.fixture
def checksum_calls(kata_module, impl_dir):
    """Tunes ITERATIONS so checksum() costs about 0.3 s, then wraps it to record where it runs.

    Each call records whether it ran on an event loop's thread (asyncio.get_running_loop()
    succeeds there and fails in a worker thread), the app.py line it was called from, and how
    long it took.
    """
    probe_iterations = 200_000
    kata_module.ITERATIONS = probe_iterations
    started = time.perf_counter()
    kata_module.checksum(b"calibration")
    cost = max(time.perf_counter() - started, 1e-3)
    kata_module.ITERATIONS = max(probe_iterations, int(probe_iterations * 0.3 / cost))

    original = kata_module.checksum
    calls = []

    def recorded_checksum(data):
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
        started = time.perf_counter()
        try:
            return original(data)
        finally:
            calls.append(
                {"on_loop": on_loop, "caller": caller, "seconds": time.perf_counter() - started}
            )

    kata_module.checksum = recorded_checksum
    return calls, original


def random_text() -> str:
    return "".join(random.choices(string.ascii_letters + string.digits, k=12))


async def test_checksum_returns_the_digest(client, checksum_calls):
    _, original = checksum_calls
    data = random_text()
    expected = await asyncio.to_thread(original, data.encode())
    r = await get(client, "/checksum", params={"data": data})
    assert r.status_code == 200, f"GET /checksum?data={data} returned {r.status_code} {r.text}"
    assert r.json() == {"checksum": expected}, (
        f"GET /checksum?data={data} returned {r.json()}; expected "
        f"{{'checksum': checksum({data!r}.encode())}} = {expected[:16]}... If the value is "
        "missing or odd, check that the result of the threadpool call is awaited."
    )


async def test_checksum_runs_off_the_event_loop(client, checksum_calls):
    calls, _ = checksum_calls
    r = await client.get("/checksum", params={"data": random_text()})
    assert r.status_code == 200, f"GET /checksum returned {r.status_code} {r.text}"
    assert calls, "GET /checksum never called checksum(): call it through its module-level name"
    on_loop = [c for c in calls if c["on_loop"]]
    assert not on_loop, (
        f"checksum() ran on the event loop's thread, called at {on_loop[0]['caller']}, and held "
        f"the loop for {on_loop[0]['seconds']:.2f} s. CPU-heavy work inside `async def` blocks "
        "every other request just like time.sleep. Run it in a worker thread: "
        "`await run_in_threadpool(checksum, ...)`, or make the route a plain `def`."
    )


async def test_heartbeat_keeps_ticking_during_checksum(client, checksum_calls):
    calls, _ = checksum_calls
    async with Heartbeat() as beat:
        r = await client.get("/checksum", params={"data": random_text()})
        await let_heartbeat_tick(beat)
    assert r.status_code == 200, f"GET /checksum returned {r.status_code} {r.text}"
    assert calls, "GET /checksum never called checksum(): call it through its module-level name"
    cost = calls[-1]["seconds"]
    assert beat.max_gap < cost / 2, (
        f"while GET /checksum ran, the event loop froze for {beat.max_gap:.3f} s (checksum() "
        f"took {cost:.3f} s): the hashing ran on the loop. Move it to a worker thread."
    )
