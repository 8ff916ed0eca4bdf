"""PATCH skips falsy values, so {"marketing_opt_in": false} never turns the opt-in off."""

import hashlib
from datetime import UTC, datetime
from uuid import UUID, uuid4

from fastapi import FastAPI, HTTPException
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

app = FastAPI(title="Bookshop accounts")


class AccountRow:
    """One row of the accounts table: a plain object with attributes, like an ORM row."""

    def __init__(
        self,
        *,
        id: UUID,
        email: str,
        display_name: str,
        password_hash: str,
        marketing_opt_in: bool = False,
        is_flagged: bool = False,
        created_at: datetime,
    ) -> None:
        self.id = id
        self.email = email
        self.display_name = display_name
        self.password_hash = password_hash
        self.marketing_opt_in = marketing_opt_in
        self.is_flagged = is_flagged  # set by the fraud team; customers must never see it
        self.created_at = created_at


ACCOUNTS: dict[UUID, AccountRow] = {}


def hash_password(password: str) -> str:
    """A stand-in for a real password hasher (use argon2 or bcrypt in a real service)."""
    return "sha256$" + hashlib.sha256(password.encode()).hexdigest()


class AccountIn(BaseModel):
    email: str
    display_name: str
    password: str
    marketing_opt_in: bool = False


class AccountUpdate(BaseModel):
    email: str | None = None
    display_name: str | None = None
    marketing_opt_in: bool | None = None


class AccountOut(BaseModel):
    """What a customer may see: no password hash, no fraud flag."""

    # Lets AccountOut.model_validate(row) read attributes of a plain object (formerly orm_mode).
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    email: str
    display_name: str
    marketing_opt_in: bool
    created_at: datetime


def find_account(account_id: UUID) -> AccountRow:
    row = ACCOUNTS.get(account_id)
    if row is None:
        raise HTTPException(status_code=404, detail="Account not found")
    return row


@app.post("/accounts", response_model=AccountOut, status_code=201)
def create_account(account: AccountIn):
    row = AccountRow(
        id=uuid4(),
        email=account.email,
        display_name=account.display_name,
        password_hash=hash_password(account.password),
        marketing_opt_in=account.marketing_opt_in,
        created_at=datetime.now(UTC),
    )
    ACCOUNTS[row.id] = row
    return row


@app.get("/accounts", response_model=list[AccountOut])
def list_accounts():
    return list(ACCOUNTS.values())


@app.get("/accounts/{account_id}", response_model=AccountOut)
def read_account(account_id: UUID):
    return find_account(account_id)


@app.patch("/accounts/{account_id}", response_model=AccountOut)
def update_account(account_id: UUID, changes: AccountUpdate):
    row = find_account(account_id)
    # None means "not sent", so skip it.
    for field, value in changes.model_dump().items():
        if value:
            setattr(row, field, value)
    return row


@app.delete("/accounts/{account_id}", status_code=204)
def delete_account(account_id: UUID) -> None:
    find_account(account_id)
    del ACCOUNTS[account_id]


@app.get("/accounts/{account_id}/export")
def export_account(account_id: UUID):
    row = find_account(account_id)
    # A Response returned directly skips response_model and FastAPI's encoding: filter through
    # AccountOut, then make UUIDs and datetimes JSON-native with jsonable_encoder.
    document = {"account": AccountOut.model_validate(row), "exported_at": datetime.now(UTC)}
    return JSONResponse(
        jsonable_encoder(document),
        headers={"Content-Disposition": f'attachment; filename="account-{account_id}.json"'},
    )
