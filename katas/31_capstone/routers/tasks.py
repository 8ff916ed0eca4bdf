"""Tasks. TODO: scopes, ownership, and recording activity in the background."""

from typing import Annotated

from database import Activity, Task, User, get_session
from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    HTTPException,
    Request,
    Response,
    Security,
    status,
)
from pydantic import BaseModel, ConfigDict, Field
from security import get_current_user
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

router = APIRouter(prefix="/tasks")

CurrentUser = Annotated[User, Depends(get_current_user)]
SessionDep = Annotated[Session, Depends(get_session)]


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    done: bool
    owner_id: int


@router.post("", response_model=TaskOut, status_code=status.HTTP_201_CREATED)
def create_task(payload: TaskIn, user: CurrentUser, session: SessionDep):
    task = Task(title=payload.title, owner_id=user.id)
    session.add(task)
    session.commit()
    return task


@router.get("", response_model=list[TaskOut])
def list_tasks(user: CurrentUser, session: SessionDep):
    return session.scalars(select(Task).order_by(Task.id)).all()


@router.get("/{task_id}", response_model=TaskOut)
def read_task(task_id: int, user: CurrentUser, session: SessionDep):
    task = session.get(Task, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Task not found")
    return task


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(task_id: int, user: CurrentUser, session: SessionDep):
    task = session.get(Task, task_id)
    if task is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Task not found")
    session.delete(task)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
