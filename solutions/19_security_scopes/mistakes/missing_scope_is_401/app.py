"""Answers 401 instead of 403 when a valid token lacks a scope."""

from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Depends, FastAPI, HTTPException, Security, status
from fastapi.security import OAuth2PasswordBearer, OAuth2PasswordRequestForm, SecurityScopes
from pwdlib import PasswordHash
from pydantic import BaseModel

app = FastAPI(title="Issue tracker")

SECRET_KEY = "5f2d8a1c7e3b9f604d1a8c2e7b5f3d9a0c6e4b2d8f1a7c3e9b5d0f6a2c8e4b1d"
ALGORITHM = "HS256"
ACCESS_TOKEN_EXPIRE_MINUTES = 30

SCOPES: dict[str, str] = {
    "issues:read": "Read issues.",
    "issues:write": "Create issues.",
    "admin": "Administer the tracker (with issues:write: delete issues).",
}

# username -> argon2 hash and the scopes the user may be granted.
# Passwords: maya "kanban", theo "triage", vera "sprint".
USERS: dict[str, dict] = {
    "maya": {
        "username": "maya",
        "hashed_password": "$argon2id$v=19$m=65536,t=3,p=4$rIjeid/gfkeuk28NOUyAcQ$U/V09n0gtlN+SE8NPamjxNcsh7hxTbJFAf0jEF9nHj4",
        "scopes": ["issues:read", "issues:write"],
    },
    "theo": {
        "username": "theo",
        "hashed_password": "$argon2id$v=19$m=65536,t=3,p=4$2NWAKBgbhr6zfah+UIyHEg$KfknjXVoeGy4kRHCl60anMbaLDZ0/AxRWZYtTHFqAx0",
        "scopes": ["issues:read", "issues:write", "admin"],
    },
    "vera": {
        "username": "vera",
        "hashed_password": "$argon2id$v=19$m=65536,t=3,p=4$hLqKck6nMIHa6KrNgmf9GQ$atyLnSxlKCT95ugVG4Qp1tJZf/rkydVMvhU8B7BDRS8",
        "scopes": ["issues:read"],
    },
}

ISSUES: dict[int, dict] = {
    1: {"id": 1, "title": "Login page times out", "reporter": "maya"},
    2: {"id": 2, "title": "Export to CSV drops accents", "reporter": "vera"},
}

password_hash = PasswordHash.recommended()
# scopes= puts the scopes in the OpenAPI document (and in Swagger UI's Authorize dialog).
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes=SCOPES)


class IssueIn(BaseModel):
    title: str


def get_current_user(security_scopes: SecurityScopes, token: str = Depends(oauth2_scheme)) -> dict:
    """The user behind the token, once the token carries every scope this route requires."""
    challenge = "Bearer"
    if security_scopes.scopes:
        challenge = f'Bearer scope="{security_scopes.scope_str}"'
    credentials_error = HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Could not validate credentials",
        headers={"WWW-Authenticate": challenge},
    )
    try:
        payload = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
    except jwt.InvalidTokenError:
        raise credentials_error
    username = payload.get("sub")
    user = USERS.get(username) if isinstance(username, str) else None
    if user is None:
        raise credentials_error
    granted = payload.get("scopes", [])
    if not isinstance(granted, list):
        granted = []
    # Every required scope, not any: a route that needs two scopes needs both.
    for scope in security_scopes.scopes:
        if scope not in granted:
            raise HTTPException(
                status_code=status.HTTP_401_UNAUTHORIZED,
                detail=f"Missing scope: {scope}",
                headers={"WWW-Authenticate": challenge},
            )
    return {"username": username, "scopes": granted}


@app.post("/token")
def login(form_data: OAuth2PasswordRequestForm = Depends()):
    user = USERS.get(form_data.username)
    if user is None or not password_hash.verify(form_data.password, user["hashed_password"]):
        raise HTTPException(
            status_code=status.HTTP_401_UNAUTHORIZED,
            detail="Incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # The client asks; the server grants only what this user may have.
    granted = [scope for scope in form_data.scopes if scope in user["scopes"]]
    expire = datetime.now(UTC) + timedelta(minutes=ACCESS_TOKEN_EXPIRE_MINUTES)
    claims = {"sub": user["username"], "scopes": granted, "exp": expire}
    return {
        "access_token": jwt.encode(claims, SECRET_KEY, algorithm=ALGORITHM),
        "token_type": "bearer",
    }


@app.get("/users/me")
def read_me(current: dict = Security(get_current_user)):
    return current


@app.get("/issues")
def list_issues(current: dict = Security(get_current_user, scopes=["issues:read"])):
    return [ISSUES[issue_id] for issue_id in sorted(ISSUES)]


@app.post("/issues", status_code=status.HTTP_201_CREATED)
def create_issue(
    issue: IssueIn, current: dict = Security(get_current_user, scopes=["issues:write"])
):
    issue_id = max(ISSUES, default=0) + 1
    ISSUES[issue_id] = {"id": issue_id, "title": issue.title, "reporter": current["username"]}
    return ISSUES[issue_id]


@app.delete("/issues/{issue_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_issue(
    issue_id: int,
    current: dict = Security(get_current_user, scopes=["issues:write", "admin"]),
):
    if ISSUES.pop(issue_id, None) is None:
        raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Issue not found")
