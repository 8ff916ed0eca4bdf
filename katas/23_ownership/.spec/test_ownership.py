"""Specs for kata 23: users see and change only their own expenses; admins see all of them.

They reach the app only through fixtures. Each test writes random users, tokens and expenses into
the module, so the owner of every record is known only at run time.
"""

import secrets

import pytest

rng = secrets.SystemRandom()


class Person:
    def __init__(self, role: str) -> None:
        self.username = f"{role}{secrets.randbelow(10**6)}"
        self.role = role
        self.token = f"tok-{secrets.token_hex(12)}"
        self.bank_account = f"GB{secrets.randbelow(100):02d}BANK{secrets.randbelow(10**14):014d}"

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}


class Office:
    def __init__(self, module, alice: Person, bob: Person, admin: Person) -> None:
        self.module = module
        self.alice, self.bob, self.admin = alice, bob, admin

    def ids_of(self, person: Person) -> list[int]:
        return sorted(i for i, e in self.module.EXPENSES.items() if e["owner"] == person.username)

    def one_of(self, person: Person) -> dict:
        return dict(self.module.EXPENSES[rng.choice(self.ids_of(person))])


@pytest.fixture
def office(kata_module):
    """Two members and an admin, each owning a few expenses with random ids."""
    alice, bob, admin = Person("member"), Person("member"), Person("admin")
    kata_module.USERS.clear()
    kata_module.TOKENS.clear()
    for person in (alice, bob, admin):
        kata_module.USERS[person.username] = {"username": person.username, "role": person.role}
        kata_module.TOKENS[person.token] = person.username
    ids = rng.sample(range(100, 100_000), 9)
    owners = [alice, bob, admin] * 3
    rng.shuffle(owners)
    kata_module.EXPENSES.clear()
    for expense_id, owner in zip(ids, owners, strict=True):
        kata_module.EXPENSES[expense_id] = {
            "id": expense_id,
            "owner": owner.username,
            "description": f"Taxi {secrets.token_hex(3)}",
            "amount": rng.randrange(100, 50_000) / 100,
            "bank_account": owner.bank_account,
        }
    return Office(kata_module, alice, bob, admin)


def owner_view(expense: dict) -> dict:
    return {k: expense[k] for k in ("id", "owner", "description", "amount", "bank_account")}


def assert_public_view(item: dict, expense: dict, r_text: str, what: str) -> None:
    """What a non-owner may see: everything but the bank account (absent or null)."""
    assert item.get("bank_account") is None and expense["bank_account"] not in r_text, (
        f"{what} showed the bank account {expense['bank_account']!r} of {expense['owner']}'s "
        "expense to someone else. Only the owner may see bank_account: leave it out (or null)."
    )
    public = {k: expense[k] for k in ("id", "owner", "description", "amount")}
    assert {k: v for k, v in item.items() if k != "bank_account"} == public, (
        f"{what} showed {item}; expected {public} (and no bank account)"
    )


# --- reading ------------------------------------------------------------------------------------


async def test_a_member_lists_only_their_own_expenses(client, office):
    r = await client.get("/expenses", headers=office.alice.auth)
    assert r.status_code == 200, f"GET /expenses as a member returned {r.status_code} {r.text}"
    expected = [owner_view(office.module.EXPENSES[i]) for i in office.ids_of(office.alice)]
    got_ids = [item.get("id") for item in r.json()]
    assert got_ids == [e["id"] for e in expected], (
        f"GET /expenses as {office.alice.username} (a member) listed ids {got_ids}; expected only "
        f"their own, sorted by id: {[e['id'] for e in expected]}. Filter the list by owner: a "
        "list endpoint leaks other people's records just as well as a detail endpoint."
    )
    assert r.json() == expected, (
        f"GET /expenses as the owner returned {r.json()}; expected {expected} (with bank_account)"
    )


