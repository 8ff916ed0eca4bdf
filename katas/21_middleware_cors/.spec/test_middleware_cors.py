"""Specs for kata 21: request-id and timing middleware, maintenance mode, and CORS."""

import random
import uuid

import httpx
import pytest

from checker.spec_tools import timed

ALLOWED_ORIGINS = ("https://tracker.example.com", "http://localhost:5173")


async def send(client, method, url, **kwargs) -> httpx.Response:
    """The response, or a failure that explains an exception escaping the app."""
    try:
        return await client.request(method, url, **kwargs)
    except Exception as exc:  # ASGITransport re-raises what the app did not handle
        pytest.fail(
            f"{method} {url} made the app raise {type(exc).__name__}: {exc}. A server would have "
            "answered 500. If it came from your middleware: exception handlers sit inside the "
            "middleware stack, so an HTTPException raised in middleware is never turned into a "
            "response; return a JSONResponse from the middleware instead."
        )


def is_uuid4(value: str | None) -> bool:
    try:
        return uuid.UUID(value).version == 4
    except (TypeError, ValueError):
        return False


def header_list(response: httpx.Response, name: str) -> set[str]:
    """A comma-separated header as a set of lower-case items."""
    return {item.strip().lower() for item in response.headers.get(name, "").split(",") if item}


@pytest.fixture
def issues(kata_module):
    """Random issues written into the module's ISSUES, with maintenance off."""
    rng = random.Random()
    ids = rng.sample(range(10, 100_000), 6)
    records = {
        i: {
            "id": i,
            "title": f"issue {rng.randrange(10**6)}",
            "state": rng.choice(["open", "closed"]),
        }
        for i in ids
    }
    kata_module.ISSUES.clear()
    kata_module.ISSUES.update(records)
    kata_module.MAINTENANCE = False
    return records


# --- the routes themselves ----------------------------------------------------------------------


async def test_issues_are_listed(client, issues):
    r = await send(client, "GET", "/issues")
    assert r.status_code == 200, f"GET /issues returned {r.status_code} {r.text}"
    assert sorted(r.json(), key=lambda i: i["id"]) == sorted(
        issues.values(), key=lambda i: i["id"]
    ), f"GET /issues returned {r.json()}; expected the records in ISSUES: {list(issues.values())}"


# --- X-Process-Time -----------------------------------------------------------------------------


async def test_process_time_is_the_handling_time_in_seconds(client, kata_module, issues):
    delay = 0.2
    kata_module.REPORT_DELAY_S = delay
    r, elapsed = await timed(send(client, "GET", "/reports/weekly"))
    assert r.status_code == 200, f"GET /reports/weekly returned {r.status_code} {r.text}"
    raw = r.headers.get("x-process-time")
    assert raw is not None, (
        "GET /reports/weekly has no X-Process-Time header: add it to every response in an "
        "@app.middleware('http') function, around `await call_next(request)`."
    )
    try:
        seconds = float(raw)
    except ValueError:
        pytest.fail(f"X-Process-Time is {raw!r}; it should be a number of seconds such as 0.2031")
    # The handler sleeps `delay`; the middleware's measurement sits inside the client's.
    assert seconds >= delay / 2, (
        f"X-Process-Time is {seconds} but the handler alone took at least {delay} s: start the "
        "clock before `await call_next(request)` and stop it after."
    )
    assert seconds <= 2 * elapsed + 0.05, (
        f"X-Process-Time is {seconds} but the whole request took {elapsed:.3f} s as the client "
        "saw it. The header is in seconds, not milliseconds."
    )


@pytest.mark.parametrize("url", ["/health", "/issues", "/issues/1"])
async def test_every_response_has_a_process_time(client, issues, url):
    r = await send(client, "GET", url)
    raw = r.headers.get("x-process-time")
    assert raw is not None, (
        f"GET {url} ({r.status_code}) has no X-Process-Time header: the middleware must add it "
        "to every response, errors included."
    )
    try:
        assert float(raw) >= 0, f"GET {url}: X-Process-Time is negative: {raw}"
    except ValueError:
        pytest.fail(f"GET {url}: X-Process-Time is {raw!r}, not a number of seconds")


