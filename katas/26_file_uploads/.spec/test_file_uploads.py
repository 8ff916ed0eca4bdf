"""Specs for kata 26: file uploads. They reach the app only through fixtures.

Uploaded files reach a route as UploadFile objects backed by a SpooledTemporaryFile (memory up to
1 MiB, then disk). The `reads` fixture counts the bytes the app reads back out of those files, to
tell a limit enforced while reading from one checked after loading the whole file into memory.
"""

import hashlib
import os
import random
import tempfile
import uuid

import pytest

PNG = b"\x89PNG\r\n\x1a\n"
JPEG = b"\xff\xd8\xff\xe0"
PDF = b"%PDF-1.7\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00"


def content(kind: str, size: int) -> bytes:
    """`size` bytes of a file of that kind: the right leading bytes, then random ones."""
    head = {"png": PNG, "jpeg": JPEG, "pdf": PDF, "exe": EXE, "txt": b""}[kind]
    if kind == "txt":
        return bytes(random.choice(b"abcdefghij klmnop\n") for _ in range(size))
    return head + os.urandom(size - len(head))


def described(name: str, content_type: str, data: bytes) -> dict:
    return {
        "filename": name,
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def fname(stem: str, ext: str) -> str:
    return f"{stem}-{uuid.uuid4().hex[:6]}.{ext}"


@pytest.fixture
def limit(kata_module) -> int:
    """A random per-file limit, written into the module (read it at request time)."""
    value = random.randint(20_000, 60_000)
    kata_module.MAX_FILE_BYTES = value
    return value


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """Sizes of every read from an uploaded file's SpooledTemporaryFile during the test."""
    seen: list[int] = []
    original = tempfile.SpooledTemporaryFile.read

    def counting_read(self, *args):
        data = original(self, *args)
        seen.append(len(data))
        return data

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "read", counting_read)
    return seen


def brief(r) -> str:
    """Status and the start of the body: enough to recognise, short enough to read."""
    text = r.text if len(r.text) <= 100 else r.text[:100] + "..."
    return f"{r.status_code} {text}"


async def tickets(client) -> list:
    r = await client.get("/tickets")
    assert r.status_code == 200, f"GET /tickets returned {brief(r)}; expected 200"
    return r.json()


# --- the happy path ------------------------------------------------------------------------------


async def test_ticket_with_several_attachments_is_201_and_describes_each(client, limit):
    files = [
        (fname("screenshot", "png"), "image/png", content("png", random.randint(500, limit))),
        (fname("invoice", "pdf"), "application/pdf", content("pdf", random.randint(500, limit))),
        (fname("photo", "jpg"), "image/jpeg", content("jpeg", random.randint(500, limit))),
        (fname("log", "txt"), "text/plain", content("txt", random.randint(50, 5000))),
    ]
    subject = f"Printer on fire #{random.randrange(1000)}"
    r = await client.post(
        "/tickets",
        data={"subject": subject, "body": "It smells of toner."},
        files=[("attachments", (name, data, ctype)) for name, ctype, data in files],
    )
    assert r.status_code == 201, (
        f"POST /tickets (multipart: subject, body, 4 files under `attachments`) should create a "
        "ticket with 201 (status_code=201 on the route; Form() fields, "
        f"`attachments: list[UploadFile]`), but returned {brief(r)}"
    )
    ticket = r.json()
    expected = [described(name, ctype, data) for name, ctype, data in files]
    assert ticket.get("attachments") == expected, (
        f"the ticket's attachments were {ticket.get('attachments')}; expected, in the order sent, "
        f"{expected}. size is the number of bytes, sha256 the hex digest of the whole content."
    )
    assert ticket.get("subject") == subject and ticket.get("body") == "It smells of toner.", (
        f"the ticket was {ticket}; expected subject {subject!r} and body 'It smells of toner.'"
    )
    assert isinstance(ticket.get("id"), int), f"the ticket's id is {ticket.get('id')!r}, not an int"


async def test_ticket_without_attachments_is_201_with_an_empty_list(client, limit):
    r = await client.post("/tickets", data={"subject": "Password reset"})
    assert r.status_code == 201, (
        f"POST /tickets with only a subject returned {brief(r)}; expected 201. "
        "`body` defaults to '' and `attachments` to an empty list."
    )
    ticket = r.json()
    assert ticket.get("attachments") == [] and ticket.get("body") == "", (
        f"the ticket was {ticket}; expected body '' and attachments []"
    )


async def test_created_tickets_are_listed(client, limit):
    before = await tickets(client)
    data = content("png", 1000)
    r = await client.post(
        "/tickets",
        data={"subject": "Broken badge"},
        files={"attachments": ("badge.png", data, "image/png")},
    )
    assert r.status_code == 201, f"POST /tickets returned {brief(r)}"
    after = await tickets(client)
    assert after == [*before, r.json()], (
        f"GET /tickets returned {after}; expected the earlier tickets followed by the new one, "
        "exactly as POST /tickets returned it."
    )


