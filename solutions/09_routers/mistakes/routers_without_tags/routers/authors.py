"""The routers have a prefix but no tags: OpenAPI lists every operation untagged."""

from fastapi import APIRouter, Depends, Header, HTTPException
from store import AUTHORS, PARTNER_KEY


def require_partner_key(x_partner_key: str | None = Header(default=None)) -> None:
    if x_partner_key != PARTNER_KEY:
        raise HTTPException(status_code=403, detail="Partner key required")


# A router-level dependency runs before every route of this router, wherever it is included.
router = APIRouter(prefix="/authors", dependencies=[Depends(require_partner_key)])


@router.get("")
def list_authors():
    return AUTHORS


@router.get("/{author_id}")
def read_author(author_id: int):
    for author in AUTHORS:
        if author["id"] == author_id:
            return author
    raise HTTPException(status_code=404, detail="Author not found")