async def test_an_admin_lists_everyones_expenses_without_their_bank_accounts(client, office):
    r = await client.get("/expenses", headers=office.admin.auth)
    assert r.status_code == 200, f"GET /expenses as an admin returned {r.status_code} {r.text}"
    items = r.json()
    all_ids = sorted(office.module.EXPENSES)
    assert [item.get("id") for item in items] == all_ids, (
        f"GET /expenses as an admin listed ids {[item.get('id') for item in items]}; expected "
        f"every expense, sorted by id: {all_ids}"
    )
    for item in items:
        expense = office.module.EXPENSES[item["id"]]
        if expense["owner"] == office.admin.username:
            assert item == owner_view(expense), (
                f"GET /expenses showed the admin's own expense as {item}; expected "
                f"{owner_view(expense)}, bank account included"
            )
        else:
            assert_public_view(item, expense, r.text, "GET /expenses as an admin")


async def test_the_owner_reads_their_expense_with_its_bank_account(client, office):
    expense = office.one_of(office.bob)
    r = await client.get(f"/expenses/{expense['id']}", headers=office.bob.auth)
    assert r.status_code == 200 and r.json() == owner_view(expense), (
        f"GET /expenses/{expense['id']} by its owner returned {r.status_code} {r.text}; "
        f"expected 200 {owner_view(expense)}"
    )


async def test_another_members_expense_is_404_exactly_like_a_missing_one(client, office):
    theirs = office.one_of(office.bob)
    missing = max(office.module.EXPENSES) + 1 + secrets.randbelow(1000)
    r_theirs = await client.get(f"/expenses/{theirs['id']}", headers=office.alice.auth)
    r_missing = await client.get(f"/expenses/{missing}", headers=office.alice.auth)
    assert r_missing.status_code == 404 and r_missing.json() == {"detail": "Expense not found"}, (
        f"GET /expenses/{missing} (no such expense) returned {r_missing.status_code} "
        f"{r_missing.text}; expected 404 {{'detail': 'Expense not found'}}"
    )
    assert r_theirs.status_code == 404 and r_theirs.json() == {"detail": "Expense not found"}, (
        f"GET /expenses/{theirs['id']} (someone else's) by a member returned "
        f"{r_theirs.status_code} {r_theirs.text}; expected the same 404 "
        "{'detail': 'Expense not found'} as for a missing id. A 403 tells a stranger the record "
        "exists, and a 200 hands it over."
    )


async def test_an_admin_reads_anyones_expense_without_the_bank_account(client, office):
    expense = office.one_of(office.alice)
    r = await client.get(f"/expenses/{expense['id']}", headers=office.admin.auth)
    assert r.status_code == 200, (
        f"GET /expenses/{expense['id']} (a member's) by an admin returned {r.status_code} "
        f"{r.text}; expected 200: admins see every expense"
    )
    assert_public_view(r.json(), expense, r.text, f"GET /expenses/{expense['id']} as an admin")


# --- changing -------------------------------------------------------------------------------------


async def test_the_owner_changes_their_expense(client, office):
    expense = office.one_of(office.alice)
    amount = rng.randrange(100, 9_999) / 100
    r = await client.patch(
        f"/expenses/{expense['id']}", headers=office.alice.auth, json={"amount": amount}
    )
    assert r.status_code == 200, (
        f"PATCH /expenses/{expense['id']} by its owner returned {r.status_code} {r.text}"
    )
    expected = {**owner_view(expense), "amount": amount}
    assert r.json() == expected, f"PATCH returned {r.json()}; expected {expected}"
    stored = office.module.EXPENSES[expense["id"]]
    assert stored["amount"] == amount and stored["description"] == expense["description"], (
        f"after PATCH {{'amount': {amount}}} EXPENSES holds {stored}: change the amount in "
        "EXPENSES and leave fields that were not sent alone"
    )


