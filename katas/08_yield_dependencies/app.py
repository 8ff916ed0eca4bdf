"""Kata 08: dependencies with yield. Edit this file until `python -m checker check 08` passes.

The README next to this file is the contract. Keep ACCOUNTS, EVENTS, InsufficientFunds, Session,
LedgerLock, LEDGER_LOCK and Transfer as they are: the specs seed ACCOUNTS and read EVENTS.
"""

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


def get_session() -> Session:
    # Opens a session and hands it over; nobody commits, rolls back or closes it.
    return Session()


def ledger_lock() -> None:
    # Not used yet: transfers run without the lock.
    ...


@app.get("/accounts/{name}")
def read_account(name: str, session: Session = Depends(get_session)):
    balance = session.balance(name)
    if balance is None:
        raise HTTPException(status_code=404, detail="Account not found")
    return {"name": name, "balance": balance}


@app.post("/transfers", status_code=201)
def create_transfer(transfer: Transfer, session: Session = Depends(get_session)):
    if session.balance(transfer.source) is None:
        raise HTTPException(status_code=404, detail="Account not found")
    session.add(transfer.source, -transfer.amount)
    # The debit is staged before the target is looked up: after a 404 here, only a rollback
    # keeps it out of the ledger.
    if session.balance(transfer.target) is None:
        raise HTTPException(status_code=404, detail="Account not found")
    session.add(transfer.target, transfer.amount)
    session.commit()  # by hand, in one route; the GET route never commits or closes
    return transfer
