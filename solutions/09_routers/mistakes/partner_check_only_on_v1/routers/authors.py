"""The authors router has no dependencies of its own: the check is left to whoever includes it."""

from fastapi import APIRouter, Depends, Header, HTTPException
from store import AUTHORS, PARTNER_KEY


def require_partner_key(x_partner_key: str | None = Header(default=None)) -> None:
    if x_partner_key != PARTNER_KEY:
        raise HTTPException(status_code=403, detail="Partner key required")


router = APIRouter(prefix="/authors", tags=["authors"])


@router.get("")
def list_authors():
    return AUTHORS


@router.get("/{author_id}")
def read_author(author_id: int):
    for author in AUTHORS:
        if author["id"] == author_id:
            return author
    raise HTTPException(status_code=404, detail="Author not found")