# --- X-Request-ID -------------------------------------------------------------------------------


async def test_request_id_is_generated_when_the_client_sends_none(client, issues):
    first = await send(client, "GET", "/issues")
    second = await send(client, "GET", "/issues")
    ids = [first.headers.get("x-request-id"), second.headers.get("x-request-id")]
    assert all(is_uuid4(i) for i in ids), (
        f"two GET /issues without an X-Request-ID answered X-Request-ID {ids}; each should be a "
        "new str(uuid.uuid4())."
    )
    assert ids[0] != ids[1], (
        f"two requests got the same X-Request-ID {ids[0]}: generate it per request, inside the "
        "middleware, not once at import."
    )


async def test_client_request_id_is_echoed(client, issues):
    sent = f"checkout-{uuid.uuid4().hex[:12]}.retry_{random.randrange(10)}"
    r = await send(client, "GET", "/issues", headers={"X-Request-ID": sent})
    assert r.headers.get("x-request-id") == sent, (
        f"GET /issues with X-Request-ID: {sent} answered X-Request-ID "
        f"{r.headers.get('x-request-id')!r}; a safe id from the client must be echoed unchanged "
        "so one id follows the request through every service's logs."
    )


async def test_endpoint_sees_the_echoed_request_id(client, issues):
    sent = f"web-{uuid.uuid4().hex[:16]}"
    r = await send(client, "GET", "/debug/request-id", headers={"X-Request-ID": sent})
    assert r.status_code == 200, f"GET /debug/request-id returned {r.status_code} {r.text}"
    assert r.json() == {"request_id": sent}, (
        f"GET /debug/request-id with X-Request-ID: {sent} returned {r.json()}; the middleware "
        "should store the id in request.state.request_id before calling call_next."
    )


async def test_endpoint_sees_the_generated_request_id(client, issues):
    r = await send(client, "GET", "/debug/request-id")
    header = r.headers.get("x-request-id")
    assert r.status_code == 200 and r.json() == {"request_id": header}, (
        f"GET /debug/request-id without an id returned {r.status_code} {r.text} with header "
        f"X-Request-ID {header!r}; the endpoint and the header must show the same generated id."
    )


@pytest.mark.parametrize(
    "unsafe",
    ["", "x" * 65, "id with spaces", "<script>alert(1)</script>", "a;b=c"],
    ids=["empty", "too-long", "spaces", "markup", "separators"],
)
async def test_unsafe_request_id_is_replaced(client, issues, unsafe):
    r = await send(client, "GET", "/issues", headers={"X-Request-ID": unsafe})
    got = r.headers.get("x-request-id")
    shown = unsafe if len(unsafe) <= 30 else f"{unsafe[:12]}... ({len(unsafe)} characters)"
    answer = "echoed it back" if got == unsafe else f"answered X-Request-ID {got!r}"
    assert got != unsafe and is_uuid4(got), (
        f"GET /issues with X-Request-ID {shown!r} {answer}; an id that is "
        "not 1 to 64 characters of letters, digits, '.', '_' or '-' must be replaced by a new "
        "uuid4 (client text copied into logs and headers is an injection risk)."
    )


async def test_error_responses_carry_the_request_id(client, issues):
    missing = max(issues) + random.randrange(1, 1000)
    sent = f"support-{uuid.uuid4().hex[:8]}"
    r = await send(client, "GET", f"/issues/{missing}", headers={"X-Request-ID": sent})
    assert r.status_code == 404, f"GET /issues/{missing} (no such issue) returned {r.status_code}"
    assert r.headers.get("x-request-id") == sent, (
        f"the 404 for GET /issues/{missing} carried X-Request-ID "
        f"{r.headers.get('x-request-id')!r}, expected {sent!r}: errors need the id most."
    )


# --- maintenance mode ---------------------------------------------------------------------------


