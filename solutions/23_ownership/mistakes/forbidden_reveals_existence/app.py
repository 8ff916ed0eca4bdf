"""Answers 403 for another member's expense, which confirms to a stranger that the id exists."""

import secrets

from fastapi import Depends, FastAPI, HTTPException, status
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


class ExpenseChanges(BaseModel):
    # Only what an owner may change: `owner` and `id` are not here, so a body cannot set them.
    description: str | None = None
    amount: float | None = Field(default=None, gt=0)
    bank_account: str | None = None


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


def can_see(user: dict, expense: dict) -> bool:
    return user["role"] == "admin" or expense["owner"] == user["username"]


def view(expense: dict, user: dict) -> dict:
    """The expense as `user` may see it: the bank account only for its owner."""
    shown = {key: expense[key] for key in ("id", "owner", "description", "amount")}
    if expense["owner"] == user["username"]:
        shown["bank_account"] = expense["bank_account"]
    return shown


def visible_expense(expense_id: int, user: dict = Depends(get_current_user)) -> dict:
    """The expense if this user may see it. Otherwise 404, exactly as if it did not exist:
    a 403 would confirm to a stranger that expense `expense_id` is there."""
    expense = EXPENSES.get(expense_id)
    if expense is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Expense not found")
    if not can_see(user, expense):
        raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Not your expense")
    return expense


@app.get("/expenses")
def list_expenses(user: dict = Depends(get_current_user)):
    # Filter in the query, not in the client: a list endpoint is an object-level check too.
    return [view(e, user) for _, e in sorted(EXPENSES.items()) if can_see(user, e)]


@app.post("/expenses", status_code=status.HTTP_201_CREATED)
def create_expense(expense: ExpenseIn, user: dict = Depends(get_current_user)):
    expense_id = max(EXPENSES, default=0) + 1
    EXPENSES[expense_id] = {"id": expense_id, "owner": user["username"], **expense.model_dump()}
    return view(EXPENSES[expense_id], user)


@app.get("/expenses/{expense_id}")
def read_expense(expense: dict = Depends(visible_expense), user: dict = Depends(get_current_user)):
    return view(expense, user)


@app.patch("/expenses/{expense_id}")
def update_expense(
    changes: ExpenseChanges,
    expense: dict = Depends(visible_expense),
    user: dict = Depends(get_current_user),
):
    # An admin can see this expense, so a 404 would be a lie: they may look, not touch.
    if expense["owner"] != user["username"]:
        raise HTTPException(
            status_code=status.HTTP_403_FORBIDDEN, detail="Only the owner can change this expense"
        )
    expense.update(changes.model_dump(exclude_unset=True, exclude_none=True))
    return view(expense, user)
