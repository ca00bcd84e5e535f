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
    """One thing to tell every active person in ``roles``."""

    roles: Iterable[Role]
    text: str
    link: str


def notify_roles(
    session: Session, roles: Iterable[Role], text: str, link: str, now: datetime
) -> list[int]:
    """Tell every active person in ``roles``; external channels are sent after commit.

    Returns:
        The new notifications' ids.
    """
    return notify_many(session, [Page(roles, text, link)], now)[0]


def notify_many(session: Session, pages: Sequence[Page], now: datetime) -> list[list[int]]:
    """``notify_roles`` for each of ``pages``, with one query for the people and one insert:
    a page's notifications go out on the external channels together, after commit, as one
    message per page (a chat channel posts one).

    Returns:
        The new notifications' ids, for each page.
    """
    wanted = {Role(role) for page in pages for role in page.roles}
    people = session.execute(
        sa.select(User.id, User.role)
        .where(User.role.in_(sorted(wanted)), User.active.is_(True))
        .order_by(User.id)
    ).all()
    rows: list[dict[str, Any]] = []
    counts = []
    for page in pages:
        roles = set(page.roles)
        told = [user_id for user_id, role in people if role in roles]
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