async def test_maintenance_answers_503_from_the_middleware(client, kata_module, issues):
    kata_module.MAINTENANCE = True
    sent = f"ops-{uuid.uuid4().hex[:8]}"
    r = await send(client, "GET", "/issues", headers={"X-Request-ID": sent})
    assert r.status_code == 503, (
        f"with MAINTENANCE = True, GET /issues returned {r.status_code} {r.text}; expected 503. "
        "Read MAINTENANCE inside the middleware, at request time. An HTTPException raised in "
        "middleware becomes a 500: return a JSONResponse instead."
    )
    assert r.json() == {"detail": "Down for maintenance"}, (
        f"the 503 body was {r.text}; expected {{'detail': 'Down for maintenance'}}"
    )
    assert r.headers.get("retry-after") == "120", (
        f"the 503 carried Retry-After {r.headers.get('retry-after')!r}; expected '120'"
    )
    assert r.headers.get("x-request-id") == sent, (
        f"the 503 carried X-Request-ID {r.headers.get('x-request-id')!r}, expected {sent!r}: the "
        "maintenance answer is a response like any other and gets the id too."
    )


async def test_health_stays_up_during_maintenance(client, kata_module, issues):
    kata_module.MAINTENANCE = True
    r = await send(client, "GET", "/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}, (
        f"with MAINTENANCE = True, GET /health returned {r.status_code} {r.text}; the load "
        "balancer's health check must keep answering 200 {'status': 'ok'}."
    )


async def test_maintenance_answer_carries_cors_headers(client, kata_module, issues):
    kata_module.MAINTENANCE = True
    origin = ALLOWED_ORIGINS[0]
    r = await send(client, "GET", "/issues", headers={"Origin": origin})
    assert r.status_code == 503, f"with MAINTENANCE = True, GET /issues returned {r.status_code}"
    assert r.headers.get("access-control-allow-origin") == origin, (
        f"the 503 sent to Origin {origin} has no Access-Control-Allow-Origin, so the browser app "
        "cannot read it. The middleware added last is the outermost: add CORSMiddleware after "
        "your @app.middleware function so it wraps the maintenance answer too."
    )


# --- CORS ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ALLOWED_ORIGINS)
async def test_allowed_origin_gets_cors_headers(client, issues, origin):
    r = await send(client, "GET", "/issues", headers={"Origin": origin})
    assert r.status_code == 200, f"GET /issues from Origin {origin} returned {r.status_code}"
    assert r.headers.get("access-control-allow-origin") == origin, (
        f"GET /issues from Origin {origin} answered Access-Control-Allow-Origin "
        f"{r.headers.get('access-control-allow-origin')!r}; expected the origin itself. Add "
        "CORSMiddleware with allow_origins listing both front-end origins."
    )
    assert r.headers.get("access-control-allow-credentials") == "true", (
        "Access-Control-Allow-Credentials is missing: the front end sends cookies, so set "
        "allow_credentials=True."
    )
    exposed = header_list(r, "access-control-expose-headers")
    assert {"x-request-id", "x-process-time"} <= exposed, (
        f"Access-Control-Expose-Headers is {r.headers.get('access-control-expose-headers')!r}: "
        "browser JavaScript can read X-Request-ID and X-Process-Time only if they are exposed "
        "(expose_headers=[...])."
    )


@pytest.mark.parametrize(
    "origin",
    [
        "https://evil-{n}.example.net",
        "http://localhost:3000",
        "http://tracker.example.com",
        "https://tracker.example.com.attacker-{n}.net",
    ],
)
async def test_other_origins_get_no_cors_headers(client, issues, origin):
    origin = origin.format(n=random.randrange(10**6))
    r = await send(client, "GET", "/issues", headers={"Origin": origin, "Cookie": "session=abc"})
    assert r.status_code == 200, (
        f"GET /issues from Origin {origin} returned {r.status_code}; the server still answers, "
        "it is the browser that withholds the response from the page."
    )
    assert "access-control-allow-origin" not in r.headers, (
        f"GET /issues from Origin {origin} got Access-Control-Allow-Origin "
        f"{r.headers['access-control-allow-origin']!r}: any page on that site could read your "
        "users' issues with their cookies. List the allowed origins exactly; never '*' with "
        "credentials."
    )