@pytest.mark.parametrize("form", [{}, {"subject": ""}, {"body": "no subject"}])
async def test_missing_or_empty_subject_is_422(client, limit, form):
    r = await client.post(
        "/tickets", data=form, files={"attachments": ("a.txt", b"hi", "text/plain")}
    )
    assert r.status_code == 422, (
        f"POST /tickets with form {form} returned {r.status_code}; expected 422: subject is a "
        "required form field of 1 to 200 characters (Form(min_length=1, max_length=200))."
    )


# --- the size limit ------------------------------------------------------------------------------


async def test_a_file_of_exactly_the_limit_is_accepted(client, limit):
    data = content("pdf", limit)
    r = await client.post(
        "/tickets",
        data={"subject": "Big scan"},
        files={"attachments": ("scan.pdf", data, "application/pdf")},
    )
    assert r.status_code == 201, (
        f"a file of exactly MAX_FILE_BYTES ({limit}) bytes should be accepted with 201: the limit "
        "is inclusive (reject size > MAX_FILE_BYTES), and MAX_FILE_BYTES is read at request time. "
        f"Got {brief(r)}"
    )


async def test_one_byte_over_the_limit_is_413_and_creates_nothing(client, limit):
    before = await tickets(client)
    name = fname("scan", "pdf")
    r = await client.post(
        "/tickets",
        data={"subject": "Bigger scan"},
        files={"attachments": (name, content("pdf", limit + 1), "application/pdf")},
    )
    assert r.status_code == 413, (
        f"a file of MAX_FILE_BYTES + 1 ({limit + 1}) bytes got {r.status_code}; expected 413. "
        "Count the bytes as you read and stop once the total passes MAX_FILE_BYTES."
    )
    assert r.json() == {"detail": f"File too large: {name}"}, (
        f"the 413 body was {r.text}; expected {{'detail': 'File too large: {name}'}}"
    )
    assert await tickets(client) == before, "a rejected upload must not create a ticket"


async def test_an_oversized_file_is_not_read_into_memory(client, limit, reads):
    huge = content("png", 3 * 1024 * 1024)
    r = await client.post(
        "/tickets",
        data={"subject": "Wallpaper"},
        files={"attachments": ("wall.png", huge, "image/png")},
    )
    assert r.status_code == 413, f"a 3 MiB file (limit {limit}) got {r.status_code}; expected 413"
    allowed = limit + 1024 * 1024
    assert sum(reads) <= allowed, (
        f"to reject a 3 MiB file with MAX_FILE_BYTES={limit} the app read {sum(reads)} bytes of "
        f"it (in reads of {sorted(set(reads), reverse=True)[:3]}...): it loaded the whole file. "
        "Read in chunks (`await upload.read(64 * 1024)` in a loop) and raise 413 as soon as the "
        "total passes the limit; `await upload.read()` and `bytes = File()` read everything."
    )


async def test_a_bad_file_among_good_ones_creates_no_ticket(client, limit):
    before = await tickets(client)
    files = [
        ("attachments", ("ok.png", content("png", 2000), "image/png")),
        ("attachments", ("ok.txt", content("txt", 300), "text/plain")),
        ("attachments", ("too-big.pdf", content("pdf", limit + 5000), "application/pdf")),
    ]
    r = await client.post("/tickets", data={"subject": "Three files"}, files=files)
    assert r.status_code == 413, f"the third file is over the limit, yet got {brief(r)}"
    after = await tickets(client)
    assert after == before, (
        f"after the 413, GET /tickets lists {len(after)} tickets, before it {len(before)}: check "
        "every attachment before storing the ticket, so a rejected upload leaves nothing behind."
    )


# --- content types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("setup.exe", "application/x-msdownload"),
        ("cat.gif", "image/gif"),
        ("page.html", "text/html"),
    ],
)
async def test_an_unsupported_type_is_415(client, limit, name, content_type):
    r = await client.post(
        "/tickets",
        data={"subject": "Odd file"},
        files={"attachments": (name, content("exe", 500), content_type)},
    )
    assert r.status_code == 415 and r.json() == {
        "detail": f"Unsupported file type: {content_type}"
    }, (
        f"an attachment declared {content_type} should get 415 "
        f"{{'detail': 'Unsupported file type: {content_type}'}} (allowed: image/png, image/jpeg, "
        f"application/pdf, text/plain, read from upload.content_type); got {brief(r)}"
    )


@pytest.mark.parametrize(
    ("ext", "content_type"),
    [("pdf", "application/pdf"), ("png", "image/png"), ("jpg", "image/jpeg")],
)
async def test_content_that_does_not_match_its_declared_type_is_415(
    client, limit, ext, content_type
):
    # A program renamed to invoice.pdf: the client's Content-Type is only a claim.
    name = fname("invoice", ext)
    before = await tickets(client)
    r = await client.post(
        "/tickets",
        data={"subject": "Totally an invoice"},
        files={"attachments": (name, content("exe", 4000), content_type)},
    )
    expected = {"detail": f"Content of {name} is not {content_type}"}
    assert r.status_code == 415 and r.json() == expected, (
        f"an .exe uploaded as {name} ({content_type}) should get 415 {expected}: check that the "
        f"file starts with the signature of its declared type. Got {brief(r)}"
    )
    assert await tickets(client) == before, "a rejected upload must not create a ticket"
