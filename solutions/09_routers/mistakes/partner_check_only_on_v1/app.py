"""The partner check is attached when v1 includes the authors router, so /v2/authors is open to all."""

from fastapi import APIRouter, Depends, FastAPI, Response
from routers import authors, books
from store import AUTHORS, BOOKS

app = FastAPI(title="Bookshop catalogue")

# 2026-01-01T00:00:00Z as an RFC 9745 date: "@" and the Unix time in seconds.
V1_DEPRECATED_AT = "@1767225600"


def mark_deprecated(response: Response) -> None:
    """Tells v1 clients to move on: RFC 9745's Deprecation header carries the date, as @<epoch>."""
    response.headers["Deprecation"] = V1_DEPRECATED_AT


# The same routers under both prefixes; v1 adds the deprecation notice to each of its routes.
v1 = APIRouter(prefix="/v1", dependencies=[Depends(mark_deprecated)])
v1.include_router(books.v1_router)
v1.include_router(books.router)
v1.include_router(authors.router, dependencies=[Depends(authors.require_partner_key)])

v2 = APIRouter(prefix="/v2")
v2.include_router(books.v2_router)
v2.include_router(books.router)
v2.include_router(authors.router)

app.include_router(v1)
app.include_router(v2)