@pytest.mark.parametrize("origin", ALLOWED_ORIGINS)
async def test_preflight_from_allowed_origin_is_answered(client, issues, origin):
    issue_id = random.choice(list(issues))
    headers = {
        "Origin": origin,
        "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, content-type, x-request-id",
    }
    r = await send(client, "OPTIONS", f"/issues/{issue_id}", headers=headers)
    assert r.status_code == 200, (
        f"preflight OPTIONS /issues/{issue_id} (Origin {origin}, method PATCH, headers "
        f"authorization, content-type, x-request-id) returned {r.status_code} {r.text}; expected "
        "200. Does CORSMiddleware allow PATCH and those headers?"
    )
    assert r.headers.get("access-control-allow-origin") == origin, (
        f"the preflight answered Access-Control-Allow-Origin "
        f"{r.headers.get('access-control-allow-origin')!r}, expected {origin!r}"
    )
    methods = {m.upper() for m in header_list(r, "access-control-allow-methods")}
    assert {"GET", "POST", "PATCH", "DELETE"} <= methods, (
        f"the preflight allows methods {sorted(methods)}; expected GET, POST, PATCH and DELETE"
    )
    assert {"authorization", "content-type", "x-request-id"} <= header_list(
        r, "access-control-allow-headers"
    ), (
        f"the preflight allows headers {r.headers.get('access-control-allow-headers')!r}; expected "
        "Authorization, Content-Type and X-Request-ID among them"
    )
    assert r.headers.get("access-control-allow-credentials") == "true", (
        "the preflight lacks Access-Control-Allow-Credentials: true (allow_credentials=True)"
    )
    assert r.headers.get("access-control-max-age") == "600", (
        f"the preflight says Access-Control-Max-Age {r.headers.get('access-control-max-age')!r}; "
        "expected '600' so browsers cache it for ten minutes"
    )


async def test_preflight_from_other_origin_is_refused(client, issues):
    origin = f"https://evil-{random.randrange(10**6)}.example.net"
    headers = {"Origin": origin, "Access-Control-Request-Method": "DELETE"}
    r = await send(client, "OPTIONS", "/issues/1", headers=headers)
    assert r.status_code == 400 and "access-control-allow-origin" not in r.headers, (
        f"preflight OPTIONS /issues/1 from Origin {origin} returned {r.status_code} with "
        f"Access-Control-Allow-Origin {r.headers.get('access-control-allow-origin')!r}; expected "
        "400 and no Access-Control-Allow-Origin (CORSMiddleware does this for unlisted origins)."
    )


@pytest.mark.parametrize(
    ("method", "request_headers", "what"),
    [
        ("PUT", "content-type", "method PUT"),
        ("PATCH", "x-debug-mode", "header X-Debug-Mode"),
    ],
)
async def test_preflight_for_unlisted_method_or_header_is_refused(
    client, issues, method, request_headers, what
):
    headers = {
        "Origin": ALLOWED_ORIGINS[0],
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": request_headers,
    }
    r = await send(client, "OPTIONS", "/issues/1", headers=headers)
    # Access-Control-Allow-Origin is not checked here: the origin is allowed, and Starlette echoes
    # it even on this 400. A browser fails any preflight whose status is not 2xx.
    assert r.status_code == 400, (
        f"a preflight asking for {what} returned {r.status_code}; expected 400. Allow only "
        "GET, POST, PATCH, DELETE and the headers Authorization, Content-Type, X-Request-ID, "
        "not '*'."
    )
    allowed = r.headers.get("access-control-allow-methods", "") + ","
    allowed += r.headers.get("access-control-allow-headers", "")
    listed = {part.strip().lower() for part in allowed.split(",")}
    asked = method.lower() if what.startswith("method") else request_headers
    assert asked not in listed, (
        f"a preflight asking for {what} was refused with 400, but its Access-Control-Allow-"
        f"Methods/-Headers still list {asked!r}: allow exactly the four methods and three "
        "headers the README names."
    )
