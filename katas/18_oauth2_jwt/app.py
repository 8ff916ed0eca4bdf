"""Kata 18: OAuth2 password flow with JWT. Edit this file until `python -m checker check 18` passes.

The README next to this file is the contract. The specs set SECRET_KEY, ACCESS_TOKEN_EXPIRE_MINUTES
and USERS before each test, so read them inside your functions, at request time.
"""

from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Depends, FastAPI, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm
from pwdlib import PasswordHash

app = FastAPI(title="Bookshop staff accounts")

# In production this comes from the environment (kata 24), never from the source code.
SECRET_KEY = "9c1f0b7e4d2a68c35e8f1a0d7b6c4e2f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d"
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 30

# username -> profile and argon2 hash. Alice's password is "wonderland", Bob's is "hunter2".
USERS: dict[str, dict] = {
    "alice": {
        "username": "alice",
        "full_name": "Alice Liddell",
        "email": "alice@bookshop.example",
        "hashed_password": "$argon2id$v=19$m=65536,t=3,p=4$C+dmHXbuG7l77O28hwqVqQ$aJlNy9piF8cQNxVjVnMcfxEhEECB0bvWwZqhyGXim6w",
    },
    "bob": {
        "username": "bob",
        "full_name": "Bob Cratchit",
        "email": "bob@bookshop.example",
        "hashed_password": "$argon2id$v=19$m=65536,t=3,p=4$O8jv1P7dZ9kDhPGOnCZWCQ$HdNjEMm/XOdxWZAep6bwD/kRSSrxpJCeSJZ3FoFMOCY",
    },
}

password_hash = PasswordHash.recommended()  # argon2id: .hash(password), .verify(password, hash)
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


# TODO: this is a prototype. It compares the password with the stored hash as text, hands out the
# username as the "token", trusts whatever token it is given, and returns the hash to the client.
@app.post("/token")
def login(form_data: OAuth2PasswordRequestForm = Depends()):
    user = USERS.get(form_data.username)
    if user is None or form_data.password != user["hashed_password"]:
        raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST, detail="Bad login")
    return {"access_token": user["username"], "token_type": "bearer"}


@app.get("/users/me")
def read_me(token: str = Depends(oauth2_scheme)):
    user = USERS.get(token)
    if user is None:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="Bad token")
    return user
