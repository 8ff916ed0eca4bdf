"""Code after a bare yield: when the route raises, the session is never rolled back or closed."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel, Field

app = FastAPI(title="Club ledger")

# Committed balances, in cents. The specs replace them with their own accounts.
ACCOUNTS: dict[str, int] = {"alice": 10_000, "bob": 2_500, "carol": 0}
# What happened, in order: Session and LedgerLock append here, and so do the specs.
EVENTS: list[str] = []


class InsufficientFunds(Exception):
    """Raised by Session.commit() when a staged balance is negative. Nothing is written."""


class Session:
    """A stand-in for a database session. Do not change it.

    Changes are staged until commit(). Like a database CHECK constraint, the rule "no balance
    below zero" is only enforced when committing: commit() raises InsufficientFunds and writes
    nothing. Every call is logged to EVENTS: "open", "commit", "rollback", "close".
    """

    def __init__(self) -> None:
        self._staged: dict[str, int] = {}
        self.closed = False
        EVENTS.append("open")

    def balance(self, name: str) -> int | None:
        """The balance this session sees (staged changes included), or None if no such account."""
        if name in self._staged:
            return self._staged[name]
        return ACCOUNTS.get(name)

    def add(self, name: str, delta: int) -> None:
        """Stage balance(name) + delta for an account that exists."""
        self._staged[name] = self.balance(name) + delta

    def commit(self) -> None:
        overdrawn = sorted(name for name, balance in self._staged.items() if balance < 0)
        if overdrawn:
            raise InsufficientFunds(overdrawn[0])
        ACCOUNTS.update(self._staged)
        self._staged.clear()
        EVENTS.append("commit")

    def rollback(self) -> None:
        self._staged.clear()
        EVENTS.append("rollback")

    def close(self) -> None:
        self.closed = True
        EVENTS.append("close")


class LedgerLock:
    """Lets one transfer at a time touch the ledger. Do not change it. Logs "lock" and "unlock"."""

    def __init__(self) -> None:
        self.held = False

    def acquire(self) -> None:
        if self.held:
            raise RuntimeError("the ledger lock is already held: a request never released it")
        self.held = True
        EVENTS.append("lock")

    def release(self) -> None:
        self.held = False
        EVENTS.append("unlock")


LEDGER_LOCK = LedgerLock()


class Transfer(BaseModel):
    source: str
    target: str
    amount: int = Field(gt=0)


def get_session() -> Iterator[Session]:
    session = Session()
    yield session
    try:
        session.commit()
    except InsufficientFunds:
        session.rollback()
        raise HTTPException(status_code=409, detail="Insufficient funds")
    finally:
        session.close()


def ledger_lock() -> Iterator[None]:
    LEDGER_LOCK.acquire()
    try:
        yield
    finally:
        LEDGER_LOCK.release()


# scope="function": the commit (and its 409) happens before the response is sent. With the default
# request scope, the client would already have its 201 when the commit fails.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@app.get("/accounts/{name}")
def read_account(name: str, session: SessionDep):
    balance = session.balance(name)
    if balance is None:
        raise HTTPException(status_code=404, detail="Account not found")
    return {"name": name, "balance": balance}


# Route-level dependencies are entered before the parameters' ones and exited after them, so the
# lock is taken before the session opens and released after it has committed and closed.
@app.post("/transfers", status_code=201, dependencies=[Depends(ledger_lock)])
def create_transfer(transfer: Transfer, session: SessionDep):
    if session.balance(transfer.source) is None:
        raise HTTPException(status_code=404, detail="Account not found")
    session.add(transfer.source, -transfer.amount)
    # The debit is staged before the target is looked up: after a 404 here, only a rollback
    # keeps it out of the ledger.
    if session.balance(transfer.target) is None:
        raise HTTPException(status_code=404, detail="Account not found")
    session.add(transfer.target, transfer.amount)
    return transfer
