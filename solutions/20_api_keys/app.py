"""Kata 20 reference solution: API keys from a header or the query, compared in constant time."""

import secrets

from fastapi import Depends, FastAPI, HTTPException, Security, status
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

# auto_error=False: a missing header is not an error yet, the query parameter may carry the key.
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)
api_key_query = APIKeyQuery(name="api_key", auto_error=False)


class ShipmentIn(BaseModel):
    destination: str
    weight_kg: float = Field(gt=0)


def get_client(
    header_key: str | None = Security(api_key_header),
    query_key: str | None = Security(api_key_query),
) -> dict:
    """The client owning the key; the header wins over the query parameter."""
    given = header_key if header_key is not None else query_key
    if given is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Missing API key",
            headers={"WWW-Authenticate": "APIKey"},
        )
    found = None
    for client in CLIENTS:
        # Bytes, because compare_digest refuses str with non-ASCII characters. Every key is
        # compared (no early exit), so the time taken does not depend on which one matched.
        if secrets.compare_digest(client["api_key"].encode(), given.encode()):
            found = client
    if found is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Invalid API key",
            headers={"WWW-Authenticate": "APIKey"},
        )
    return found


def require(permission: str):
    """A dependency that lets through only clients holding `permission`."""

    def check(client: dict = Depends(get_client)) -> dict:
        if permission not in client["permissions"]:
            raise HTTPException(
                status_code=status.HTTP_403_FORBIDDEN, detail=f"Missing permission: {permission}"
            )
        return client

    return check


@app.get("/whoami")
def whoami(client: dict = Depends(get_client)):
    return {"client": client["name"], "permissions": client["permissions"]}


@app.get("/rates")
def read_rates(client: dict = Depends(require("rates:read"))):
    return RATES


@app.post("/shipments", status_code=status.HTTP_201_CREATED)
def create_shipment(shipment: ShipmentIn, client: dict = Depends(require("shipments:create"))):
    record = {"id": len(SHIPMENTS) + 1, "client": client["name"], **shipment.model_dump()}
    SHIPMENTS.append(record)
    return record
