"""Kata 11: your tests for app.py. Edit this file until `python -m checker check 11` passes.

The README next to this file says what your tests must pin down. app.py is correct: leave it.
"""

from app import PaymentDeclined, app, get_payment_gateway
from fastapi.testclient import TestClient

client = TestClient(app)


def test_read_a_book():
    r = client.get("/books/9780131103627")
    assert r.status_code == 200
