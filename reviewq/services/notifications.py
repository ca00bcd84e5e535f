"""In-app notifications, with email or a chat webhook as extra channels when configured."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from ..domain.authority import Role
from ..models import Notification, User
from . import paging, pending


def notify_roles(
    session: Session, roles: Iterable[Role], text: str, link: str, now: datetime
) -> list[Notification]:
    """Tell every active person in ``roles``; external channels are sent after commit."""
    people = session.scalars(
        sa.select(User).where(User.role.in_(list(roles)), User.active.is_(True))
    ).all()
    made = [Notification(user_id=p.id, text=text, link=link, created_at=now) for p in people]
    session.add_all(made)
    session.flush()
    if made:
        pending.run_after_commit(session, pending.notify_external([n.id for n in made]))
    return made


def unread_count(session: Session, user_id: int) -> int:
    """How many notifications ``user_id`` has not read."""
    return (
        session.scalar(
            sa.select(sa.func.count()).where(
                Notification.user_id == user_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def recent(session: Session, user_id: int, number: int = 1) -> paging.Page[Notification]:
    """Page ``number`` of the notifications of ``user_id``, newest first.

    Raises:
        ValueError: ``number`` is not a page number (``paging.fetch``).
    """
    return paging.fetch(
        session,
        sa.select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.created_at.desc(), Notification.id.desc()),
        number,
    )


def mark_all_read(session: Session, user_id: int, now: datetime) -> int:
    """Mark every unread notification of ``user_id`` read; returns how many."""
    result = session.execute(
        sa.update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
    )
    return cast(CursorResult[Any], result).rowcount or 0
