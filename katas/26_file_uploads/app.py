"""Kata 26: a helpdesk that takes tickets with attachments. Edit this file until
`python -m checker check 26` passes.

The README next to this file is the contract. This version accepts anything: any size (read whole
into memory), any declared type, any content, and answers 200 instead of 201.
"""

import hashlib
from typing import Annotated

from fastapi import FastAPI, File, Form, HTTPException, UploadFile, status

app = FastAPI(title="Helpdesk tickets")

MAX_FILE_BYTES = 1024 * 1024  # per attachment; the specs change it, so read it at request time

TICKETS: list[dict] = []


@app.post("/tickets")
async def create_ticket(
    subject: Annotated[str, Form()],
    body: Annotated[str, Form()] = "",
    attachments: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies defaults)
):
    ticket = {"id": len(TICKETS) + 1, "subject": subject, "body": body, "attachments": []}
    TICKETS.append(ticket)
    for upload in attachments:
        data = await upload.read()
        ticket["attachments"].append(
            {
                "filename": upload.filename,
                "content_type": upload.content_type,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    return ticket


@app.get("/tickets")
async def list_tickets():
    return TICKETS
