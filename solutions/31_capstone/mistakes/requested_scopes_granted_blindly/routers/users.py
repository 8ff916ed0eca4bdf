"""Puts every scope the client asks for into the token, including ones the API never offered."""

from typing import Annotated

from database import User, get_session
from fastapi import APIRouter, Depends, HTTPException, Security, status
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field
from security import SCOPES, create_access_token, get_current_user, password_hash
from settings import Settings, get_settings
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

router = APIRouter(tags=["users"])


class SignUp(BaseModel):
    username: str = Field(min_length=3, max_length=50, pattern=r"^[a-z0-9_]+$")
    password: str = Field(min_length=8, max_length=200)


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


@router.post("/users", response_model=UserOut, status_code=status.HTTP_201_CREATED)
def sign_up(payload: SignUp, session: Annotated[Session, Depends(get_session)]):
    user = User(username=payload.username, password_hash=password_hash.hash(payload.password))
    session.add(user)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise HTTPException(status.HTTP_409_CONFLICT, "Username already taken")
    return user


@router.post("/token", response_model=Token)
def log_in(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
):
    user = session.scalar(select(User).where(User.username == form.username))
    if user is None or not password_hash.verify(form.password, user.password_hash):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "Incorrect username or password",
            headers={"WWW-Authenticate": "Bearer"},
        )
    scopes = form.scopes
    return Token(access_token=create_access_token(user, scopes, settings))


@router.get("/users/me", response_model=UserOut)
def read_me(user: Annotated[User, Security(get_current_user)]):
    return user