async def test_another_member_cannot_change_an_expense_and_gets_404(client, office):
    expense = office.one_of(office.bob)
    r = await client.patch(
        f"/expenses/{expense['id']}", headers=office.alice.auth, json={"amount": 1.0}
    )
    assert r.status_code == 404 and r.json() == {"detail": "Expense not found"}, (
        f"PATCH /expenses/{expense['id']} (someone else's) by a member returned {r.status_code} "
        f"{r.text}; expected 404 {{'detail': 'Expense not found'}}: what you cannot see, you "
        "cannot change, and its existence is not confirmed."
    )
    assert office.module.EXPENSES[expense["id"]] == expense, (
        "a member's PATCH of someone else's expense was refused, but EXPENSES changed anyway: "
        "check ownership before changing anything"
    )


async def test_an_admin_cannot_change_someone_elses_expense_and_gets_403(client, office):
    expense = office.one_of(office.bob)
    r = await client.patch(
        f"/expenses/{expense['id']}", headers=office.admin.auth, json={"amount": 1.0}
    )
    assert r.status_code == 403, (
        f"PATCH /expenses/{expense['id']} (a member's) by an admin returned {r.status_code} "
        f"{r.text}; expected 403. The admin can see it (so 404 would be a lie) but only the "
        "owner may change it."
    )
    assert r.json() == {"detail": "Only the owner can change this expense"}, (
        f"the admin's PATCH returned 403 {r.json()}; expected "
        "{'detail': 'Only the owner can change this expense'}"
    )
    assert office.module.EXPENSES[expense["id"]] == expense, (
        "the admin's refused PATCH changed EXPENSES"
    )


async def test_a_patch_cannot_hand_the_expense_to_someone_else(client, office):
    # Mass assignment: copying the whole body into the record lets a client rewrite `owner`.
    expense = office.one_of(office.alice)
    body = {"description": "Hotel", "owner": office.bob.username, "id": expense["id"] + 1}
    r = await client.patch(f"/expenses/{expense['id']}", headers=office.alice.auth, json=body)
    assert r.status_code == 200, (
        f"PATCH /expenses/{expense['id']} by its owner returned {r.status_code} {r.text}"
    )
    stored = office.module.EXPENSES[expense["id"]]
    assert stored["owner"] == office.alice.username and stored["id"] == expense["id"], (
        f"PATCH with {body} turned the stored expense into {stored}: `owner` and `id` must not be "
        "changeable. Accept a model with only description, amount and bank_account."
    )
    assert stored["description"] == "Hotel", (
        f"PATCH {body} did not change the description: {stored}"
    )


# --- creating ---------------------------------------------------------------------------------------


async def test_a_new_expense_belongs_to_the_caller_whatever_the_body_says(client, office):
    body = {
        "description": f"Parking {secrets.token_hex(2)}",
        "amount": 7.5,
        "bank_account": office.bob.bank_account,
        "owner": office.alice.username,  # bob tries to file it in alice's name
    }
    r = await client.post("/expenses", headers=office.bob.auth, json=body)
    assert r.status_code == 201, f"POST /expenses returned {r.status_code} {r.text}"
    created = r.json()
    assert created.get("owner") == office.bob.username, (
        f"POST /expenses by {office.bob.username} with owner={office.alice.username!r} in the body "
        f"created {created}; the owner is always the caller, never taken from the body"
    )
    stored = office.module.EXPENSES.get(created.get("id"))
    assert stored and stored["owner"] == office.bob.username and stored["amount"] == 7.5, (
        f"POST /expenses returned {created} but EXPENSES holds {stored}: store it under its id"
    )
    assert created == owner_view(stored), (
        f"POST /expenses returned {created}; expected {owner_view(stored)}"
    )


# --- authentication ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer tok-not-issued"}], ids=["none", "unknown"]
)
async def test_no_valid_token_is_401(client, office, headers):
    r = await client.get("/expenses", headers=headers)
    assert r.status_code == 401, (
        f"GET /expenses with {headers or 'no Authorization header'} returned {r.status_code}; "
        "expected 401: the caller is not identified."
    )
