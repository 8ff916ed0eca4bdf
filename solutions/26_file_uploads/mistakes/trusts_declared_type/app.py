"""Trusts the Content-Type the client declared: a program uploaded as application/pdf is accepted."""

import hashlib
from typing import Annotated

from fastapi import FastAPI, File, Form, HTTPException, UploadFile, status

app = FastAPI(title="Helpdesk tickets")

MAX_FILE_BYTES = 1024 * 1024  # per attachment; the specs change it
CHUNK_BYTES = 64 * 1024

# Declared type -> the bytes a file of that type starts with (None: no signature to check).
SIGNATURES: dict[str, bytes | None] = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8\xff",
    "application/pdf": b"%PDF-",
    "text/plain": None,
}

TICKETS: list[dict] = []


async def inspect_upload(upload: UploadFile) -> dict:
    """Size, hash and type of one attachment, read in chunks: never more than the limit + a chunk."""
    content_type = upload.content_type or ""
    if content_type not in SIGNATURES:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"Unsupported file type: {content_type}"
        )
    digest = hashlib.sha256()
    size = 0
    while chunk := await upload.read(CHUNK_BYTES):
        size += len(chunk)
        if size > MAX_FILE_BYTES:
            raise HTTPException(
                status.HTTP_413_CONTENT_TOO_LARGE, f"File too large: {upload.filename}"
            )
        digest.update(chunk)
    return {
        "filename": upload.filename,
        "content_type": content_type,
        "size": size,
        "sha256": digest.hexdigest(),
    }


@app.post("/tickets", status_code=status.HTTP_201_CREATED)
async def create_ticket(
    subject: Annotated[str, Form(min_length=1, max_length=200)],
    body: Annotated[str, Form()] = "",
    attachments: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
):
    # Every attachment is checked before anything is stored: a rejected file creates no ticket.
    described = [await inspect_upload(upload) for upload in attachments]
    ticket = {"id": len(TICKETS) + 1, "subject": subject, "body": body, "attachments": described}
    TICKETS.append(ticket)
    return ticket


@app.get("/tickets")
async def list_tickets():
    return TICKETS
