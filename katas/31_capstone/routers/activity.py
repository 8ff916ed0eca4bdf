"""The current user's activity. TODO: the router, the route, and who writes the rows."""

from typing import Annotated

from database import Activity, User, get_session
from fastapi import APIRouter, Depends, Security
from security import get_current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

router = APIRouter()
