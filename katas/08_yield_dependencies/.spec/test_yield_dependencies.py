"""Specs for kata 08: dependencies with yield. They reach the app only through fixtures.

The app's Session and LedgerLock log to EVENTS. The `ledger` client below wraps the app in a tiny
ASGI recorder that adds "response" to the same list when the response starts, so the specs see
whether the session committed and closed before or after the client got its answer.
"""

import random

import httpx
import pytest

OPENED, COMMITTED, ROLLED_BACK, CLOSED = "open", "commit", "rollback", "close"


@pytest.fixture
def accounts(kata_module):
    """Three random accounts with money, written into the module's ACCOUNTS."""
    rng = random.Random()
    names = [f"acct-{n}" for n in rng.sample(range(1000, 10_000), 3)]
    balances = {name: rng.randrange(5_000, 50_000) for name in names}
    kata_module.ACCOUNTS.clear()
    kata_module.ACCOUNTS.update(balances)
    return dict(balances)


@pytest.fixture
async def ledger(app, kata_module):
    events = kata_module.EVENTS

    async def recorder(scope, receive, send):
        async def send_and_log(message):
            if message["type"] == "http.response.start":
                events.append("response")
            await send(message)

        await app(scope, receive, send_and_log)

    transport = httpx.ASGITransport(app=recorder)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def call(ledger, kata_module, method, url, **kwargs):
    """Send one request with EVENTS emptied first; an exception from the app becomes a failure."""
    kata_module.EVENTS.clear()
    try:
        return await ledger.request(method, url, **kwargs)
    except Exception as exc:
        why = ""
        if "response already started" in str(exc):
            why = (
                " The exception came after the response had started: the session's exit code ran"
                " after the client got its answer. Declare it Depends(get_session,"
                ' scope="function") so the commit, and its 409, happen before the response.'
            )
        elif type(exc).__name__ == "InsufficientFunds":
            why = (
                " Session.commit() raised InsufficientFunds and nothing turned it into an answer:"
                " catch it in get_session, roll back and raise HTTPException(409, ...), in a"
                ' dependency declared with scope="function".'
            )
        elif "not awaited" in str(exc) or "'response'" in str(exc):
            # FastAPI's own errors when a yield dependency swallowed the route's exception.
            why = (
                " An `except` around the yield caught the route's exception and did not re-raise"
                " it: roll back, then `raise`."
            )
        pytest.fail(
            f"{method} {url} raised {type(exc).__name__}: {str(exc)[:200]} inside the app. "
            f"EVENTS so far: {kata_module.EVENTS}.{why}"
        )


def transfer(source, target, amount):
    return {"source": source, "target": target, "amount": amount}


# --- one session per request, committed and closed before the response -------------------------


async def test_reading_a_balance_commits_and_closes_its_session(ledger, kata_module, accounts):
    name = random.choice(list(accounts))
    r = await call(ledger, kata_module, "GET", f"/accounts/{name}")
    assert r.status_code == 200 and r.json() == {"name": name, "balance": accounts[name]}, (
        f"GET /accounts/{name} returned {r.status_code} {r.text}; expected 200 "
        f"{{'name': '{name}', 'balance': {accounts[name]}}}"
    )
    expected = [OPENED, COMMITTED, CLOSED, "response"]
    assert expected == kata_module.EVENTS, (
        f"GET /accounts/{name} logged {kata_module.EVENTS}; expected {expected}. Make get_session "
        "a yield dependency: open, `yield session`, commit after the yield, close in `finally:`, "
        'and declare it with Depends(get_session, scope="function") so all of it happens '
        "before the response starts."
    )


async def test_each_request_gets_its_own_session(ledger, kata_module, accounts):
    names = list(accounts)
    opened = 0
    for name in names:
        await call(ledger, kata_module, "GET", f"/accounts/{name}")
        opened += kata_module.EVENTS.count(OPENED)
    assert opened == len(names), (
        f"{len(names)} GET /accounts requests opened {opened} sessions; expected one each. "
        "Create the Session inside get_session, not once at import."
    )


async def test_unknown_account_is_404_and_the_session_rolls_back(ledger, kata_module, accounts):
    r = await call(ledger, kata_module, "GET", "/accounts/nobody")
    assert r.status_code == 404 and r.json() == {"detail": "Account not found"}, (
        f"GET /accounts/nobody returned {r.status_code} {r.text}; expected 404 "
        "{'detail': 'Account not found'}"
    )
    expected = [OPENED, ROLLED_BACK, CLOSED, "response"]
    assert expected == kata_module.EVENTS, (
        f"GET /accounts/nobody (the route raises a 404) logged {kata_module.EVENTS}; expected "
        f"{expected}. The route's exception is raised at the `yield`: catch it with "
        "`except Exception:`, roll back and re-raise; close in `finally:` (code after a bare "
        "yield never runs when the route fails)."
    )


# --- a transfer: commit on success, rollback on error ------------------------------------------


async def test_a_transfer_commits_both_legs(ledger, kata_module, accounts):
    source, target, _ = accounts
    amount = random.randrange(1, accounts[source])
    r = await call(ledger, kata_module, "POST", "/transfers", json=transfer(source, target, amount))
    assert r.status_code == 201, f"POST /transfers returned {r.status_code} {r.text}; expected 201"
    assert r.json() == transfer(source, target, amount), (
        f"POST /transfers returned {r.json()}; expected the transfer back"
    )
    expected = {source: accounts[source] - amount, target: accounts[target] + amount}
    got = {name: kata_module.ACCOUNTS[name] for name in expected}
    assert got == expected, (
        f"after moving {amount} from {source} to {target}, ACCOUNTS holds {got}; expected "
        f"{expected}. The session's commit() writes the staged changes: is it called?"
    )
    assert kata_module.EVENTS.count(COMMITTED) == 1, (
        f"POST /transfers logged {kata_module.EVENTS}; expected exactly one commit"
    )


