"""Kata 20: API keys. Edit this file until `python -m checker check 20` passes.

The README next to this file is the contract. The specs write their own CLIENTS, RATES and
SHIPMENTS before each test, so read them inside your functions, at request time.
"""

import secrets

from fastapi import Depends, FastAPI, Header, HTTPException, Security, status
from fastapi.security import APIKeyHeader, APIKeyQuery
from pydantic import BaseModel, Field

app = FastAPI(title="Parcel rates for partner shops")

# One entry per partner. In production the keys would be stored hashed, like passwords.
CLIENTS: list[dict] = [
    {
        "name": "acme-books",
        "api_key": "ak_live_6f1d2c9e8b7a4d3c2b1a0f9e8d7c6b5a",
        "permissions": ["rates:read", "shipments:create"],
    },
    {
        "name": "price-watch",
        "api_key": "ak_live_0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
        "permissions": ["rates:read"],
    },
]
RATES: dict[str, float] = {"standard": 4.5, "express": 9.9}
SHIPMENTS: list[dict] = []


class ShipmentIn(BaseModel):
    destination: str
    weight_kg: float = Field(gt=0)


# TODO: a first draft. The key is a required plain header (a missing one is a 422, a query key is
# ignored), it is compared with ==, failures are all 403, and nobody's permissions are checked.
def get_client(x_api_key: str = Header()) -> dict:
    for client in CLIENTS:
        if client["api_key"] == x_api_key:
            return client
    raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Forbidden")


@app.get("/whoami")
def whoami(client: dict = Depends(get_client)):
    return {"client": client["name"], "permissions": client["permissions"]}


@app.get("/rates")
def read_rates(client: dict = Depends(get_client)):
    return RATES


@app.post("/shipments", status_code=status.HTTP_201_CREATED)
def create_shipment(shipment: ShipmentIn, client: dict = Depends(get_client)):
    record = {"id": len(SHIPMENTS) + 1, "client": client["name"], **shipment.model_dump()}
    SHIPMENTS.append(record)
    return record
