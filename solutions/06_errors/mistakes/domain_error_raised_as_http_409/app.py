"""The route turns InsufficientFunds into HTTPException(409), so the code is 'conflict', not 'insufficient_funds'."""

import logging
from http import HTTPStatus

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

app = FastAPI(title="Ledger")
logger = logging.getLogger("ledger")

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
        # Tell clients when to come back: headers on an HTTPException reach the response.
        raise HTTPException(
            status_code=503, detail="Ledger closed for settlement", headers={"Retry-After": "300"}
        )
    source = find_account(transfer.from_account)
    target = find_account(transfer.to_account)
    try:
        move_money(source, target, transfer.amount)
    except InsufficientFunds as exc:
        raise HTTPException(status_code=409, detail=str(exc))
    return {"from_balance": source["balance"], "to_balance": target["balance"]}


# --- one error envelope for every failure ---------------------------------------------------------


def error_response(
    status_code: int, code: str, message: str, headers: dict | None = None, **extra
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, **extra}},
        status_code=status_code,
        headers=headers,
    )


# Starlette's HTTPException, not FastAPI's subclass: the router raises Starlette's own for unknown
# paths (404) and wrong methods (405), and a handler for the subclass would not see those.
@app.exception_handler(StarletteHTTPException)
async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    try:
        code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
    except ValueError:
        code = "http_error"
    # exc.headers carries Retry-After, Allow or WWW-Authenticate: dropping it breaks clients.
    return error_response(exc.status_code, code, str(exc.detail), headers=exc.headers)


@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    fields = [
        {"field": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
        for error in exc.errors()
    ]
    return error_response(400, "validation_error", "Request validation failed", fields=fields)


# Anything else is a bug: log the details for us, tell the client nothing about the internals.
@app.exception_handler(Exception)
async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal_error", "Internal server error")
