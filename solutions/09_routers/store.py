"""The bookshop's data, shared by every router. Do not change this file.

app.py re-exports BOOKS and AUTHORS (`from store import AUTHORS, BOOKS`): the specs replace their
contents through it, so read them at request time and never copy them at import.
"""

BOOKS: list[dict] = [
    {"id": 1, "title": "The Left Hand of Darkness", "author_id": 1, "year": 1969},
    {"id": 2, "title": "A Wizard of Earthsea", "author_id": 1, "year": 1968},
    {"id": 3, "title": "Kindred", "author_id": 2, "year": 1979},
    {"id": 4, "title": "Parable of the Sower", "author_id": 2, "year": 1993},
]
AUTHORS: list[dict] = [
    {"id": 1, "name": "Ursula K. Le Guin", "email": "ursula@example.org"},
    {"id": 2, "name": "Octavia E. Butler", "email": "octavia@example.org"},
]
# Partners (other shops) send this in the X-Partner-Key header to read authors' contact details.
PARTNER_KEY = "partner-secret"
