"""Task routes depend on get_current_user without scopes: a read-only token can create and delete."""

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

router = APIRouter(prefix="/tasks", tags=["tasks"])

Reader = Annotated[User, Depends(get_current_user)]
Writer = Annotated[User, Depends(get_current_user)]
SessionDep = Annotated[Session, Depends(get_session)]


class TaskIn(BaseModel):
    title: str = Field(min_length=1, max_length=200)


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    done: bool
    owner_id: int


def record_activity(engine: Engine, user_id: int, task_id: int, action: str) -> None:
    """Runs after the response is sent, with its own session (the request's is not for it)."""
    with Session(engine) as session:
        session.add(Activity(user_id=user_id, task_id=task_id, action=action))
        session.commit()


def owned_task(session: Session, user: User, task_id: int) -> Task:
    task = session.get(Task, task_id)
    # Someone else's task is "not found", not "forbidden": do not confirm that it exists.
    if task is None or task.owner_id != user.id:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Task not found")
    return task


@router.post("", response_model=TaskOut, status_code=status.HTTP_201_CREATED)
def create_task(
    payload: TaskIn,
    user: Writer,
    session: SessionDep,
    request: Request,
    background: BackgroundTasks,
):
    task = Task(title=payload.title, owner_id=user.id)
    session.add(task)
    session.commit()
    background.add_task(record_activity, request.app.state.engine, user.id, task.id, "created")
    return task


@router.get("", response_model=list[TaskOut])
def list_tasks(user: Reader, session: SessionDep):
    return session.scalars(select(Task).where(Task.owner_id == user.id).order_by(Task.id)).all()


@router.get("/{task_id}", response_model=TaskOut)
def read_task(task_id: int, user: Reader, session: SessionDep):
    return owned_task(session, user, task_id)


@router.delete("/{task_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_task(
    task_id: int, user: Writer, session: SessionDep, request: Request, background: BackgroundTasks
):
    task = owned_task(session, user, task_id)
    session.delete(task)
    session.commit()
    background.add_task(record_activity, request.app.state.engine, user.id, task_id, "deleted")
    return Response(status_code=status.HTTP_204_NO_CONTENT)
