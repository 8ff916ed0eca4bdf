"""Signs tokens with a constant SECRET_KEY instead of the configured TASKS_SECRET_KEY."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

import jwt
from database import User, get_session
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer, SecurityScopes
from pwdlib import PasswordHash
from settings import Settings, get_settings
from sqlalchemy.orm import Session

ALGORITHM = "HS256"
SECRET_KEY = "change-me-in-production-please-0123456789"
SCOPES = {"tasks:read": "Read your tasks", "tasks:write": "Create and delete your tasks"}

password_hash = PasswordHash.recommended()
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token", scopes=SCOPES)


def create_access_token(user: User, scopes: list[str], settings: Settings) -> str:
    expires = datetime.now(UTC) + timedelta(minutes=settings.access_token_minutes)
    claims = {"sub": str(user.id), "scopes": scopes, "exp": expires}
    return jwt.encode(claims, SECRET_KEY, algorithm=ALGORITHM)


def get_current_user(
    security_scopes: SecurityScopes,
    token: Annotated[str, Depends(oauth2_scheme)],
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> User:
    challenge = (
        f'Bearer scope="{security_scopes.scope_str}"' if security_scopes.scopes else "Bearer"
    )
    unauthorized = HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "Could not validate credentials",
        headers={"WWW-Authenticate": challenge},
    )
    try:
        claims = jwt.decode(token, SECRET_KEY, algorithms=[ALGORITHM])
        user_id = int(claims["sub"])
    except (jwt.InvalidTokenError, KeyError, ValueError):
        raise unauthorized
    user = session.get(User, user_id)
    if user is None:
        raise unauthorized
    granted = claims.get("scopes", [])
    if any(scope not in granted for scope in security_scopes.scopes):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "Not enough permissions",
            headers={"WWW-Authenticate": challenge},
        )
    return user
