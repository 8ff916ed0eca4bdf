"""The current user's activity, written by background tasks."""

from typing import Annotated

from database import Activity, User, get_session
from fastapi import APIRouter, Depends, Security
from security import get_current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

router = APIRouter(prefix="/activity", tags=["activity"])


@router.get("")
def list_activity(
    user: Annotated[User, Security(get_current_user, scopes=["tasks:read"])],
    session: Annotated[Session, Depends(get_session)],
):
    rows = session.scalars(
        select(Activity).where(Activity.user_id == user.id).order_by(Activity.id)
    ).all()
    return [{"task_id": row.task_id, "action": row.action} for row in rows]
