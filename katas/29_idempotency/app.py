"""Kata 29: a payments API whose POST is safe to retry. Edit this file until
`python -m checker check 29` passes.

The README next to this file is the contract. This version charges the card on every request: a
client that retries after a timeout pays twice.
"""

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


@app.post("/payments", status_code=status.HTTP_201_CREATED)
async def create_payment(
    payment: PaymentIn,
    processor: Annotated[PaymentProcessor, Depends(get_processor)],
):
    charge_id = await processor.charge(payment.account_id, payment.amount_cents)
    record = {"id": len(PAYMENTS) + 1, **payment.model_dump(), "charge_id": charge_id}
    PAYMENTS.append(record)
    return record


@app.get("/payments")
async def list_payments():
    return PAYMENTS
