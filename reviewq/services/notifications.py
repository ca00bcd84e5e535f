"""In-app notifications, with email or a chat webhook as extra channels when configured."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from ..domain.authority import Role
from ..models import Notification, User
from . import paging, pending

NOTIFICATIONS = cast(sa.Table, Notification.__table__)
_INSERT = sa.insert(NOTIFICATIONS).returning(NOTIFICATIONS.c.id, sort_by_parameter_order=True)


class Page(NamedTuple):
    """One thing to tell ``user_ids`` (each once), with a link they may open."""

    user_ids: Sequence[int]
    text: str
    link: str


def active_in(session: Session, roles: Iterable[Role]) -> Sequence[User]:
    """Every active person in ``roles``."""
    return session.scalars(
        sa.select(User).where(User.role.in_(list(roles)), User.active.is_(True)).order_by(User.id)
    ).all()


def notify(
    session: Session, user_ids: Iterable[int], text: str, link: str, now: datetime
) -> list[Notification]:
    """Tell each of ``user_ids`` (once each); external channels are sent after commit.

    Args:
        session: the caller's session.
        user_ids: who is told; the caller chose only people who may open ``link``.
        text: what they read.
        link: a path in the app ("" for none).
        now: when.
    """
    made = [
        Notification(user_id=uid, text=text, link=link, created_at=now)
        for uid in dict.fromkeys(user_ids)
    ]
    session.add_all(made)
    session.flush()
    if made:
        pending.run_after_commit(session, pending.notify_external([n.id for n in made]))
    return made


def notify_many(session: Session, pages: Sequence[Page], now: datetime) -> list[list[int]]:
    """``notify`` for each of ``pages``, in one insert: a page's notifications go out on the
    external channels together, after commit, as one message per page (a chat channel
    posts one).

    Returns:
        The new notifications' ids, for each page.
    """
    rows: list[dict[str, Any]] = []
    counts = []
    for page in pages:
        told = list(dict.fromkeys(page.user_ids))
        rows += [
            {"user_id": user_id, "text": page.text, "link": page.link, "created_at": now}
            for user_id in told
        ]
        counts.append(len(told))
    ids = list(session.execute(_INSERT, rows).scalars()) if rows else []
    made, start = [], 0
    for count in counts:
        made.append(ids[start : start + count])
        start += count
        if count:
            pending.run_after_commit(session, pending.notify_external(made[-1]))
    return made


def mark_done(session: Session, user_ids: Iterable[int], link: str, now: datetime) -> int:
    """Mark the unread notifications of ``user_ids`` linking to ``link`` read (what they
    were about is settled); returns how many. Reads the unread-per-person index only."""
    ids = list(user_ids)
    if not ids:
        return 0
    result = session.execute(
        sa.update(Notification)
        .where(
            Notification.user_id.in_(ids), Notification.read_at.is_(None), Notification.link == link
        )
        .values(read_at=now),
        execution_options={"synchronize_session": False},
    )
    return cast(CursorResult[Any], result).rowcount or 0


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
