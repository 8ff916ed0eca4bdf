"""The 401s for bad tokens and bad logins carry no WWW-Authenticate: Bearer header."""

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

password_hash = PasswordHash.recommended()  # argon2id
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")

# Verified when the username is unknown, so that a wrong username costs as long as a wrong password.
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$BIrYdIYgwQEiWloxXDE/eg$vqjNPY7dy4pSe9CHzYPowWGgslCnWtyKXVp+yFtXmW8"


def authenticate(username: str, password: str) -> dict | None:
    user = USERS.get(username)
    if user is None:
        password_hash.verify(password, DUMMY_HASH)
        return None
    if not password_hash.verify(password, user["hashed_password"]):
        return None
    return user


def create_access_token(username: str) -> str:
    expire = datetime.now(UTC) + timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES)
    return jwt.encode({"sub": username, "exp": expire}, SECRET_KEY, algorithm=ALGORITHM)


def get_current_user(token: str = Depends(oauth2_scheme)) -> dict:
    credentials_error = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
    )
    try:
        # algorithms= is a list of what we accept: never take the algorithm from the token.
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:  # bad signature, expired, malformed: all the same to a client
        raise credentials_error
    username = payload.get("sub")
    user = USERS.get(username) if isinstance(username, str) else None
    if user is None:
        raise credentials_error
    return user


@app.post("/token")
def login(form_data: OAuth2PasswordRequestForm = Depends()):
    user = authenticate(form_data.username, form_data.password)
    if user is None:
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password",
        )
    return {"access_token": create_access_token(user["username"]), "token_type": "bearer"}


@app.get("/users/me")
def read_me(user: dict = Depends(get_current_user)):
    return {"username": user["username"], "full_name": user["full_name"], "email": user["email"]}
