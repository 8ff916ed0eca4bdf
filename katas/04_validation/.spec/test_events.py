"""Specs for kata 04, part 2: POST /events. Nested models, lists of them, a cross-field date rule,
and a discriminated union of ticket kinds. Reached only through fixtures."""

import random
from datetime import date, timedelta


def valid_event(sessions=3):
    """A random event that breaks no rule, with one ticket of each kind."""
    starts = date(2026, 1, 1) + timedelta(days=random.randrange(365))
    return {
        "name": f"Python Meetup {random.randrange(100, 999)}",
        "starts_on": starts.isoformat(),
        "ends_on": (starts + timedelta(days=random.randint(1, 3))).isoformat(),
        "sessions": [
            {
                "title": f"Talk {i}",
                "speaker": random.choice(["Ada", "Grace", "Guido"]),
                "minutes": random.randint(5, 240),
            }
            for i in range(sessions)
        ],
        "tickets": [
            {"kind": "standard", "price": random.randint(1, 5000)},
            {"kind": "vip", "price": random.randint(5000, 20_000), "perks": ["dinner"]},
        ],
    }


# What produces each error type: the start of a fix for a learner whose request was accepted.
HOW = {
    "string_too_short": "Field(min_length=...) produces it.",
    "string_too_long": "Field(max_length=...) produces it.",
    "string_pattern_mismatch": "Field(pattern=...) produces it; anchor the pattern with ^ and $ "
    "because Pydantic searches for it anywhere in the value.",
    "greater_than": "Field(gt=...) produces it.",
    "greater_than_equal": "Field(ge=...) produces it.",
    "less_than_equal": "Field(le=...) produces it.",
    "too_short": "Field(min_length=...) on a list produces it.",
    "value_error": "A validator that raises ValueError produces it: a @field_validator for one "
    "field, a @model_validator(mode='after') (loc ['body']) for a rule about two fields.",
    "union_tag_invalid": "A union with Field(discriminator='kind') produces it.",
    "union_tag_not_found": "A union with Field(discriminator='kind') produces it.",
}


def errors_of(r):
    detail = r.json().get("detail")
    return detail if isinstance(detail, list) else []


def assert_error(r, sent, loc, type_, msg_contains=None):
    """`r` is a 422 whose errors include one at `loc`, with that type (and message text)."""
    assert r.status_code == 422, (
        f"POST /events with {sent} must be rejected with 422 and an error at {loc}"
        f"{' of type ' + repr(type_) if type_ else ''}. {HOW.get(type_, '')} "
        f"It returned {r.status_code} {r.text[:150]}"
    )
    found = [e for e in errors_of(r) if isinstance(e, dict) and e.get("loc") == loc]
    tickets_hint = (
        " Ticket errors land under the kind's value only with Field(discriminator='kind'); a "
        "plain union reports them under every class name."
        if "tickets" in loc
        else ""
    )
    assert found, (
        f"POST /events with {sent} returned 422, but its errors are at "
        f"{[e.get('loc') for e in errors_of(r) if isinstance(e, dict)]}; expected one at {loc} "
        f"(type {type_!r}).{tickets_hint}"
    )
    error = found[0]
    assert error.get("type") == type_, (
        f"POST /events with {sent}: the error at {loc} has type {error.get('type')!r} "
        f"({error.get('msg')!r}); the README expects {type_!r}"
    )
    if msg_contains is not None:
        assert msg_contains in str(error.get("msg", "")), (
            f"POST /events with {sent}: the error at {loc} says {error.get('msg')!r}; it should "
            f"contain {msg_contains!r}"
        )


async def test_valid_event_is_echoed_with_its_total_minutes(client):
    body = valid_event(sessions=random.randint(1, 4))
    r = await client.post("/events", json=body)
    assert r.status_code == 201, f"POST /events with {body} returned {r.status_code} {r.text[:400]}"
    want = {**body, "total_minutes": sum(s["minutes"] for s in body["sessions"])}
    assert r.json() == want, f"POST /events returned {r.json()}; expected {want}"


async def test_one_day_event_is_allowed(client):
    body = valid_event()
    body["ends_on"] = body["starts_on"]
    r = await client.post("/events", json=body)
    assert r.status_code == 201, (
        f"POST /events with starts_on == ends_on ({body['starts_on']}) returned {r.status_code} "
        f"{r.text[:300]}; a one-day event is allowed: only an end *before* the start is an error"
    )