async def test_a_failed_transfer_rolls_back_the_staged_debit(ledger, kata_module, accounts):
    source = random.choice(list(accounts))
    amount = random.randrange(1, accounts[source])
    body = transfer(source, "nobody", amount)
    r = await call(ledger, kata_module, "POST", "/transfers", json=body)
    assert r.status_code == 404 and r.json() == {"detail": "Account not found"}, (
        f"POST /transfers to an unknown target returned {r.status_code} {r.text}; expected 404 "
        "{'detail': 'Account not found'}"
    )
    assert accounts == kata_module.ACCOUNTS, (
        f"after a transfer that failed with 404, ACCOUNTS is {kata_module.ACCOUNTS}; expected it "
        f"unchanged, {accounts}. The debit of {source} was staged before the 404: commit only "
        "when the route succeeded, roll back when it raised."
    )
    events = kata_module.EVENTS
    assert COMMITTED not in events and ROLLED_BACK in events and CLOSED in events, (
        f"a transfer that failed with 404 logged {events}; expected a rollback and a close and "
        "no commit: roll back in an `except Exception:` around the yield (then re-raise) and "
        "close in `finally:`"
    )


async def test_an_overdraft_is_409_before_the_response_and_writes_nothing(
    ledger, kata_module, accounts
):
    source, target, _ = accounts
    amount = accounts[source] + random.randrange(1, 1000)
    r = await call(ledger, kata_module, "POST", "/transfers", json=transfer(source, target, amount))
    assert r.status_code == 409, (
        f"POST /transfers of {amount} from {source}, who has {accounts[source]}, returned "
        f"{r.status_code} {r.text}; expected 409. Session.commit() raises InsufficientFunds: "
        "catch it in get_session, roll back and raise HTTPException(409). Only a "
        'scope="function" dependency can still change the status code at that point.'
    )
    assert r.json() == {"detail": "Insufficient funds"}, (
        f"the overdraft answered {r.json()}; expected {{'detail': 'Insufficient funds'}}"
    )
    assert accounts == kata_module.ACCOUNTS, (
        f"after a refused overdraft ACCOUNTS is {kata_module.ACCOUNTS}; expected {accounts}"
    )
    events = kata_module.EVENTS
    assert ROLLED_BACK in events and CLOSED in events, (
        f"the refused overdraft logged {events}; expected a rollback and a close"
    )


async def test_the_transfer_commits_and_closes_before_the_response(ledger, kata_module, accounts):
    source, target, _ = accounts
    body = transfer(source, target, random.randrange(1, accounts[source]))
    await call(ledger, kata_module, "POST", "/transfers", json=body)
    events = kata_module.EVENTS
    assert COMMITTED in events and CLOSED in events and "response" in events, (
        f"POST /transfers logged {events}; expected a commit, a close and the response. Let "
        "get_session commit after its yield and close in `finally:`, not the route."
    )
    assert events.index(COMMITTED) < events.index("response") and events.index(
        CLOSED
    ) < events.index("response"), (
        f"POST /transfers logged {events}: the session committed or closed after the response "
        "had started, so a failing commit could no longer change what the client was told. "
        'Declare the session dependency with scope="function".'
    )


# --- the lock is held around the whole transaction ---------------------------------------------


async def test_the_lock_is_held_around_the_whole_transaction(ledger, kata_module, accounts):
    source, target, _ = accounts
    body = transfer(source, target, random.randrange(1, accounts[source]))
    await call(ledger, kata_module, "POST", "/transfers", json=body)
    events = kata_module.EVENTS
    assert events.count("lock") == 1 and events.count("unlock") == 1, (
        f"POST /transfers logged {events}; expected one 'lock' and one 'unlock'. Take the "
        "ledger lock in a yield dependency, ledger_lock, used by POST /transfers."
    )
    order = [e for e in events if e in ("lock", "unlock", OPENED, COMMITTED, CLOSED)]
    expected = ["lock", OPENED, COMMITTED, CLOSED, "unlock"]
    assert order == expected, (
        f"POST /transfers logged {events}; the lock must be taken before the session opens and "
        f"released after it has committed and closed: {expected}. Dependencies exit in the "
        "reverse order they entered: declare the lock first (e.g. dependencies=[Depends("
        "ledger_lock)] on the route) and release it in the `finally:` after its yield."
    )


async def test_the_lock_is_released_when_a_transfer_fails(ledger, kata_module, accounts):
    source, target, _ = accounts
    failing = transfer(source, "nobody", 1)
    await call(ledger, kata_module, "POST", "/transfers", json=failing)
    assert "lock" in kata_module.EVENTS, (
        f"POST /transfers logged {kata_module.EVENTS} and never took the ledger lock: write "
        "ledger_lock as a yield dependency and declare it on POST /transfers."
    )
    assert "unlock" in kata_module.EVENTS and not kata_module.LEDGER_LOCK.held, (
        f"a transfer that failed with 404 logged {kata_module.EVENTS} and left the lock held: "
        "release it in a `finally:` around the yield, or every later transfer is stuck."
    )
    amount = random.randrange(1, accounts[source])
    r = await call(ledger, kata_module, "POST", "/transfers", json=transfer(source, target, amount))
    assert r.status_code == 201, (
        f"the transfer after a failed one returned {r.status_code} {r.text}; expected 201"
    )
