"""Recording audit events: one INSERT in the caller's transaction, nothing shared to lock.

The event carries its own content hash; the sealer (``services/tlog.py``) later gives it
its place in the log's Merkle tree and signs a checkpoint over it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.audit import content_hash
from ..models import AuditEvent
from ..models.types import utcnow

# A Core statement on the table: the intake path pays no ORM unit of work for it, and
# the statement is built once (each call only binds its values).
EVENTS = cast(sa.Table, AuditEvent.__table__)
INSERT = sa.insert(EVENTS).returning(EVENTS.c.id)


def record(
    session: Session,
    actor: str,
    action: str,
    subject: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> int:
    """Append an event inside the caller's transaction (it commits or rolls back with it).

    No row is shared between writers: audited writes never wait for each other.

    Args:
        session: the caller's session.
        actor: who did it, e.g. ``user:ana@example.com``, ``source:support-bot``, ``cli``.
        action: what happened, e.g. ``item.submitted``.
        subject: what it happened to, e.g. ``item:42``.
        data: details worth keeping (JSON values, never secrets).
        at: when; defaults to now.

    Returns:
        The new event's id.
    """
    at = at or utcnow()
    data = data or {}
    values = {
        "at": at,
        "actor": actor,
        "action": action,
        "subject": subject,
        "data": data,
        "hash": content_hash(at, actor, action, subject, data),
    }
    return cast(int, session.execute(INSERT, values).scalar_one())


def latest_for(session: Session, subject: str) -> int | None:
    """The id of the newest event about ``subject`` this transaction can see."""
    return session.scalar(sa.select(sa.func.max(EVENTS.c.id)).where(EVENTS.c.subject == subject))
