"""Specs for kata 17: WebSockets. They use the `test_client` fixture's websocket_connect.

TestClient's receive_json() waits forever when nothing comes, so these specs read messages through
`receive(ws, ...)`, which gives up after a few seconds with a message saying what never arrived.
"""

import contextlib
import json
import random
import secrets

import anyio
import pytest
from starlette.testclient import WebSocketDenialResponse
from starlette.websockets import WebSocketDisconnect

WAIT_S = 3.0  # a correct app answers in milliseconds: 3 s is generous even on a loaded machine


# --- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def people(kata_module):
    """Four club members with fresh tokens, written into the module's TOKENS."""
    names = [f"{name}-{random.randrange(1000, 10_000)}" for name in ("ada", "bob", "cyd", "dee")]
    tokens = {f"tok-{secrets.token_hex(6)}": name for name in names}
    kata_module.TOKENS.clear()
    kata_module.TOKENS.update(tokens)
    by_name = {name: token for token, name in tokens.items()}
    return [(name, by_name[name]) for name in names]


def random_room():
    return f"{random.choice(['sci-fi', 'poetry', 'crime', 'history'])}-{random.randrange(10**6)}"


def receive_raw(ws):
    """The next ASGI message the server sent to `ws`, waiting at most WAIT_S (TimeoutError)."""

    async def next_message():
        with anyio.fail_after(WAIT_S):
            # TestClient's own receive() without its endless wait (the same stream it reads).
            return await ws._send_rx.receive()

    return ws.portal.call(next_message)


def receive(ws, who, expecting):
    """The next JSON message `who` receives; fails (does not hang) if none comes in WAIT_S."""
    try:
        message = receive_raw(ws)
    except TimeoutError:
        pytest.fail(
            f"{who} waited {WAIT_S:.0f} s for {expecting}, but nothing arrived. Room events go "
            "to every member of the room, the newcomer and the sender included."
        )
    except (anyio.ClosedResourceError, anyio.EndOfStream):
        pytest.fail(
            f"{who}'s connection died while waiting for {expecting}: the server's handler for "
            f"{who} crashed. Did it send to a member who had already left?"
        )
    if message["type"] == "websocket.close":
        pytest.fail(
            f"the server closed {who}'s connection (code {message.get('code')}) while {who} "
            f"waited for {expecting}"
        )
    text = message.get("text")
    if text is None:
        pytest.fail(f"{who} received {message} while waiting for {expecting}; expected text")
    try:
        return json.loads(text)
    except ValueError:
        pytest.fail(f"{who} received {text!r} while waiting for {expecting}; expected JSON")


@contextlib.contextmanager
def connected(test_client, path, who):
    """websocket_connect(path), turning a crash of the server's handler at the end into a message."""
    try:
        session = test_client.websocket_connect(path)
        ws = session.__enter__()
    except WebSocketDisconnect as exc:
        pytest.fail(f"{who} could not connect to {path}: the server closed with code {exc.code}")
    try:
        yield ws
    except BaseException:
        with contextlib.suppress(BaseException):
            session.__exit__(None, None, None)
        raise
    try:
        session.__exit__(None, None, None)
    except WebSocketDisconnect as exc:
        pytest.fail(
            f"when {who} disconnected from {path}, the server's handler raised "
            f"WebSocketDisconnect({exc.code}) instead of ending: a client leaving is normal. "
            "Catch WebSocketDisconnect around the receive loop."
        )
    except Exception as exc:
        pytest.fail(
            f"when {who} disconnected from {path}, the server's handler crashed with "
            f"{type(exc).__name__}: {exc}"
        )


def refusal(test_client, path):
    """How the server answered the handshake for `path`: ("closed", code), ("denied", status) or
    ("accepted", None). The first two refuse it before accept(); TestClient reports a close before
    accept as WebSocketDisconnect and an HTTP denial response as WebSocketDenialResponse."""
    try:
        session = test_client.websocket_connect(path)
        session.__enter__()
    except WebSocketDenialResponse as exc:  # before WebSocketDisconnect: it is a subclass
        return "denied", exc.status_code
    except WebSocketDisconnect as exc:
        return "closed", exc.code
    with contextlib.suppress(BaseException):
        session.__exit__(None, None, None)
    return "accepted", None


