"""Kata 06: errors. Edit this file until `python -m checker check 06` passes.

The README next to this file is the contract. ACCOUNTS stands in for a database and LEDGER_OPEN for
the settlement switch: the specs replace both, so read them inside your handlers, at request time.
InsufficientFunds and move_money are the ledger's domain layer: they know nothing about HTTP.
"""

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

app = FastAPI(title="Ledger")

# Balances are in cents.
ACCOUNTS: dict[str, dict] = {
    "acc-1001": {"id": "acc-1001", "owner": "Ada", "balance": 5_000},
    "acc-1002": {"id": "acc-1002", "owner": "Grace", "balance": 12_000},
}
LEDGER_OPEN = True  # False during the nightly settlement window


class InsufficientFunds(Exception):
    """The source account cannot cover a transfer."""

    def __init__(self, account_id: str, balance: int, amount: int) -> None:
        super().__init__(f"Account {account_id} has {balance} cents, {amount} needed")
        self.account_id = account_id
        self.balance = balance
        self.amount = amount


def move_money(source: dict, target: dict, amount: int) -> None:
    """The ledger's one rule: no overdrafts."""
    if source["balance"] < amount:
        raise InsufficientFunds(source["id"], source["balance"], amount)
    source["balance"] -= amount
    target["balance"] += amount


class TransferIn(BaseModel):
    from_account: str
    to_account: str
    amount: int = Field(gt=0, description="in cents")


def find_account(account_id: str) -> dict:
    account = ACCOUNTS.get(account_id)
    if account is None:
        raise HTTPException(status_code=404, detail=f"Account {account_id} not found")
    return account


@app.get("/accounts/{account_id}")
def read_account(account_id: str):
    return find_account(account_id)


@app.post("/transfers", status_code=201)
def create_transfer(transfer: TransferIn):
    if not LEDGER_OPEN:
        raise HTTPException(status_code=503, detail="Ledger closed for settlement")
    source = find_account(transfer.from_account)
    target = find_account(transfer.to_account)
    move_money(source, target, transfer.amount)
    return {"from_balance": source["balance"], "to_balance": target["balance"]}
