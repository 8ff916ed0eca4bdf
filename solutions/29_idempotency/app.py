"""Kata 29 reference solution: idempotent POST /payments with an Idempotency-Key header."""

import asyncio
import uuid
from typing import Annotated

from fastapi import Depends, FastAPI, Header, HTTPException, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

app = FastAPI(title="Payments")


class ProcessorUnavailable(Exception):
    """The card processor could not be reached: nothing was charged, the client may retry."""


class PaymentProcessor:
    """Stands in for the card network: charging takes a moment and costs real money."""

    async def charge(self, account_id: str, amount_cents: int) -> str:
        await asyncio.sleep(0.01)
        return f"ch_{uuid.uuid4().hex[:16]}"


PROCESSOR = PaymentProcessor()


def get_processor() -> PaymentProcessor:
    return PROCESSOR


class PaymentIn(BaseModel):
    account_id: str = Field(min_length=1, max_length=64)
    amount_cents: int = Field(gt=0)


PAYMENTS: list[dict] = []
# Idempotency-Key -> the request it was first used with and the response that request got.
IDEMPOTENCY: dict[str, dict] = {}
# One lock per key: a retry that arrives while the first request is charging waits for it.
KEY_LOCKS: dict[str, asyncio.Lock] = {}


@app.post("/payments", status_code=status.HTTP_201_CREATED)
async def create_payment(
    payment: PaymentIn,
    idempotency_key: Annotated[str, Header(min_length=1, max_length=255)],
    processor: Annotated[PaymentProcessor, Depends(get_processor)],
):
    request = payment.model_dump()  # parsed, so key order and whitespace do not matter
    async with KEY_LOCKS.setdefault(idempotency_key, asyncio.Lock()):
        stored = IDEMPOTENCY.get(idempotency_key)
        if stored is not None:
            if stored["request"] != request:
                raise HTTPException(
                    status.HTTP_422_UNPROCESSABLE_CONTENT,
                    "Idempotency-Key was used with a different request",
                )
            return JSONResponse(
                stored["body"],
                status_code=stored["status_code"],
                headers={"Idempotent-Replayed": "true"},
            )
        try:
            charge_id = await processor.charge(payment.account_id, payment.amount_cents)
        except ProcessorUnavailable:
            # Nothing happened: remember nothing, so a retry with the same key tries again.
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE, "Payment processor unavailable"
            )
        record = {"id": len(PAYMENTS) + 1, **request, "charge_id": charge_id}
        PAYMENTS.append(record)
        IDEMPOTENCY[idempotency_key] = {
            "request": request,
            "status_code": status.HTTP_201_CREATED,
            "body": record,
        }
        return record


@app.get("/payments")
async def list_payments():
    return PAYMENTS