REFUSED_STATUSES = (401, 403)


def assert_refused(test_client, path, sent):
    how, value = refusal(test_client, path)
    if how == "closed":
        return  # a close before accept: a real server answers the upgrade with HTTP 403
    assert how == "denied", (
        f"connecting to {path} {sent} was accepted; expected the handshake to be refused before "
        "accept(), so that a client gets an HTTP error instead of a WebSocket. Accepting and then "
        "closing (or sending an error message) lets the connection open. See the README's "
        "/ws/rooms/{room} rules for the two ways to refuse."
    )
    assert value in REFUSED_STATUSES, (
        f"connecting to {path} {sent} was denied with HTTP {value}; a refused credential is "
        f"answered with one of {REFUSED_STATUSES} (or a close before accept)"
    )


def join(test_client, stack, room, person):
    name, token = person
    return stack.enter_context(connected(test_client, f"/ws/rooms/{room}?token={token}", name))


def expect(ws, who, wanted):
    got = receive(ws, who, wanted)
    assert got == wanted, (
        f"{who} received {got}; expected {wanted} (see the README for the order of room events)"
    )


# --- echo --------------------------------------------------------------------------------------


def test_echo_sends_every_message_back(test_client):
    texts = [f"chapter {random.randrange(1, 99)}: {secrets.token_hex(4)}" for _ in range(3)]
    with connected(test_client, "/ws/echo", "the echo client") as ws:
        for text in texts:
            ws.send_text(text)
            try:
                message = receive_raw(ws)
            except TimeoutError:
                pytest.fail(f"/ws/echo did not answer {text!r} within {WAIT_S:.0f} s")
            assert message.get("type") == "websocket.send", (
                f"after sending {text!r} to /ws/echo the server sent {message}: the echo should "
                "answer every message, in a `while True` loop, not hang up after the first"
            )
            assert message.get("text") == text, (
                f"/ws/echo answered {message.get('text')!r} to {text!r}; expected the same text back"
            )


def test_echo_ends_cleanly_when_the_client_leaves(test_client):
    # `connected` fails the spec if the handler raises when the client hangs up.
    with connected(test_client, "/ws/echo", "the echo client") as ws:
        ws.send_text("bye")
        assert receive_raw(ws).get("text") == "bye", "/ws/echo did not echo 'bye'"


# --- who may join ------------------------------------------------------------------------------


def test_room_without_token_is_refused_before_accept(test_client, people):
    assert_refused(test_client, f"/ws/rooms/{random_room()}", "without ?token=")


def test_room_with_unknown_token_is_refused_before_accept(test_client, people):
    path = f"/ws/rooms/{random_room()}?token=tok-{secrets.token_hex(6)}"
    assert_refused(
        test_client, path, "with a token that is not in TOKENS (look it up at connect time)"
    )


# --- the chat room -----------------------------------------------------------------------------


def test_joining_is_announced_to_every_member(test_client, people):
    room = random_room()
    (ada, _), (bob, _) = people[:2]
    with contextlib.ExitStack() as stack:
        ws_ada = join(test_client, stack, room, people[0])
        expect(ws_ada, ada, {"type": "join", "user": ada})
        ws_bob = join(test_client, stack, room, people[1])
        # Everyone in the room hears about the newcomer, the newcomer too.
        expect(ws_ada, ada, {"type": "join", "user": bob})
        expect(ws_bob, bob, {"type": "join", "user": bob})


def test_a_message_reaches_every_member_including_the_sender(test_client, people):
    room = random_room()
    names = [name for name, _ in people[:3]]
    with contextlib.ExitStack() as stack:
        sockets = []
        for person in people[:3]:
            sockets.append(join(test_client, stack, room, person))
            for ws, name in zip(sockets, names, strict=False):
                expect(ws, name, {"type": "join", "user": person[0]})
        text = f"Has anyone finished {secrets.token_hex(3)}?"
        sockets[2].send_text(text)
        wanted = {"type": "message", "user": names[2], "text": text}
        for ws, name in zip(sockets, names, strict=True):
            got = receive(ws, name, wanted)
            assert got == wanted, (
                f"{name} received {got}; expected {wanted}. A broadcast goes to every member of "
                "the room, the sender included, with the sender's username from TOKENS."
            )


