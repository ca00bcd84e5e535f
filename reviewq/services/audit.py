"""Recording audit events: one INSERT in the caller's transaction, nothing shared to lock.

The event carries its own content hash; the sealer (``services/tlog.py``) later gives it
its place in the log's Merkle tree and signs a checkpoint over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.audit import content_hash
from ..models import AuditEvent
from ..models.types import utcnow

# A Core statement on the table: the intake path pays no ORM unit of work for it, and
# the statement is built once (each call only binds its values).
EVENTS = cast(sa.Table, AuditEvent.__table__)
INSERT = sa.insert(EVENTS).returning(EVENTS.c.id)
# Many events in one statement (SQLAlchemy's "insertmanyvalues"): their ids are given in
# the order of the events, so the log keeps the order a loop of ``record`` would give.
INSERT_MANY = sa.insert(EVENTS).returning(EVENTS.c.id, sort_by_parameter_order=True)


class Event(NamedTuple):
    """One event for ``record_many``: the arguments of ``record``."""

    actor: str
    action: str
    subject: str
    data: dict[str, Any]
    at: datetime | None = None


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
    values = _values(Event(actor, action, subject, data or {}, at))
    return cast(int, session.execute(INSERT, values).scalar_one())


def record_many(session: Session, events: Sequence[Event]) -> list[int]:
    """Append ``events`` in one statement, each exactly as ``record`` appends it (same
    content, same hash), in the order given.

    Returns:
        The new events' ids, in the order of ``events``.
    """
    if not events:
        return []
    return list(session.execute(INSERT_MANY, [_values(e) for e in events]).scalars())


def _values(event: Event) -> dict[str, Any]:
    at = event.at or utcnow()
    return {
        "at": at,
        "actor": event.actor,
        "action": event.action,
        "subject": event.subject,
        "data": event.data,
        "hash": content_hash(at, event.actor, event.action, event.subject, event.data),
    }


def latest_for(session: Session, subject: str) -> int | None:
    """The id of the newest event about ``subject`` this transaction can see."""
    return session.scalar(sa.select(sa.func.max(EVENTS.c.id)).where(EVENTS.c.subject == subject))
