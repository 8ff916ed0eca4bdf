"""Kata 23: ownership. Edit this file until `python -m checker check 23` passes.

The README next to this file is the contract. The specs write their own USERS, TOKENS and
EXPENSES before each test, so read them inside your functions, at request time.
"""

import secrets

from fastapi import Body, Depends, FastAPI, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

app = FastAPI(title="Expense claims")

# username -> role ("member" or "admin").
USERS: dict[str, dict] = {
    "nina": {"username": "nina", "role": "member"},
    "omar": {"username": "omar", "role": "member"},
    "fern": {"username": "fern", "role": "admin"},
}
# Opaque bearer token -> username. (Kata 18 makes these JWTs; here they are looked up.)
TOKENS: dict[str, str] = {
    "tok-nina-5b1e0c": "nina",
    "tok-omar-93a7d2": "omar",
    "tok-fern-c4f816": "fern",
}
EXPENSES: dict[int, dict] = {
    1: {
        "id": 1,
        "owner": "nina",
        "description": "Train to Leeds",
        "amount": 64.5,
        "bank_account": "GB33BUKB20201555555555",
    },
    2: {
        "id": 2,
        "owner": "omar",
        "description": "Client lunch",
        "amount": 38.0,
        "bank_account": "DE89370400440532013000",
    },
    3: {
        "id": 3,
        "owner": "nina",
        "description": "Conference ticket",
        "amount": 299.0,
        "bank_account": "GB33BUKB20201555555555",
    },
}

bearer = HTTPBearer()


class ExpenseIn(BaseModel):
    description: str
    amount: float = Field(gt=0)
    bank_account: str


def get_current_user(credentials: HTTPAuthorizationCredentials = Depends(bearer)) -> dict:
    username = None
    for token, name in TOKENS.items():
        if secrets.compare_digest(token.encode(), credentials.credentials.encode()):
            username = name
    if username is None or username not in USERS:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Invalid token",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return USERS[username]


# TODO: everyone who is logged in sees, lists and changes every expense, bank accounts included,
# and a PATCH copies whatever the body holds into the record.
@app.get("/expenses")
def list_expenses(user: dict = Depends(get_current_user)):
    return [e for _, e in sorted(EXPENSES.items())]


@app.post("/expenses", status_code=status.HTTP_201_CREATED)
def create_expense(expense: ExpenseIn, user: dict = Depends(get_current_user)):
    expense_id = max(EXPENSES, default=0) + 1
    EXPENSES[expense_id] = {"id": expense_id, "owner": user["username"], **expense.model_dump()}
    return EXPENSES[expense_id]


@app.get("/expenses/{expense_id}")
def read_expense(expense_id: int, user: dict = Depends(get_current_user)):
    expense = EXPENSES.get(expense_id)
    if expense is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Expense not found")
    return expense


@app.patch("/expenses/{expense_id}")
def update_expense(expense_id: int, changes: dict = Body(), user: dict = Depends(get_current_user)):
    expense = EXPENSES.get(expense_id)
    if expense is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Expense not found")
    expense.update(changes)
    return expense