def test_rooms_do_not_hear_each_other(test_client, people):
    (ada, _), (bob, _) = people[:2]
    with contextlib.ExitStack() as stack:
        ws_ada = join(test_client, stack, random_room(), people[0])
        expect(ws_ada, ada, {"type": "join", "user": ada})
        ws_bob = join(test_client, stack, random_room(), people[1])
        first = receive(ws_bob, bob, "his own join")
        assert first == {"type": "join", "user": bob}, (
            f"{bob}, alone in another room, received {first} first; expected only his own join. "
            "Keep one set of members per room."
        )
        ws_ada.send_text("spoilers for chapter 12")
        expect(ws_ada, ada, {"type": "message", "user": ada, "text": "spoilers for chapter 12"})
        # Bob's next message must be his own: nothing of Ada's room may have reached him.
        ws_bob.send_text("hello?")
        got = receive(ws_bob, bob, "his own message")
        assert got == {"type": "message", "user": bob, "text": "hello?"}, (
            f"{bob} received {got}, but he is in a different room from {ada}: a broadcast must "
            "reach only the members of its own room"
        )


def test_members_lists_who_is_in_the_room(test_client, people):
    room, other = random_room(), random_room()
    with contextlib.ExitStack() as stack:
        for person in (people[1], people[0]):
            ws = join(test_client, stack, room, person)
            expect(ws, person[0], {"type": "join", "user": person[0]})
        r = test_client.get(f"/rooms/{room}/members")
        wanted = {"room": room, "members": sorted([people[0][0], people[1][0]])}
        assert r.status_code == 200 and r.json() == wanted, (
            f"GET /rooms/{room}/members returned {r.status_code} {r.text}; expected {wanted}, "
            "the usernames connected to that room, sorted"
        )
        r = test_client.get(f"/rooms/{other}/members")
        assert r.status_code == 200 and r.json() == {"room": other, "members": []}, (
            f"GET /rooms/{other}/members (nobody there) returned {r.status_code} {r.text}; "
            f"expected {{'room': '{other}', 'members': []}}"
        )


def test_leaving_removes_the_member_and_tells_the_others(test_client, people):
    room = random_room()
    (ada, _), (bob, _) = people[:2]
    with connected(test_client, f"/ws/rooms/{room}?token={people[0][1]}", ada) as ws_ada:
        expect(ws_ada, ada, {"type": "join", "user": ada})
        with connected(test_client, f"/ws/rooms/{room}?token={people[1][1]}", bob) as ws_bob:
            expect(ws_ada, ada, {"type": "join", "user": bob})
            expect(ws_bob, bob, {"type": "join", "user": bob})
            ws_bob.close()  # Bob closes his tab
            got = receive(ws_ada, ada, f"the news that {bob} left")
            assert got == {"type": "leave", "user": bob}, (
                f"after {bob} disconnected, {ada} received {got}; expected "
                f"{{'type': 'leave', 'user': '{bob}'}}. Catch WebSocketDisconnect, remove the "
                "member, then broadcast the leave to the others."
            )
        r = test_client.get(f"/rooms/{room}/members")
        assert r.status_code == 200 and r.json().get("members") == [ada], (
            f"after {bob} left, GET /rooms/{room}/members returned {r.text}; expected only {ada}"
        )


def test_the_room_keeps_working_after_a_member_leaves(test_client, people):
    room = random_room()
    (ada, _), (bob, _) = people[:2]
    with connected(test_client, f"/ws/rooms/{room}?token={people[0][1]}", ada) as ws_ada:
        expect(ws_ada, ada, {"type": "join", "user": ada})
        with connected(test_client, f"/ws/rooms/{room}?token={people[1][1]}", bob) as ws_bob:
            expect(ws_ada, ada, {"type": "join", "user": bob})
            ws_bob.close()
            expect(ws_ada, ada, {"type": "leave", "user": bob})
        # Bob's connection is gone for good. If he is still in the room, this broadcast fails.
        text = f"See you next week, {secrets.token_hex(2)}"
        ws_ada.send_text(text)
        got = receive(ws_ada, ada, "her own message after bob left")
        assert got == {"type": "message", "user": ada, "text": text}, (
            f"{ada} received {got}; expected her own message"
        )