async def test_tickets_may_be_left_out(client):
    body = valid_event()
    del body["tickets"]
    r = await client.post("/events", json=body)
    assert r.status_code == 201 and r.json().get("tickets") == [], (
        f"POST /events without tickets returned {r.status_code} {r.text[:300]}; expected 201 "
        'with "tickets": [] (tickets default to an empty list)'
    )


async def test_end_before_start_is_a_model_level_error(client):
    body = valid_event()
    body["starts_on"], body["ends_on"] = body["ends_on"], body["starts_on"]
    r = await client.post("/events", json=body)
    # Neither date is wrong on its own: the rule is about the pair, so it belongs to the model
    # and its error has the loc of the whole body.
    assert_error(
        r, f"starts_on {body['starts_on']} and ends_on {body['ends_on']}", ["body"],
        "value_error", "ends_on",
    )  # fmt: skip


async def test_impossible_date(client):
    body = {**valid_event(), "starts_on": "2026-02-30"}
    r = await client.post("/events", json=body)
    assert_error(r, "starts_on 2026-02-30", ["body", "starts_on"], "date_from_datetime_parsing")


async def test_name_length(client):
    for name, type_ in (("Py", "string_too_short"), ("P" * 81, "string_too_long")):
        r = await client.post("/events", json={**valid_event(), "name": name})
        assert_error(r, f"a {len(name)}-character name", ["body", "name"], type_)


async def test_an_event_needs_at_least_one_session(client):
    r = await client.post("/events", json={**valid_event(), "sessions": []})
    assert_error(r, "sessions []", ["body", "sessions"], "too_short")


BAD_SESSIONS = [
    ({"minutes": 0}, "minutes", "greater_than"),
    ({"minutes": 241}, "minutes", "less_than_equal"),
    ({"title": ""}, "title", "string_too_short"),
    ({"speaker": None}, "speaker", "string_type"),
]


async def test_a_bad_session_is_located_by_its_index(client):
    for change, field, type_ in BAD_SESSIONS:
        body = valid_event(sessions=4)
        index = random.randrange(4)
        body["sessions"][index].update(change)
        r = await client.post("/events", json=body)
        # Errors inside a list of models carry the item's index in their loc.
        assert_error(
            r,
            f"sessions[{index}] = {body['sessions'][index]}",
            ["body", "sessions", index, field],
            type_,
        )


def event_with_ticket(ticket):
    """A valid event whose tickets list holds `ticket` at a random index; returns (body, index)."""
    body = valid_event()
    index = random.randrange(len(body["tickets"]) + 1)
    body["tickets"].insert(index, ticket)
    return body, index


async def test_unknown_ticket_kind_is_rejected_by_the_discriminator(client):
    body, i = event_with_ticket({"kind": "student", "price": 500})
    r = await client.post("/events", json=body)
    assert_error(
        r, f"tickets[{i}] = {{'kind': 'student', ...}}", ["body", "tickets", i], "union_tag_invalid"
    )


async def test_ticket_without_a_kind_is_rejected_by_the_discriminator(client):
    body, i = event_with_ticket({"price": 500})
    r = await client.post("/events", json=body)
    assert_error(r, f"tickets[{i}] without 'kind'", ["body", "tickets", i], "union_tag_not_found")


BAD_TICKETS = [
    ({"kind": "vip", "price": 9000}, "perks", "missing"),
    ({"kind": "vip", "price": 9000, "perks": []}, "perks", "too_short"),
    ({"kind": "vip", "price": 0, "perks": ["dinner"]}, "price", "greater_than_equal"),
    ({"kind": "standard", "price": 0}, "price", "greater_than_equal"),
    ({"kind": "standard"}, "price", "missing"),
]


async def test_ticket_errors_are_reported_under_the_kind_that_was_chosen(client):
    for ticket, field, type_ in BAD_TICKETS:
        body, i = event_with_ticket(ticket)
        r = await client.post("/events", json=body)
        # With a discriminated union the loc names the chosen kind: [..., i, "vip", "perks"]. A
        # plain union tries every model and reports errors under each class name instead.
        assert_error(
            r, f"tickets[{i}] = {ticket}", ["body", "tickets", i, ticket["kind"], field], type_
        )
